using System.Buffers.Text;
using System.Text.Json;
using Elastic.Clients.Elasticsearch;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Elasticsearch;

/// <summary>
/// The opaque paging cursor: the <c>search_after</c> values of a page's last hit (primary sort key,
/// tie-break), the sort they belong to and the search they continue (<see cref="OfferingSearchRequest.CursorScope"/>), as
/// base64url JSON.
/// </summary>
internal static class SearchCursor
{
    public static string Encode(SearchSort sort, IReadOnlyCollection<FieldValue> sortValues, long scope)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("s", sort.ToString());
            writer.WriteStartArray("v");
            foreach (var value in sortValues)
            {
                if (value.TryGetLong(out var l) && l is { } longValue)
                {
                    writer.WriteNumberValue(longValue);
                }
                else if (value.TryGetDouble(out var d) && d is { } doubleValue)
                {
                    writer.WriteNumberValue(doubleValue);
                }
                else if (value.TryGetString(out var s) && s is not null)
                {
                    writer.WriteStringValue(s);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }
            writer.WriteEndArray();
            writer.WriteNumber("q", scope);
            writer.WriteEndObject();
        }
        return Base64Url.EncodeToString(buffer.WrittenSpan);
    }

    /// <summary>The <c>search_after</c> values; throws <see cref="InvalidSearchRequestException"/> for a malformed cursor or one from another sort.</summary>
    public static IReadOnlyList<FieldValue> Decode(string cursor, SearchSort sort, long scope)
    {
        try
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            using var json = JsonDocument.Parse(bytes);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("s", out var s) || s.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("v", out var v) || v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2)
            {
                throw Malformed();
            }
            if (s.GetString() != sort.ToString())
            {
                throw Enum.TryParse<SearchSort>(s.GetString(), out var issued) && Enum.IsDefined(issued)
                    ? InvalidSearchRequestException.CursorOfOtherSort(issued, sort)
                    : Malformed();
            }
            if (!root.TryGetProperty("q", out var q) || !q.TryGetInt64(out var issuedFor) || issuedFor != scope)
            {
                throw InvalidSearchRequestException.CursorOfOtherQuery();
            }
            var primary = v[0];
            var tieBreak = v[1];
            if (primary.ValueKind != JsonValueKind.Number || !tieBreak.TryGetInt64(out var tie))
            {
                throw Malformed();
            }
            FieldValue first = sort == SearchSort.Relevance
                ? FieldValue.Double(primary.GetDouble())
                : primary.TryGetInt64(out var l) ? FieldValue.Long(l) : throw Malformed();
            return [first, FieldValue.Long(tie)];
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            throw Malformed();
        }
    }

    private static InvalidSearchRequestException Malformed() => InvalidSearchRequestException.ForeignCursor();
}

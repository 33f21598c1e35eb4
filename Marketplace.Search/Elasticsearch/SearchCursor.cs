using System.Buffers.Text;
using System.Text.Json;
using Elastic.Clients.Elasticsearch;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Elasticsearch;

/// <summary>
/// The opaque paging cursor: the <c>search_after</c> values of a page's last hit (primary sort key,
/// tie-break), the sort they belong to, the search they continue (<see cref="OfferingSearchRequest.CursorScope"/>) and how
/// many hits come before the next page, as base64url JSON.
/// </summary>
internal static class SearchCursor
{
    /// <param name="position">How many hits come before the page the cursor reads (its page number for a partner's pager).</param>
    public static string Encode(SearchSort sort, IReadOnlyCollection<FieldValue> sortValues, long scope, long position)
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
            writer.WriteNumber("p", position);
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
            // Values a page could have given: a score ≥ 0, at least one hit before the next page and no more than an index holds.
            if (root.TryGetProperty("p", out var p) && !(p.TryGetInt64(out var position) && position is >= 1 and <= int.MaxValue))
            {
                throw Malformed();
            }
            FieldValue first = sort == SearchSort.Relevance
                ? primary.GetDouble() is >= 0 and var score && double.IsFinite(score) ? FieldValue.Double(score) : throw Malformed()
                : primary.TryGetInt64(out var l) ? FieldValue.Long(l) : throw Malformed();
            return [first, FieldValue.Long(tie)];
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            throw Malformed();
        }
    }

    /// <summary>How many hits come before the cursor's page; null for a cursor written before it said so (or not one).</summary>
    public static long? Position(string cursor)
    {
        try
        {
            using var json = JsonDocument.Parse(Base64Url.DecodeFromChars(cursor));
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("p", out var p) && p.TryGetInt64(out var position)
                ? position
                : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private static InvalidSearchRequestException Malformed() => InvalidSearchRequestException.ForeignCursor();
}

using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Every document of a segment in the order of each sort when all scores are equal (a browse with no text): by the
/// sort key, then the id hash, then the document number — the order of <see cref="TopHitsCollector"/>. Computed once
/// per segment core and sort, so a browse page reads the first accepted documents instead of ranking all of them.
/// </summary>
internal static class BrowseOrder
{
    private static readonly ConditionalWeakTable<object, int[]?[]> Orders = new();

    public static int[] For(AtomicReader reader, SearchSort sort)
    {
        var orders = Orders.GetValue(reader.CoreCacheKey, _ => new int[]?[Enum.GetValues<SearchSort>().Length]);
        var slot = (int)sort;
        return Volatile.Read(ref orders[slot]) ?? (orders[slot] = Sorted(SortKeys.For(reader), reader.MaxDoc, sort));
    }

    private static int[] Sorted(SortKeys keys, int maxDoc, SearchSort sort)
    {
        var docs = new int[maxDoc];
        for (var doc = 0; doc < maxDoc; doc++)
        {
            docs[doc] = doc;
        }
        var idHash = keys.IdHash;
        var key = sort switch
        {
            SearchSort.Newest => keys.Published,
            SearchSort.PriceAsc or SearchSort.PriceDesc => keys.PriceMin,
            _ => null,
        };
        var descending = sort is SearchSort.Newest or SearchSort.PriceDesc;
        Array.Sort(docs, (a, b) =>
        {
            if (key is not null && key[a] != key[b])
            {
                return descending ? key[b].CompareTo(key[a]) : key[a].CompareTo(key[b]);
            }
            var tie = idHash[a].CompareTo(idHash[b]);
            return tie != 0 ? tie : a.CompareTo(b);
        });
        return docs;
    }
}

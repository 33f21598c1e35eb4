using Lucene.Net.Index;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Term and postings enumerators of one segment core, kept for the next read of a clause instead of created anew. A new
/// enumerator clones the segment's mapped index files, and each clone is registered in a weak table that the finalizer
/// thread has to clean; with words never seen before (every read a miss) that cleaning took about a tenth of the CPU
/// in a profile at 100,000 offerings, and the enumerators themselves half the allocations. Enumerators are
/// single-threaded: a reader rents one, uses it to the end, and gives it back.
/// </summary>
internal sealed class TermEnumerators
{
    /// <summary>Idle enumerators kept per field: about the number of threads that search at once.</summary>
    private const int KeptPerField = 16;

    private readonly Dictionary<string, Stack<Rented>> _idle = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Rented Rent(Terms terms, string field)
    {
        lock (_gate)
        {
            if (_idle.TryGetValue(field, out var idle) && idle.TryPop(out var rented))
            {
                return rented;
            }
        }
        return new Rented(field, terms.GetEnumerator());
    }

    public void Return(Rented rented)
    {
        lock (_gate)
        {
            if (!_idle.TryGetValue(rented.Field, out var idle))
            {
                _idle[rented.Field] = idle = new Stack<Rented>();
            }
            if (idle.Count < KeptPerField)
            {
                idle.Push(rented);
            }
        }
    }

    /// <summary>A field's term enumerator and the postings enumerator last used with it (Lucene reuses it for the next term).</summary>
    internal sealed class Rented(string field, TermsEnum terms)
    {
        public string Field { get; } = field;

        public TermsEnum Terms { get; } = terms;

        public DocsEnum? Docs { get; set; }
    }
}

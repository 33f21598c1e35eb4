using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Util;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;
using Marketplace.Search.Indexing;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Builds the Lucene fields of an offering (the <see cref="OfferingFields"/> layout) into field instances it keeps from
/// one document to the next: a keyword or numeric field creates its token stream (and its attributes, under a lock
/// shared by every indexing thread) once instead of per document, and the source is serialized into a reused buffer.
/// One builder per indexing thread; the fields returned by <see cref="Build"/> are valid until the next call.
/// </summary>
internal sealed class OfferingDocumentBuilder(TaxonomyCatalog taxonomy)
{
    private readonly List<IIndexableField> _fields = [];
    private readonly StringField _id = new(OfferingFields.Id, "", Field.Store.NO);
    private readonly byte[] _idBytes = new byte[16];
    private readonly BinaryDocValuesField _idValue = new(OfferingFields.IdBytes, new BytesRef());
    private readonly NumericDocValuesField _version = new(OfferingFields.Version, 0L);
    private readonly NumericDocValuesField _idHash = new(OfferingFields.IdHash, 0L);
    private readonly StringField _live = new(OfferingFields.Live, "", Field.Store.NO);
    private readonly BinaryDocValuesField _source = new(OfferingFields.Source, new BytesRef());
    private readonly Int64Field _priceMin = new(OfferingFields.PriceMin, 0L, Field.Store.NO);
    private readonly NumericDocValuesField _priceMinValue = new(OfferingFields.PriceMin, 0L);
    private readonly Int32Field _days = new(OfferingFields.Days, 0, Field.Store.NO);
    private readonly NumericDocValuesField _published = new(OfferingFields.Published, 0L);
    private readonly Dictionary<string, Pool<TextField>> _texts = [];
    private readonly Dictionary<string, Pool<KeywordField>> _keywords = [];

    public IEnumerable<IIndexableField> Build(OfferingDocument offering)
    {
        _fields.Clear();
        foreach (var pool in _texts.Values)
        {
            pool.Reset();
        }
        foreach (var pool in _keywords.Values)
        {
            pool.Reset();
        }

        _id.SetStringValue(OfferingFields.IdTerm(offering.Id));
        offering.Id.TryWriteBytes(_idBytes);
        _idValue.SetBytesValue(new BytesRef(_idBytes));
        _version.SetInt64Value(offering.Version);
        _idHash.SetInt64Value(StableIdHash.Compute(offering.Id));
        _live.SetStringValue(offering.Live ? "1" : "0");
        _fields.Add(_id);
        _fields.Add(_idValue);
        _fields.Add(_version);
        _fields.Add(_idHash);
        _fields.Add(_live);
        if (!offering.Live)
        {
            return _fields; // a tombstone only remembers its version
        }

        // The source as binary doc values, not a stored field: a hit reads its own bytes, where compressed stored
        // fields decompress a whole block per document (most of a matching run's 200-candidate search).
        _source.SetBytesValue(new BytesRef(SourceCodec.Encode(offering)));
        _fields.Add(_source);
        AddText("title", [offering.Title]);
        AddText("keywords", offering.Keywords);
        AddText("summary", [offering.Summary]);
        AddText(OfferingFields.Body, [offering.Description]);
        AddText(OfferingFields.Body, offering.Cases);
        AddText(OfferingFields.Body, [offering.SupplierName]);

        // Hierarchical facet: a sub-direction implies its direction, whatever the sender expanded.
        var directions = offering.Directions
            .Concat(offering.SubDirections.Select(s => taxonomy.FindSubDirection(s)?.DirectionCode ?? ParentCode(s)))
            .OfType<string>();
        AddKeywords(OfferingFields.Direction, directions);
        AddKeywords(OfferingFields.SubDirection, offering.SubDirections);
        AddKeywords(OfferingFields.Type, [offering.Type]);
        AddKeywords(OfferingFields.Deployment, [offering.Deployment]);
        AddKeywords(OfferingFields.District, offering.Districts);

        _priceMin.SetInt64Value(offering.PriceMinYuan);
        _priceMinValue.SetInt64Value(offering.PriceMinYuan);
        _days.SetInt32Value(offering.ImplementationDays);
        _published.SetInt64Value(offering.PublishedAt.ToUnixTimeMilliseconds());
        _fields.Add(_priceMin);
        _fields.Add(_priceMinValue);
        _fields.Add(_days);
        _fields.Add(_published);
        return _fields;
    }

    private static string? ParentCode(string subDirection)
    {
        var dot = subDirection.IndexOf('.');
        return dot > 0 ? subDirection[..dot] : null;
    }

    private void AddText(string name, IEnumerable<string> values)
    {
        foreach (var value in values.Where(v => !string.IsNullOrWhiteSpace(v)))
        {
            Add(Text(name + OfferingAnalysis.WordSuffix), value);
            if (name == "title")
            {
                Add(Text(name + OfferingAnalysis.BigramSuffix), value);
            }
            Add(Text("all" + OfferingAnalysis.BigramSuffix), value);
        }

        void Add(Pool<TextField> pool, string value)
        {
            var field = pool.Next();
            field.SetStringValue(value);
            _fields.Add(field);
        }
    }

    private void AddKeywords(string name, IEnumerable<string> values)
    {
        if (!_keywords.TryGetValue(name, out var pool))
        {
            _keywords[name] = pool = new Pool<KeywordField>(() => new KeywordField(name));
        }
        foreach (var value in values.Where(v => !string.IsNullOrEmpty(v)).Distinct(StringComparer.Ordinal))
        {
            var field = pool.Next();
            field.Set(value);
            _fields.Add(field.Term);
            _fields.Add(field.Values);
        }
    }

    private Pool<TextField> Text(string name)
    {
        if (!_texts.TryGetValue(name, out var pool))
        {
            _texts[name] = pool = new Pool<TextField>(() => new TextField(name, "", Field.Store.NO));
        }
        return pool;
    }

    /// <summary>A facet value: an indexed term for filters and a sorted-set doc value for counts.</summary>
    private sealed class KeywordField(string name)
    {
        private readonly BytesRef _bytes = new();

        public StringField Term { get; } = new(name, "", Field.Store.NO);

        public SortedSetDocValuesField Values { get; } = new(name, new BytesRef());

        public void Set(string value)
        {
            Term.SetStringValue(value);
            _bytes.CopyChars(value);
            Values.SetBytesValue(_bytes);
        }
    }

    /// <summary>The instances of one field name, handed out in turn within a document.</summary>
    private sealed class Pool<T>(Func<T> create)
    {
        private readonly List<T> _items = [];
        private int _used;

        public void Reset() => _used = 0;

        public T Next()
        {
            if (_used == _items.Count)
            {
                _items.Add(create());
            }
            return _items[_used++];
        }
    }
}

using System.Globalization;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Analysis;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;

namespace Marketplace.Search.Elasticsearch;

/// <summary>
/// Field names and the mapping of a physical offering index. Built-in analysis only: Chinese text
/// is analysed by <see cref="TextAnalyzer"/> (overlapping bigrams), with a <c>std</c> subfield analysed by
/// <c>standard</c> (one token per Han character) for exact-substring phrase matches.
/// </summary>
public static class OfferingIndexMapping
{
    public const string Id = "id";
    public const string Version = "version";
    public const string Live = "live";
    public const string RevisionId = "revisionId";
    public const string Title = "title";
    public const string Summary = "summary";
    public const string Description = "description";
    public const string Keywords = "keywords";
    public const string Cases = "cases";
    public const string SupplierId = "supplierId";
    public const string SupplierName = "supplierName";
    public const string Directions = "directions";
    public const string SubDirections = "subDirections";
    public const string Type = "type";
    public const string Deployment = "deployment";
    public const string Districts = "districts";
    public const string PriceMinYuan = "priceMinYuan";
    public const string PriceMaxYuan = "priceMaxYuan";
    public const string ImplementationDays = "implementationDays";
    public const string PublishedAt = "publishedAt";
    public const string TieBreak = "tieBreak";

    /// <summary>Suffix of the <c>standard</c>-analysed subfield of every text field.</summary>
    public const string StandardSubfield = "std";
    /// <summary>Suffix of the keyword subfield of <see cref="Keywords"/> and <see cref="SupplierName"/>.</summary>
    public const string RawSubfield = "raw";

    /// <summary>
    /// The built-in <c>cjk</c> analyzer without its English stop words (it dropped it, no, to, a…): the embedded engine's bigram
    /// chain (<see cref="Marketplace.Search.Analysis.StandardBigramAnalyzer"/>), filter for filter.
    /// </summary>
    public const string TextAnalyzer = "offering_cjk";

    /// <summary>
    /// The version of the mapping and settings (<see cref="CreateIndexRequest"/>) and of the document layout
    /// (<see cref="IndexedOffering"/>, and how its fields are computed, such as the tie-break), stamped in the mapping's
    /// <c>_meta</c>. Bump it with any change to either: an index of another version is rebuilt at start-up, since an
    /// existing index never takes a new mapping (under <c>dynamic: strict</c> a new field fails every write to it).
    /// </summary>
    public const int SchemaVersion = 2;

    public const string SchemaVersionKey = "schemaVersion";

    /// <summary>Text fields and their query-time boosts.</summary>
    public static readonly IReadOnlyList<(string Field, double Boost)> TextFields =
    [
        (Title, 3), (Keywords, 2), (Summary, 1.5), (Description, 1), (Cases, 1), (SupplierName, 1),
    ];

    /// <summary>BM25 parameters (Elasticsearch's defaults, and the embedded engine's).</summary>
    public const double Bm25K1 = 1.2;

    public const double Bm25B = 0.75;

    public static CreateIndexRequest CreateIndexRequest(string physicalIndexName) => new(physicalIndexName)
    {
        Settings = new IndexSettings
        {
            // One shard: the catalogue is small, and one shard keeps scoring (IDF) identical across
            // requests so equal queries rank equally (with the query's own preference, the same copy of it
            // answers every page: a replica's statistics differ by its deleted documents).
            NumberOfShards = 1,
            // BM25 with Elasticsearch's defaults, stated so that the ranking function is the embedded engine's
            // (Lucene.Net BM25Similarity, same k1 and b) whatever a cluster's index templates say.
            Similarity = new SettingsSimilarities { { "default", new SettingsSimilarityBm25 { K1 = Bm25K1, B = Bm25B } } },
            Analysis = new IndexSettingsAnalysis
            {
                Analyzers = new Analyzers
                {
                    { TextAnalyzer, new CustomAnalyzer { Tokenizer = "standard", Filter = ["cjk_width", "lowercase", "cjk_bigram"] } },
                },
            },
        },
        Mappings = Mapping(),
    };

    public static TypeMapping Mapping() => new()
    {
        Meta = new Dictionary<string, object> { [SchemaVersionKey] = SchemaVersion },
        Dynamic = DynamicMapping.Strict,
        Properties = new Properties
        {
            { Id, new KeywordProperty() },
            { Version, new LongNumberProperty() },
            { Live, new BooleanProperty() },
            { RevisionId, new KeywordProperty { Index = false } },
            { Title, Text() },
            { Summary, Text() },
            { Description, Text() },
            { Keywords, Text(withRaw: true) },
            { Cases, Text() },
            { SupplierId, new KeywordProperty() },
            { SupplierName, Text(withRaw: true) },
            { Directions, new KeywordProperty() },
            { SubDirections, new KeywordProperty() },
            { Type, new KeywordProperty() },
            { Deployment, new KeywordProperty() },
            { Districts, new KeywordProperty() },
            { PriceMinYuan, new LongNumberProperty() },
            { PriceMaxYuan, new LongNumberProperty() },
            { ImplementationDays, new IntegerNumberProperty() },
            { PublishedAt, new DateProperty() },
            { TieBreak, new LongNumberProperty() },
        },
    };

    /// <summary>The schema version an index's mapping was stamped with; null when it has none (made before versions were stamped).</summary>
    public static int? SchemaVersionOf(TypeMapping? mapping) =>
        mapping?.Meta is { } meta && meta.TryGetValue(SchemaVersionKey, out var value)
        && int.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version)
            ? version
            : null;

    private static TextProperty Text(bool withRaw = false)
    {
        var fields = new Properties { { StandardSubfield, new TextProperty { Analyzer = "standard" } } };
        if (withRaw)
        {
            fields.Add(RawSubfield, new KeywordProperty { IgnoreAbove = 256 });
        }
        return new TextProperty { Analyzer = TextAnalyzer, Fields = fields };
    }
}

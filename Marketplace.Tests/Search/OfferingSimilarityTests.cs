using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Marketplace.Search.Elasticsearch;
using Marketplace.Search.Lucene;

namespace Marketplace.Tests.Search;

/// <summary>The embedded engine ranks with BM25 (Elasticsearch's default parameters) without rebuilding older indexes.</summary>
public class OfferingSimilarityTests
{
    [Test]
    public void Uses_the_parameters_of_Elasticsearch_default_BM25()
    {
        Assert.That(OfferingSimilarity.Instance, Is.InstanceOf<BM25Similarity>());
        Assert.That(OfferingSimilarity.Instance.K1, Is.EqualTo(1.2f));
        Assert.That(OfferingSimilarity.Instance.B, Is.EqualTo(0.75f));
        Assert.That(OfferingSimilarity.Instance.K1, Is.EqualTo((float)OfferingIndexMapping.Bm25K1), "Elasticsearch's index settings state the same k1");
        Assert.That(OfferingSimilarity.Instance.B, Is.EqualTo((float)OfferingIndexMapping.Bm25B), "and the same b");
    }

    [Test]
    public void Writes_the_norm_byte_the_classic_similarity_wrote_for_every_length()
    {
        // Indexes written under TF-IDF (DefaultSimilarity) keep their norms: BM25 must read them as the lengths it would have written.
        var classic = new DefaultSimilarity();
        var mismatches = new List<int>();
        for (var length = 1; length <= 200_000; length++)
        {
            var state = new FieldInvertState("all_b", position: length, length: length, numOverlap: 0, offset: 0, boost: 1f);
            if (OfferingSimilarity.Instance.ComputeNorm(state) != classic.ComputeNorm(state))
            {
                mismatches.Add(length);
            }
        }
        Assert.That(mismatches, Is.Empty);
    }

    [Test]
    public void Rounds_the_average_field_length_so_that_a_small_write_does_not_move_it()
    {
        // 1,000 documents of 128 terms, then one more of 228: the exact average moves by 0.1 %, the rounded one stays.
        var before = new CollectionStatistics("all_b", maxDoc: 1_000, docCount: 1_000, sumTotalTermFreq: 128_000, sumDocFreq: 128_000);
        var after = new CollectionStatistics("all_b", maxDoc: 1_001, docCount: 1_001, sumTotalTermFreq: 128_228, sumDocFreq: 128_228);
        Assert.That(OfferingSimilarity.Instance.AverageLength(before), Is.EqualTo(128f));
        Assert.That(OfferingSimilarity.Instance.AverageLength(after), Is.EqualTo(128f));

        for (var average = 0.5f; average < 5_000f; average *= 1.0037f)
        {
            Assert.That(OfferingSimilarity.RoundAverageLength(average), Is.EqualTo(average).Within(0.55).Percent);
        }
    }
}

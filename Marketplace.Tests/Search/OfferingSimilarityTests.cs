using Lucene.Net.Index;
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
}

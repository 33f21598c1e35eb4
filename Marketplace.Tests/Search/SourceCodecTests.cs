using System.Text.Json;
using Marketplace.Core.Searching;
using Marketplace.Search.Lucene;

namespace Marketplace.Tests.Search;

public class SourceCodecTests
{
    [Test]
    public void Every_member_survives_the_round_trip()
    {
        foreach (var offering in SyntheticOfferings.Create(200).Append(Unusual()).Append(OfferingDocument.Tombstone(Guid.NewGuid(), 9)))
        {
            var decoded = SourceCodec.Decode(SourceCodec.Encode(offering));
            Assert.That(JsonSerializer.Serialize(decoded), Is.EqualTo(JsonSerializer.Serialize(offering)));
            Assert.That(decoded.PublishedAt.Offset, Is.EqualTo(offering.PublishedAt.Offset));
        }
    }

    [Test]
    public void Sources_written_as_json_by_earlier_versions_still_read()
    {
        var offering = Unusual();
        var decoded = SourceCodec.Decode(JsonSerializer.SerializeToUtf8Bytes(offering));
        Assert.That(JsonSerializer.Serialize(decoded), Is.EqualTo(JsonSerializer.Serialize(offering)));
    }

    [Test]
    public void An_unknown_layout_is_refused_clearly()
    {
        var bytes = SourceCodec.Encode(Unusual());
        bytes[0] = 99;
        Assert.That(() => SourceCodec.Decode(bytes), Throws.TypeOf<InvalidDataException>().With.Message.Contains("layout 99"));
    }

    private static OfferingDocument Unusual() => new()
    {
        Id = Guid.NewGuid(),
        Version = long.MaxValue,
        Live = true,
        RevisionId = Guid.NewGuid(),
        Title = "弧焊机器人 MES ＡＢＣ 😀 \"quoted\" \\ <em>",
        Summary = "",
        Description = new string('长', 5_000),
        Keywords = [],
        Cases = ["渝北区某企业 2024", ""],
        SupplierId = Guid.Empty,
        SupplierName = "重庆·测试（集团）有限公司",
        Directions = ["machinery"],
        SubDirections = ["machinery.welding", "general.mes"],
        Type = "solution",
        Deployment = "saas",
        Districts = ["全市"],
        PriceMinYuan = 0,
        PriceMaxYuan = -1,
        ImplementationDays = int.MaxValue,
        PublishedAt = new DateTimeOffset(2026, 11, 29, 8, 30, 15, TimeSpan.FromHours(8)).AddTicks(1234),
    };
}

using System.Net;
using System.Net.Http.Json;
using Marketplace.Core.Bulk;
using Marketplace.Core.Common;

namespace Marketplace.Tests.Api;

public class TextRulesTests
{
    [TestCase("焊接机器人工作站，适合车架焊接。\n第二行\t制表", null)]
    [TestCase("emoji 🤖 与 𠀀 扩展汉字", null)]
    [TestCase("购置\uffff设备", "U+FFFF")]
    [TestCase("a\u0000b", "U+0000")]
    [TestCase("a\u001bb", "U+001B")]
    [TestCase("a\u0085b", "U+0085")]
    [TestCase("a\ufdd0b", "U+FDD0")]
    [TestCase("a\u202eb", "U+202E")]
    [TestCase("a\u2067b", "U+2067")]
    public void Text_holds_no_control_characters_noncharacters_lone_surrogates_or_overrides(string text, string? expected) =>
        Assert.That(TextRules.FirstDisallowed(text), Is.EqualTo(expected));

    [Test]
    public void Unpaired_surrogates_are_refused()
    {
        // Built in code: an attribute's string cannot carry an unpaired surrogate (it becomes U+FFFD).
        Assert.That(TextRules.FirstDisallowed(new string(['a', '\ud800', 'b'])), Is.EqualTo("U+D800"));
        Assert.That(TextRules.FirstDisallowed(new string(['a', '\udc00'])), Is.EqualTo("U+DC00"));
    }

    [TestCase("   ", true)]
    [TestCase("\u200b\ufeff", true)]
    [TestCase(" \u3000\u200b ", true)]
    [TestCase("焊", false)]
    public void Blank_means_nothing_visible(string text, bool expected) => Assert.That(TextRules.IsBlank(text), Is.EqualTo(expected));

    [Test]
    public async Task Bad_characters_are_a_400_naming_the_field_and_a_zero_width_title_is_blank()
    {
        using var app = new MarketplaceApp();
        var integrator = await app.CreateOrganizationAsync("integrator");
        var body = MarketplaceApp.OfferingBody();
        body["summary"] = "弧焊机器人\uffff替代手工焊";
        await ProblemAssert.IsProblemAsync(await integrator.Client.PostAsJsonAsync("/api/v1/offerings", body), HttpStatusCode.BadRequest, "summary");
        body = MarketplaceApp.OfferingBody();
        body["title"] = "\u200b\ufeff";
        var problem = await ProblemAssert.IsProblemAsync(await integrator.Client.PostAsJsonAsync("/api/v1/offerings", body), HttpStatusCode.BadRequest, "title");
        Assert.That(problem["errors"]!["title"]![0]!.GetValue<string>(), Does.StartWith("必填"));

        var enterprise = await app.CreateOrganizationAsync("enterprise");
        await ProblemAssert.IsProblemAsync(await enterprise.Client.PostAsJsonAsync("/api/v1/demand-lists", new { items = new[] { new { text = "想上焊接\u202e机器人" } } }),
            HttpStatusCode.BadRequest, "items[0].text");
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }

    [Test]
    public async Task An_XLSX_export_drops_what_XML_cannot_hold_instead_of_failing()
    {
        var rows = new[] { new object?[] { "购置\uffff设备\u0001", 1L }, new object?[] { "正常 🤖", 2L } }.ToAsyncEnumerable();
        using var file = new MemoryStream();
        var written = await TableWriter.WriteAsync(file, TableFormat.Xlsx, [new TableSheet("需求", ["用途", "序号"], rows)], null, CancellationToken.None);
        file.Position = 0;
        using var reader = TableReader.Open(file, TableFormat.Xlsx);
        Assert.Multiple(() =>
        {
            Assert.That(written, Is.EqualTo(2));
            Assert.That(reader.Headers[0], Is.EqualTo("用途"));
            Assert.That(reader.Rows().Select(r => r.Cell(0)), Is.EqualTo(new[] { "购置设备", "正常 🤖" }));
        });
    }
}

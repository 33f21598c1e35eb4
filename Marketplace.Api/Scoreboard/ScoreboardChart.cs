using System.Globalization;
using System.Text;
using System.Xml;
using Marketplace.Core.Scoreboard;

namespace Marketplace.Api.Scoreboard;

/// <summary>
/// Renders the scoreboard as a self-contained SVG bar chart (no script, no external fonts or images) that a district
/// can embed with &lt;img&gt; or &lt;object&gt;: one bar per district, its length the score, its fill the colour band,
/// ranked; districts without a plan in grey at the end; the legend shows the bands and their thresholds.
/// </summary>
public static class ScoreboardChart
{
    private const int Width = 760;
    private const int Top = 56;
    private const int RowHeight = 20;
    private const int LabelWidth = 170;
    private const int BarMax = 460;
    private const string Font = "'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif";

    public static byte[] Render(int year, IReadOnlyList<ScoreboardRow> rows, ScoreboardOptions rules, string? highlightCode)
    {
        var colours = rules.EffectiveColours;
        var height = Top + rows.Count * RowHeight + 70;
        using var buffer = new MemoryStream();
        using (var w = XmlWriter.Create(buffer, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false) }))
        {
            const string ns = "http://www.w3.org/2000/svg";
            w.WriteStartElement("svg", ns);
            w.WriteAttributeString("width", Num(Width));
            w.WriteAttributeString("height", Num(height));
            w.WriteAttributeString("viewBox", $"0 0 {Num(Width)} {Num(height)}");
            w.WriteAttributeString("role", "img");
            w.WriteAttributeString("font-family", Font);
            w.WriteAttributeString("font-size", "12");
            w.WriteElementString("title", ns, $"{year} 年各区县技术改造工作五色图");
            w.WriteElementString("desc", ns, "按得分排名：诊断、匹配、对接、完成企业占比与完成投资占计划投资之比的加权得分；颜色由配置的分档规则确定。");
            Rect(w, 0, 0, Width, height, "#ffffff", null);
            Text(w, 16, 28, $"{year} 年各区县技术改造工作五色图（赛马比拼）", size: 18, weight: "bold");
            Text(w, 16, 46, "得分 = 诊断、匹配、对接、完成企业占比与投资完成率的加权平均（无数据的指标不计）", size: 11, fill: "#555555");

            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                var y = Top + i * RowHeight;
                var highlighted = row.DistrictCode == highlightCode;
                w.WriteStartElement("g", ns);
                w.WriteAttributeString("id", $"district-{row.DistrictCode}");
                w.WriteAttributeString("data-district", row.District);
                w.WriteAttributeString("data-colour", row.Colour.Code);
                if (row.Score is { } s)
                {
                    w.WriteAttributeString("data-score", s.ToString("0.####", CultureInfo.InvariantCulture));
                }
                if (highlighted)
                {
                    Rect(w, 4, y, Width - 8, RowHeight, "#e8f0fe", null);
                }
                var label = row.Rank is { } rank ? $"{rank}. {row.District}" : row.District;
                Text(w, LabelWidth - 8, y + 14, label, anchor: "end", weight: highlighted ? "bold" : null);
                var length = row.Score is { } score ? Math.Max(2, score * BarMax) : BarMax;
                Rect(w, LabelWidth, y + 3, length, RowHeight - 6, row.Colour.Hex, highlighted ? "#1a237e" : null);
                var value = row.Score is { } v
                    ? $"{v * 100:0.#} 分 · {row.Enterprises} 家企业"
                    : row.Colour.Name;
                Text(w, LabelWidth + (row.Score is null ? 8 : length + 6), y + 14, value, fill: row.Score is null ? "#555555" : "#222222");
                w.WriteEndElement();
            }

            var legendY = Top + rows.Count * RowHeight + 24;
            Text(w, 16, legendY + 12, "分档：", weight: "bold");
            var x = 60.0;
            foreach (var band in colours.Append(rules.NoPlan))
            {
                Rect(w, x, legendY, 14, 14, band.Hex, "#888888");
                var caption = band == rules.NoPlan ? band.Name : $"{band.Name} ≥ {band.MinScore * 100:0.#}";
                Text(w, x + 18, legendY + 12, caption);
                x += 30 + caption.Length * 9;
            }
            w.WriteEndElement();
        }
        return buffer.ToArray();
    }

    private static void Rect(XmlWriter w, double x, double y, double width, double height, string fill, string? stroke)
    {
        w.WriteStartElement("rect", "http://www.w3.org/2000/svg");
        w.WriteAttributeString("x", Num(x));
        w.WriteAttributeString("y", Num(y));
        w.WriteAttributeString("width", Num(width));
        w.WriteAttributeString("height", Num(height));
        w.WriteAttributeString("fill", fill);
        if (stroke is not null)
        {
            w.WriteAttributeString("stroke", stroke);
        }
        w.WriteEndElement();
    }

    private static void Text(XmlWriter w, double x, double y, string text, int? size = null, string? weight = null, string? fill = null, string? anchor = null)
    {
        w.WriteStartElement("text", "http://www.w3.org/2000/svg");
        w.WriteAttributeString("x", Num(x));
        w.WriteAttributeString("y", Num(y));
        if (size is not null)
        {
            w.WriteAttributeString("font-size", Num(size.Value));
        }
        if (weight is not null)
        {
            w.WriteAttributeString("font-weight", weight);
        }
        if (fill is not null)
        {
            w.WriteAttributeString("fill", fill);
        }
        if (anchor is not null)
        {
            w.WriteAttributeString("text-anchor", anchor);
        }
        w.WriteString(text);
        w.WriteEndElement();
    }

    private static string Num(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

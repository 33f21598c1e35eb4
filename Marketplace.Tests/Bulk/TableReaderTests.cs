using System.Text;
using Marketplace.Core.Bulk;

namespace Marketplace.Tests.Bulk;

public class TableReaderTests
{
    [Test]
    public void Csv_rows_are_numbered_as_a_spreadsheet_shows_them_with_empty_lines_and_cells_over_several_lines()
    {
        var csv = "标题,摘要\r\n\r\n甲,乙\r\n\"两行\r\n的标题\",丙\r\n\r\n丁,戊\r\n";
        using var reader = TableReader.Open(new MemoryStream(Encoding.UTF8.GetBytes(csv)), TableFormat.Csv);
        var rows = reader.Rows().Select(r => (r.Number, r.Cell(0))).ToArray();
        Assert.That(rows, Is.EqualTo(new[] { (3L, (string?)"甲"), (4L, "两行\r\n的标题"), (6L, "丁") }));
    }

    [Test]
    public void A_csv_whose_first_lines_are_empty_still_has_its_header_row()
    {
        var csv = "\r\n\r\n标题,摘要\r\n甲,乙\r\n";
        using var reader = TableReader.Open(new MemoryStream(Encoding.UTF8.GetBytes(csv)), TableFormat.Csv);
        Assert.That(reader.Headers, Is.EqualTo(new[] { "标题", "摘要" }));
        Assert.That(reader.Rows().Select(r => (r.Number, r.Cell(0))).Single(), Is.EqualTo((4L, (string?)"甲")));
    }
}

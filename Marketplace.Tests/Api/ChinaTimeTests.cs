using Marketplace.Core.Common;

namespace Marketplace.Tests.Api;

public class ChinaTimeTests
{
    [Test]
    public void This_year_and_days_are_counted_in_Chongqing_not_in_UTC()
    {
        // 01:00 on 1 January in China (an hour's margin for the clock to move while the test runs).
        var newYearsEveUtc = new MovableClock { Offset = new DateTimeOffset(2026, 12, 31, 17, 0, 0, TimeSpan.Zero) - TimeProvider.System.GetUtcNow() };
        Assert.Multiple(() =>
        {
            Assert.That(ChinaTime.Year(newYearsEveUtc), Is.EqualTo(2027));
            Assert.That(ChinaTime.StartOf(new DateOnly(2027, 1, 1)), Is.EqualTo(new DateTimeOffset(2026, 12, 31, 16, 0, 0, TimeSpan.Zero)));
            Assert.That(ChinaTime.EndOf(new DateOnly(2027, 1, 1)), Is.EqualTo(new DateTimeOffset(2027, 1, 1, 16, 0, 0, TimeSpan.Zero)));
        });
    }
}

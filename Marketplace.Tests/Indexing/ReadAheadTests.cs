using System.Runtime.CompilerServices;
using Marketplace.Search.Indexing;

namespace Marketplace.Tests.Indexing;

public class ReadAheadTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Items_arrive_in_order_and_the_next_is_read_while_the_current_is_used()
    {
        var produced = 0;
        var received = new List<int>();
        await foreach (var item in Numbers(5, onProduced: n => Volatile.Write(ref produced, n + 1)).ReadAheadAsync(1, CancellationToken.None))
        {
            if (item == 0)
            {
                // The consumer holds item 0: item 1 is read meanwhile (and, bounded, not much more).
                await WaitUntilAsync(() => Volatile.Read(ref produced) >= 2);
                await Task.Delay(50);
                Assert.That(Volatile.Read(ref produced), Is.LessThanOrEqualTo(3), "at most one item waits in the channel, one in the producer's hands");
            }
            received.Add(item);
        }
        Assert.That(received, Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
    }

    [Test]
    public void A_source_failure_reaches_the_consumer_unchanged_after_the_items_before_it()
    {
        var received = new List<int>();
        var thrown = Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var item in Numbers(5, failAt: 3).ReadAheadAsync(1, CancellationToken.None))
            {
                received.Add(item);
            }
        });
        Assert.That(thrown!.Message, Is.EqualTo("row 3 is unreadable"));
        Assert.That(received, Is.EqualTo(new[] { 0, 1, 2 }));
    }

    [Test]
    public void A_consumer_that_stops_early_stops_the_source_before_moving_on()
    {
        var source = new StoppableSource();
        Assert.ThrowsAsync<IOException>(async () =>
        {
            await foreach (var item in source.ReadAsync(CancellationToken.None).ReadAheadAsync(1, CancellationToken.None))
            {
                if (item == 1)
                {
                    throw new IOException("the index write failed");
                }
            }
        });
        Assert.That(source.Stopped, Is.True, "the source was stopped and awaited before the failure propagated");
    }

    [Test]
    public void Cancelling_the_consumer_cancels_the_source()
    {
        using var cancel = new CancellationTokenSource();
        var source = new StoppableSource();
        Assert.CatchAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in source.ReadAsync(cancel.Token).ReadAheadAsync(1, cancel.Token))
            {
                await cancel.CancelAsync();
            }
        });
        Assert.That(source.Stopped, Is.True);
    }

    private static async IAsyncEnumerable<int> Numbers(int count, Action<int>? onProduced = null, int failAt = -1)
    {
        for (var n = 0; n < count; n++)
        {
            await Task.Yield();
            if (n == failAt)
            {
                throw new InvalidDataException($"row {n} is unreadable");
            }
            onProduced?.Invoke(n);
            yield return n;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var started = DateTime.UtcNow;
        while (!condition())
        {
            Assert.That(DateTime.UtcNow - started, Is.LessThan(Timeout), "the next item was not read ahead");
            await Task.Delay(10);
        }
    }

    /// <summary>An endless source that records whether it was stopped (cancelled or disposed).</summary>
    private sealed class StoppableSource
    {
        private volatile bool _stopped;

        public bool Stopped => _stopped;

        public async IAsyncEnumerable<int> ReadAsync([EnumeratorCancellation] CancellationToken ct)
        {
            try
            {
                for (var n = 0; ; n++)
                {
                    await Task.Delay(5, ct);
                    yield return n;
                }
            }
            finally
            {
                _stopped = true;
            }
        }
    }
}

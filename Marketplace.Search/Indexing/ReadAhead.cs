using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Marketplace.Search.Indexing;

public static class ReadAhead
{
    /// <summary>
    /// Enumerates <paramref name="source"/> on another task, at most <paramref name="capacity"/> items ahead of the
    /// consumer: a rebuild reads its next batch from SQL while the current one is analysed. The source's exceptions
    /// reach the consumer unchanged, after the items read before them; a consumer that stops early (failure,
    /// cancellation, break) stops the source and waits for it.
    /// </summary>
    public static async IAsyncEnumerable<T> ReadAheadAsync<T>(this IAsyncEnumerable<T> source, int capacity,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in source.WithCancellation(stop.Token).ConfigureAwait(false))
                {
                    await channel.Writer.WriteAsync(item, stop.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                channel.Writer.Complete();
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                yield return item;
            }
            await producer.ConfigureAwait(false); // the source's failure, if it ended with one
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}

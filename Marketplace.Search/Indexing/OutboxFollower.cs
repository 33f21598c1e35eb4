using System.Globalization;
using Marketplace.Core.Offerings;
using Marketplace.Core.Searching;
using Marketplace.Search.Lucene;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Search.Indexing;

/// <summary>
/// Keeps a node's own Lucene index in step with every change, whichever node's indexer handled it. The outbox is drained
/// by all nodes together (each row by one of them, see <see cref="SearchIndexer"/>), which is enough for a shared engine
/// (Elasticsearch) but not for an index each node keeps for itself: with two nodes on one database each with its own index
/// folder, half the writes would reach each. So every Lucene node also reads the outbox as a log, in sequence order, and
/// writes the offerings its index holds an older version of (the version map makes the rows its own indexer already wrote
/// cost nothing). Its position is kept in <c>outbox-position</c> in the index folder, written after the writes it covers
/// are committed, so a restart (after <c>kill -9</c> too) resumes where the index is.
/// <para>
/// Sequence numbers may commit out of order on SQL Server (an identity taken by a transaction that commits later): a
/// number missing below the last one seen is a hole, looked up again at every pass until it appears or is older than
/// <see cref="HoleTimeout"/> (a transaction that long would have timed out; its number was rolled back). The saved
/// position stays below the oldest open hole. A gap wider than <see cref="MaxGap"/> is no set of transactions in flight
/// but an identity jump (SQL Server skips up to 10,000 numbers of a BIGINT identity after a restart or a failover, whose
/// transactions in flight were rolled back): it is stepped over, not looked up number by number for two minutes, and it
/// leaves room for the real holes after it.
/// </para>
/// </summary>
public sealed class OutboxFollower(
    SearchOutbox outbox,
    OfferingStore offerings,
    LuceneOfferingIndex index,
    IOptions<SearchOptions> options,
    TimeProvider clock,
    ILogger<OutboxFollower> logger) : BackgroundService
{
    public const string PositionFile = "outbox-position";
    public static readonly TimeSpan HoleTimeout = TimeSpan.FromMinutes(2);
    private const int MaxHoles = 10_000;

    /// <summary>More outbox writes in flight at once than any pool sees: a wider gap is an identity jump.</summary>
    public const int MaxGap = 1_000;

    private readonly Dictionary<long, DateTimeOffset> _holes = [];
    private long _lastSeen;
    private long _saved = -1;

    /// <summary>Every change up to this sequence number is in the index (what a restart resumes from).</summary>
    public long Position { get; private set; }

    private string PositionPath => Path.Combine(options.Value.IndexDirectory!, PositionFile);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var read = await RunOnceAsync(stoppingToken);
                failures = 0;
                if (read < options.Value.Indexer.BatchSize)
                {
                    await Task.Delay(options.Value.Indexer.PollInterval, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failures++;
                logger.LogError(e, "Following the search outbox into this node's index failed (failure {Failures}); retrying", failures);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures, 7)))), clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Reads the next rows (and any open holes), writes what the index lacks, advances and saves the position; returns the rows read.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        if (_saved < 0)
        {
            await ResumeAsync(ct);
        }
        var rows = await outbox.ReadAfterAsync(_lastSeen, options.Value.Indexer.BatchSize, ct);
        var found = _holes.Count == 0 ? [] : await outbox.ReadAsync(_holes.Keys.ToArray(), ct);
        var now = clock.GetUtcNow();
        foreach (var row in rows)
        {
            if (row.Seq - _lastSeen - 1 > MaxGap)
            {
                logger.LogInformation("Outbox follower: seq {From}–{To} skipped ({Count} numbers), an identity jump", _lastSeen + 1, row.Seq - 1, row.Seq - _lastSeen - 1);
            }
            else
            {
                for (var missing = _lastSeen + 1; missing < row.Seq && _holes.Count < MaxHoles; missing++)
                {
                    _holes[missing] = now;
                }
            }
            _lastSeen = Math.Max(_lastSeen, row.Seq);
        }
        foreach (var row in found)
        {
            _holes.Remove(row.Seq);
        }
        var changes = rows.Concat(found).Select(r => (r.OfferingId, r.IndexVersion)).ToArray();
        if (changes.Length > 0)
        {
            var older = await index.OlderThanAsync(changes, ct);
            if (older.Count > 0)
            {
                var documents = await offerings.IndexDocumentsAsync(older, ct);
                await index.WriteAsync(documents, ct);
                logger.LogDebug("Outbox follower wrote {Count} documents indexed by other nodes", documents.Count);
            }
        }
        foreach (var expired in _holes.Where(h => now - h.Value > HoleTimeout).Select(h => h.Key).ToArray())
        {
            _holes.Remove(expired);
        }
        Position = _holes.Count == 0 ? _lastSeen : _holes.Keys.Min() - 1;
        if (Position != _saved)
        {
            SavePosition(Position);
        }
        return rows.Count;
    }

    private async Task ResumeAsync(CancellationToken ct)
    {
        var (first, last) = await outbox.SeqRangeAsync(ct);
        var saved = ReadPosition();
        if (saved is null || saved > last)
        {
            // No position (a new index, or one from before positions were kept), or one from another database: the index
            // is taken as current up to now; the reconciliation finds anything it lacks.
            Position = last;
            logger.LogInformation("Outbox follower starts at the end of the outbox (seq {Seq}): {Reason}", last,
                saved is null ? "this index has no saved position" : $"the saved position {saved} is beyond the outbox");
        }
        else
        {
            Position = saved.Value;
            if (first > Position + 1)
            {
                logger.LogWarning("Outbox rows after this index's position {Position} up to {First} were already purged; the reconciliation repairs what they changed",
                    Position, first - 1);
            }
            logger.LogInformation("Outbox follower resumes after seq {Seq} ({Behind} rows behind)", Position, Math.Max(0, last - Position));
        }
        _lastSeen = Position;
        SavePosition(Position);
    }

    private long? ReadPosition()
    {
        try
        {
            return File.Exists(PositionPath) && long.TryParse(File.ReadAllText(PositionPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                ? position
                : null;
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Could not read {Path}", PositionPath);
            return null;
        }
    }

    private void SavePosition(long position)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(PositionPath)!);
        var temporary = PositionPath + ".tmp";
        File.WriteAllText(temporary, position.ToString(CultureInfo.InvariantCulture));
        File.Move(temporary, PositionPath, overwrite: true);
        _saved = position;
    }
}

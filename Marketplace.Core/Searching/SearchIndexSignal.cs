namespace Marketplace.Core.Searching;

/// <summary>
/// An in-process wake-up call for the outbox indexer: poked after a publish or retire commits, so the
/// change is indexed at once instead of at the next poll. Pokes coalesce; a missed poke only costs one poll.
/// </summary>
public sealed class SearchIndexSignal : Common.WakeUpSignal;

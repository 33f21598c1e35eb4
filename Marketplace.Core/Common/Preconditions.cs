namespace Marketplace.Core.Common;

/// <summary>HTTP validators: the one place that reads If-Match (optimistic concurrency) and If-None-Match (conditional reads).</summary>
public static class Preconditions
{
    /// <summary>Throws 428 when If-Match is missing (edits must say which version they replace).</summary>
    public static void RequireIfMatch(string? ifMatch, string what)
    {
        if (ifMatch is null)
        {
            throw new PreconditionRequiredException($"修改{what}需要 If-Match 请求头（取自 ETag） (If-Match with the current ETag is required).");
        }
    }

    /// <summary>
    /// Throws 412 when If-Match is present and names neither the current ETag nor <c>*</c>.
    /// Weak validators (W/"…") compare by their opaque part.
    /// </summary>
    public static void CheckIfMatch(string? ifMatch, string currentETag, string what)
    {
        if (!NamesAVersion(ifMatch))
        {
            return;
        }
        if (!Names(ifMatch, currentETag))
        {
            throw new PreconditionFailedException($"If-Match 与{what}当前版本 {currentETag} 不一致 (it has changed; current ETag is {currentETag}).");
        }
    }

    /// <summary>
    /// If-None-Match on a read (RFC 9110 §13.1.2): true when it names the current ETag or is <c>*</c>, i.e. the caller
    /// holds the current version. Weak comparison, as for If-Match.
    /// </summary>
    public static bool IsUnchanged(string? ifNoneMatch, string currentETag) =>
        ifNoneMatch is not null && (ifNoneMatch.Trim() == "*" || Names(ifNoneMatch, currentETag));

    /// <summary>If-Match names an entity tag: absent, or <c>*</c> (only asking that the resource exists), it names none.</summary>
    public static bool NamesAVersion([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? ifMatch) => ifMatch is not null && ifMatch.Trim() != "*";

    /// <summary>A comma-separated list of entity tags names the current one, weak validators (W/"…") by their opaque part.</summary>
    private static bool Names(string tags, string currentETag) =>
        tags.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Opaque).Contains(Opaque(currentETag));

    private static string Opaque(string tag) => tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;

    /// <summary>
    /// Runs a state change that reads, decides and writes with an optimistic version check. A request without If-Match (or with *) asked
    /// for the change whatever the version, so losing the write to a concurrent change is no failed precondition: the
    /// change is read and decided again (a state that no longer allows it is then a 409, like any other).
    /// </summary>
    public static async Task<T> DecidedAgainWithoutIfMatchAsync<T>(string? ifMatch, Func<Task<T>> change)
    {
        const int attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await change();
            }
            catch (PreconditionFailedException) when (!NamesAVersion(ifMatch) && attempt < attempts)
            {
                // lost a race: read it again
            }
            catch (PreconditionFailedException) when (!NamesAVersion(ifMatch))
            {
                throw new ConflictException("正被并发修改，请稍后重试 (it keeps changing concurrently; retry shortly).");
            }
        }
    }
}

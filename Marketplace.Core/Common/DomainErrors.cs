namespace Marketplace.Core.Common;

/// <summary>Base of the errors the API maps to problem details; messages are safe to show to clients.</summary>
public abstract class DomainException(string message) : Exception(message);

public sealed class NotFoundException(string message) : DomainException(message);

/// <summary>The request conflicts with the current state (wrong lifecycle state, duplicate).</summary>
public sealed class ConflictException(string message) : DomainException(message);

public sealed class ForbiddenException(string message) : DomainException(message);

/// <summary>The request body is over the operation's limit (413).</summary>
public sealed class PayloadTooLargeException(string message) : DomainException(message);

/// <summary>The caller has as much work in progress as it may have (429); <see cref="RetryAfterSeconds"/> says when to try again.</summary>
public sealed class TooManyInProgressException(string message, int retryAfterSeconds) : DomainException(message)
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}

/// <summary>If-Match did not match the current ETag.</summary>
public sealed class PreconditionFailedException(string message) : DomainException(message);

/// <summary>If-Match is required and missing.</summary>
public sealed class PreconditionRequiredException(string message) : DomainException(message);

public sealed class ValidationException(IReadOnlyDictionary<string, string[]> errors)
    : DomainException("有字段不符合要求，见 errors (one or more fields are invalid; see errors).")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>Collects field-level messages; <see cref="ThrowIfAny"/> raises one <see cref="ValidationException"/>.</summary>
public sealed class Validator
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Validator Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
        return this;
    }

    /// <summary>An owner's budget in yuan: 0 to <see cref="Limits.MaxYuan"/>, as every amount the API takes.</summary>
    public void Budget(string field, long? yuan)
    {
        if (yuan is < 0)
        {
            Add(field, "预算不能为负 (must be ≥ 0).");
        }
        else if (yuan > Limits.MaxYuan)
        {
            Add(field, $"预算不能超过 {Limits.MaxYuan} 元 (at most {Limits.MaxYuan}).");
        }
    }

    /// <summary>A from/to pair of calendar days (both included): within <see cref="Limits.FirstYear"/>–<see cref="Limits.LastYear"/>, to not before from.</summary>
    public void DayRange(DateOnly? from, DateOnly? to)
    {
        var first = new DateOnly(Limits.FirstYear, 1, 1);
        var last = new DateOnly(Limits.LastYear, 12, 31);
        foreach (var (field, day) in new[] { ("from", from), ("to", to) })
        {
            if (day is { } d && (d < first || d > last))
            {
                Add(field, $"日期应在 {first:yyyy-MM-dd} 到 {last:yyyy-MM-dd} 之间 (must be between {first:yyyy-MM-dd} and {last:yyyy-MM-dd}).");
            }
        }
        if (from is not null && to is not null && to < from)
        {
            Add("to", "结束日期不能早于开始日期 (must not be before from).");
        }
    }

    public bool Required(string field, object? value)
    {
        if (value is null || (value is string s && TextRules.IsBlank(s)))
        {
            Add(field, "必填 (required).");
            return false;
        }
        return true;
    }

    /// <summary>A text of at most <paramref name="max"/> characters, holding only characters text may hold (<see cref="TextRules"/>).</summary>
    public void Text(string field, string? value, int max)
    {
        if (value is null)
        {
            return;
        }
        // Counted in UTF-16 code units, as SQL Server's NVARCHAR(n) columns count: an emoji or a rare CJK character
        // outside the BMP counts twice, which the message says, as JSON Schema's maxLength counts it once.
        if (value.Length > max)
        {
            Add(field, value.Any(char.IsSurrogate)
                ? $"最多 {max} 个字符，表情符号及生僻字各计 2 个 (at most {max} UTF-16 code units; emoji and characters outside the BMP count as 2; got {value.Length})."
                : $"最多 {max} 个字符 (at most {max} characters; got {value.Length}).");
        }
        else if (TextRules.FirstDisallowed(value) is { } character)
        {
            Add(field, character == $"U+{TextRules.ReplacementCharacter:X4}"
                ? "含有替换字符 U+FFFD：文字编码有误，请以 UTF-8 发送 (holds U+FFFD, the mark of bytes that were not valid UTF-8: send the text as UTF-8)."
                : $"含有不允许的字符 {character}（控制字符、非字符或双向控制符）(holds {character}: control characters, noncharacters and bidirectional overrides are not allowed).");
        }
    }

    public void Range(string field, long? value, long min, long max)
    {
        if (value is not null && (value < min || value > max))
        {
            Add(field, $"应在 {min} 到 {max} 之间 (must be between {min} and {max}).");
        }
    }

    /// <summary>The messages collected so far, per field.</summary>
    public Dictionary<string, string[]> Errors() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new ValidationException(Errors());
        }
    }
}

/// <summary>A page of results with a bounded size.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total)
{
    /// <summary>The same page with each item mapped (a stored record to its response).</summary>
    public PagedList<TResult> Map<TResult>(Func<T, TResult> map) => new(Items.Select(map).ToArray(), Page, PageSize, Total);
}

public static class Paging
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    public const int MaxPage = 100_000;

    public static (int Page, int PageSize) Validate(int? page, int? pageSize, Validator validator)
    {
        var p = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        validator.Range("page", p, 1, MaxPage);
        validator.Range("pageSize", size, 1, MaxPageSize);
        return (p, size);
    }
}

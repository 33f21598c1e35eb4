namespace Marketplace.Search.Elasticsearch;

/// <summary>
/// Where the Elasticsearch engine lives and which alias it serves. Authenticate with an API key
/// or with a user name and password (not both). The alias is the only index name the application
/// knows; physical indices behind it are named <c>&lt;alias&gt;-&lt;timestamp&gt;-&lt;suffix&gt;</c>.
/// </summary>
public sealed record ElasticsearchOptions
{
    public const string DefaultIndexAlias = "marketplace-offerings";

    public required Uri Url { get; init; }
    public string? ApiKey { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }
    public string IndexAlias { get; init; } = DefaultIndexAlias;
    /// <summary>Per-request timeout of the client.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentException"/> describing the first invalid setting.</summary>
    public void Validate()
    {
        if (Url is null || !Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("Elasticsearch Url must be an absolute http(s) URI.", nameof(Url));
        }
        if (!string.IsNullOrEmpty(ApiKey) && (!string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(Password)))
        {
            throw new ArgumentException("Use either ApiKey or Username/Password for Elasticsearch, not both.", nameof(ApiKey));
        }
        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            throw new ArgumentException("Elasticsearch Username and Password must be given together.", nameof(Username));
        }
        if (!IsValidIndexName(IndexAlias))
        {
            throw new ArgumentException(
                $"Elasticsearch IndexAlias '{IndexAlias}' is not a valid index name (lowercase letters, digits, '-', '_', '.'; not starting with '-', '_' or '+'; at most 200 characters).",
                nameof(IndexAlias));
        }
        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Elasticsearch RequestTimeout must be positive.", nameof(RequestTimeout));
        }
    }

    private static bool IsValidIndexName(string? name) =>
        !string.IsNullOrEmpty(name)
        && name.Length <= 200
        && name is not "." and not ".."
        && name[0] is not ('-' or '_' or '+')
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.');
}

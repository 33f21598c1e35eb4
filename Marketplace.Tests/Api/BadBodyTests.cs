using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Marketplace.Tests.Api;

/// <summary>
/// Every operation that reads a JSON body, called by every kind of organization with bodies of the wrong shape, and, by the
/// callers it lets through, with each property of its request schema given a wrong type, null, or an edge value: always a
/// 4xx problem answer, never a 500; the same for every query parameter of every GET given an odd value. Read from the
/// served document, so a new operation is covered too.
/// </summary>
public class BadBodyTests : ServedDocumentWalk
{
    private static readonly string[] Shapes = ["{}", "null", "[]", "\"text\"", "42", "{\"", "{\"unknown\":1}"];

    [Test]
    public async Task No_body_of_the_wrong_shape_or_type_gets_a_500()
    {
        var failures = new List<string>();
        var sent = 0;
        foreach (var (path, method, schema) in JsonOperations())
        {
            var url = WithNewIds(path);
            foreach (var (kind, client) in Callers)
            {
                var admitted = false;
                foreach (var body in Shapes)
                {
                    var status = await SendAsync(client, method, url, body, failures, kind);
                    admitted |= status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
                    sent++;
                }
                if (!admitted)
                {
                    continue;
                }
                foreach (var body in PropertyBodies(schema))
                {
                    await SendAsync(client, method, url, body, failures, kind);
                    sent++;
                }
            }
        }
        Assert.That(failures, Is.Empty, $"{failures.Count} of {sent} requests");
        Assert.That(sent, Is.GreaterThan(1_000));
    }

    [Test]
    public async Task No_query_value_gets_a_500()
    {
        string[] values = ["", " ", "abc", "-1", "0", "99999999999999999999", "1.5", "１２", "\u0000", new string('长', 3_000), "a,b"];
        var failures = new List<string>();
        var sent = 0;
        foreach (var (path, operations) in Document["paths"]!.AsObject())
        {
            if (operations!["get"]?["parameters"] is not JsonArray parameters)
            {
                continue;
            }
            var url = WithNewIds(path);
            foreach (var name in parameters.Where(p => p!["in"]!.GetValue<string>() == "query").Select(p => p!["name"]!.GetValue<string>()))
            {
                foreach (var (kind, client) in Callers)
                {
                    foreach (var value in values)
                    {
                        var response = await client.GetAsync($"{url}?{name}={Uri.EscapeDataString(value)}");
                        var status = (int)response.StatusCode;
                        if (status >= 500 || (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json"))
                        {
                            failures.Add($"{kind} GET {url}?{name}={Truncate(value)} → {status} {Truncate(await response.Content.ReadAsStringAsync())}");
                        }
                        sent++;
                    }
                }
            }
        }
        Assert.That(failures, Is.Empty, $"{failures.Count} of {sent} requests");
        Assert.That(sent, Is.GreaterThan(1_000));
    }

    private async Task<HttpStatusCode> SendAsync(HttpClient client, string method, string url, string body, List<string> failures, string kind)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        if (status >= 500 || (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json"))
        {
            failures.Add($"{kind} {method} {url} {body} → {status} {Truncate(await response.Content.ReadAsStringAsync())}");
        }
        return response.StatusCode;
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] : text;

    /// <summary>Operations with a JSON request body, and that body's schema (references resolved).</summary>
    private IEnumerable<(string Path, string Method, JsonObject Schema)> JsonOperations()
    {
        foreach (var (path, operations) in Document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                if (operation!["requestBody"]?["content"]?["application/json"]?["schema"] is { } schema)
                {
                    yield return (path, method.ToUpperInvariant(), Resolve(schema));
                }
            }
        }
    }

    private JsonObject Resolve(JsonNode schema)
    {
        while (schema["$ref"] is { } reference)
        {
            schema = Document["components"]!["schemas"]![reference.GetValue<string>().Split('/')[^1]]!;
        }
        if (schema["allOf"] is JsonArray { Count: 1 } only)
        {
            return Resolve(only[0]!);
        }
        return schema.AsObject();
    }

    /// <summary>For each property: a wrong type, null and edge values, the other properties left out.</summary>
    private IEnumerable<string> PropertyBodies(JsonObject schema)
    {
        foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
        {
            var type = TypeOf(Resolve(property!));
            var values = type switch
            {
                "string" => new[] { "12345", "\"\"", "\"   \"", "\"\\u0000\"", "[\"a\"]", new string('"', 1) + new string('长', 20_000) + "\"" },
                "integer" or "number" => ["\"abc\"", "-1", "0", "1.5", "9223372036854775807", "1e300", "[]"],
                "boolean" => ["\"yes\"", "1", "{}"],
                "array" => ["{\"a\":1}", "[null]", "[{}]", "[12345]", "\"a\""],
                "object" => ["[1]", "\"a\"", "{\"x\":null}"],
                _ => new[] { "12345", "\"a\"", "[]", "{}" },
            };
            foreach (var value in values.Append("null"))
            {
                yield return $"{{\"{name}\":{value}}}";
            }
        }
    }

    private static string? TypeOf(JsonObject schema) => schema["type"] switch
    {
        JsonValue single => single.GetValue<string>(),
        JsonArray several => several.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
        _ => null,
    };
}

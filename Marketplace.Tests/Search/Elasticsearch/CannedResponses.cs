namespace Marketplace.Tests.Search.Elasticsearch;

/// <summary>Search responses as Elasticsearch 9 sends them to this client (typed_keys=true).</summary>
internal static class CannedResponses
{
    public static readonly Guid FirstId = Guid.Parse("11111111-1111-1111-1111-111111111111");
    public static readonly Guid FirstRevision = Guid.Parse("aaaaaaaa-1111-1111-1111-111111111111");
    public static readonly Guid SecondId = Guid.Parse("22222222-2222-2222-2222-222222222222");
    public const long SecondTieBreak = -8_123_456_789_012_345_678;

    public static readonly string SearchPage = $$$"""
        {
          "took": 4, "timed_out": false,
          "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
          "hits": {
            "total": {"value": 5, "relation": "eq"},
            "max_score": 7.25,
            "hits": [
              {
                "_index": "mk-test-20240101000000-aaaaaaaa", "_id": "{{{FirstId}}}", "_score": 7.25,
                "_source": {
                  "id": "{{{FirstId}}}", "version": 3, "live": true, "revisionId": "{{{FirstRevision}}}",
                  "title": "弧焊机器人工作站", "summary": "汽摩零部件弧焊自动化", "description": "", "keywords": ["弧焊"], "cases": [],
                  "supplierId": "{{{Guid.Empty}}}", "supplierName": "重庆某智能装备公司",
                  "directions": ["smart-manufacturing"], "subDirections": ["welding-robot"], "type": "equipment", "deployment": "onsite",
                  "districts": ["两江新区", "全市"], "priceMinYuan": 10000, "priceMaxYuan": 80000, "implementationDays": 45,
                  "publishedAt": "2024-03-01T08:00:00+08:00", "tieBreak": 42
                },
                "highlight": {"description": ["焊缝跟踪<em>弧焊</em>"], "summary": ["汽摩零部件<em>弧焊</em>自动化"]},
                "matched_queries": ["term:焊接机器人", "term:弧焊机器人"],
                "sort": [10000, 42]
              },
              {
                "_index": "mk-test-20240101000000-aaaaaaaa", "_id": "{{{SecondId}}}", "_score": 3.5,
                "_source": {
                  "id": "{{{SecondId}}}", "version": 1, "live": true, "revisionId": "{{{Guid.Empty}}}",
                  "title": "焊接车间MES", "summary": "", "description": "", "keywords": [], "cases": [],
                  "supplierId": "{{{Guid.Empty}}}", "supplierName": "另一家公司",
                  "directions": ["smart-manufacturing"], "subDirections": [], "type": "software", "deployment": "saas",
                  "districts": ["全市"], "priceMinYuan": 30000, "priceMaxYuan": 30000, "implementationDays": 20,
                  "publishedAt": "2024-02-01T00:00:00Z", "tieBreak": {{{SecondTieBreak}}}
                },
                "matched_queries": ["term:焊接机器人"],
                "sort": [30000, {{{SecondTieBreak}}}]
              }
            ]
          },
          "aggregations": {
            "filter#direction": {"doc_count": 5, "sterms#values": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
              "buckets": [{"key": "smart-manufacturing", "doc_count": 4}, {"key": "industrial-internet", "doc_count": 1}]}},
            "filter#subDirection": {"doc_count": 5, "sterms#values": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
              "buckets": [{"key": "welding-robot", "doc_count": 2}]}},
            "filter#type": {"doc_count": 5, "sterms#values": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
              "buckets": [{"key": "equipment", "doc_count": 3}, {"key": "software", "doc_count": 2}]}},
            "filter#deployment": {"doc_count": 5, "sterms#values": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []}},
            "filter#district": {"doc_count": 5, "sterms#values": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
              "buckets": [{"key": "全市", "doc_count": 5}, {"key": "两江新区", "doc_count": 1}]}}
          }
        }
        """;

    public const string ServiceUnavailable = """
        {"error":{"root_cause":[{"type":"cluster_block_exception","reason":"blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];"}],
         "type":"cluster_block_exception","reason":"blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];"},"status":503}
        """;

    public const string BadRequest = """
        {"error":{"root_cause":[{"type":"mapper_parsing_exception","reason":"failed to parse"}],"type":"mapper_parsing_exception","reason":"failed to parse"},"status":400}
        """;
}

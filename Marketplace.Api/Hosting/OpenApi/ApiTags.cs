namespace Marketplace.Api.Hosting.OpenApi;

/// <summary>
/// The document's tags (Swagger UI's groups), in the order shown, each saying in Chinese and English who uses the group.
/// A new feature's <c>WithTags(...)</c> name needs an entry here (a test checks every tag has one).
/// </summary>
public static class ApiTags
{
    public static readonly IReadOnlyList<(string Name, string Description)> All =
    [
        ("Taxonomy", "重点方向、细分方向、区县与枚举值，所有调用方用来取合法代码，无需 API key。 Everyone: the codes every other call accepts (directions, technology items, districts, types); public."),
        ("Organizations", "运营方登记服务商、企业和产业大脑能力中心并签发、轮换、吊销 API key；各机构查看本机构信息。 Operators register organizations and manage their API keys; every organization reads its own record."),
        ("Offerings", "服务商发布和修改方案（解决方案、组件、工具）并提交审核，运营方审核、退回、下架；公众读取已发布方案。 Integrators publish and edit offerings, operators review them; anyone reads published ones (a key shows owners their drafts)."),
        ("Search", "中小企业、合作应用和公众按中文关键词、方向、区县、预算和工期搜索已发布方案。 SMEs, partner apps and the public search published offerings in Chinese with filters and facets; public."),
        ("Demand lists", "中小企业提交需求清单（用自己的话描述需求）并查看匹配结果与理由；运营方和能力中心可读。 Enterprises submit demand lists in their own words and read the matched offerings with reasons."),
        ("Matches", "产业大脑能力中心（及运营方）按序拉取全部匹配事件，无缺漏、无重复。 The capability center (and operators) pull every match event in order from a gap-free feed."),
        ("Statistics", "产业大脑能力中心（及运营方）查看供需统计与供给缺口。 The capability center (and operators) read supply–demand statistics and supply gaps."),
        ("Leads", "服务商查看与其方案匹配的企业需求（商机线索）。 Integrators see the open demand items their offerings match (leads)."),
        ("Engagements", "企业从匹配结果向服务商发起对接，双方推进签约、交付、验收并记录成效；仅双方和运营方可见。 Enterprises open engagements from matches; the two parties move them through contract, delivery and acceptance; operators oversee."),
        ("Ratings", "已验收对接的企业为服务商评分（质量、及时、性价比），公众查看服务商口碑；运营方可隐藏不当评论。 Enterprises rate verified engagements; anyone reads an integrator's profile; operators hide abusive comments."),
        ("Cases", "案例库：已验收对接经双方同意、运营方审核后发布为案例（可匿名），公众按文本、方向、技术条目、区县、行业检索。 The case library: verified engagements published as cases with both parties' consent and operator review; anyone searches them."),
        ("Webhooks", "各机构登记回调地址，订阅匹配、商机、审核、对接和匹配事件，查看投递记录与死信并重新投递。 Organizations register endpoints for events (matches, leads, reviews, engagements, the match feed), inspect deliveries and dead letters, and redeliver."),
        ("Admin", "运营方维护：重建搜索索引、查看后台任务进度。 Operators' maintenance: rebuild the search index and follow background jobs."),
    ];
}

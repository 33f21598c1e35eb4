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
        ("District plans", "区县经信部门维护本区县企业的年度与五年滚动改造计划（清单化管理），记录状态推进。 District offices keep their enterprises' transformation plans (annual and five-year rolling) and move their status."),
        ("Diagnoses", "区县指派第三方诊断机构为企业诊断，形成“一企业一报告一建议”，提交后生成需求清单并匹配。 Assessors assigned by a district record diagnoses; a submitted report becomes a matched demand list the enterprise accepts or edits."),
        ("Scoreboard", "公众查看各区县赛马比拼五色图；区县、运营方和能力中心可看企业明细。 Anyone reads the districts' scoreboard (五色图, JSON or SVG); districts, operators and the capability center see per-enterprise detail."),
        ("Financing needs", "企业登记技改专项贷融资需求，区县确认，运营方和区县导出给银行（CSV/XLSX）。 Enterprises state financing needs, districts confirm them, operators and districts export the confirmed list for banks."),
        ("Bulk files", "服务商用表格模板批量导入方案（先试运行逐行校验），运营方导出目录、需求清单和匹配事件。 Integrators import offerings from spreadsheets (dry run with per-row errors first); operators export the catalog, demand lists and match events."),
        ("Admin", "运营方维护：重建搜索索引、查看后台任务进度。 Operators' maintenance: rebuild the search index and follow background jobs."),
    ];
}

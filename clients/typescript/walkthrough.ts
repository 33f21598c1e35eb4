// The walk-through through a typed fetch client generated from openapi/marketplace.v1.json by openapi-typescript.
// It compiles under `strict` and `exactOptionalPropertyTypes`: optional request properties are left out, never sent as null.
// Usage: API=http://127.0.0.1:5000 OP=<operator key> node obj/walkthrough.js   (scripts/contract-check.sh runs it through the validating proxy)
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./obj/marketplace.js";

type Schemas = components["schemas"];

const api = process.env.API ?? "http://localhost:5000";
const operatorKey = process.env.OP ?? fail("set OP to the operator's API key");
let exchanges = 0;

function fail(message: string): never {
  throw new Error(message);
}

// Fails on any contract violation a validating proxy (Prism) reports in the sl-violations header.
const contract: Middleware = {
  async onResponse({ request, response }) {
    exchanges++;
    const violations = response.headers.get("sl-violations");
    if (violations) {
      fail(`${request.method} ${request.url} (${response.status}) is outside the document: ${violations}`);
    }
    console.log(`${request.method} ${new URL(request.url).pathname} → ${response.status}`);
    return response;
  },
};

function clientFor(key?: string) {
  const client = createClient<paths>({ baseUrl: api, headers: key ? { "X-Api-Key": key } : {} });
  client.use(contract);
  return client;
}

/** The answer's data, or a failure naming the operation and the problem details. */
function ok<T>(what: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    fail(`${what}: ${result.response.status} ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

/** A fresh 统一社会信用代码 with its GB 32100-2015 check character. */
function creditCode(first8: string): string {
  const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const code = first8 + String(Math.floor(Math.random() * 1e9)).padStart(9, "0");
  const sum = [...code].reduce((s, c, i) => s + alphabet.indexOf(c) * (weights[i] ?? 0), 0);
  return code + alphabet[(31 - (sum % 31)) % 31];
}

async function register(request: Schemas["CreateOrganizationRequest"]) {
  const created = ok("CreateOrganization", await clientFor(operatorKey).POST("/api/v1/organizations", { body: request }));
  return { id: created.organization.id, client: clientFor(created.apiKey) };
}

const operator = clientFor(operatorKey);
const anyone = clientFor();

// 1–3. An integrator publishes an offering; the operator approves it.
const integrator = await register({ kind: "integrator", name: "重庆巴渝智造机器人有限公司", creditCode: creditCode("91500112"), district: "两江新区" });
const offeringInput: Schemas["OfferingInput"] = {
  type: "solution",
  title: "六轴弧焊机器人工作站",
  summary: "替代人工焊接，适合车架、钢结构中小批量焊接",
  description: "六轴弧焊机器人配变位机与焊缝跟踪，焊缝均匀，减少返工，一套替代两到三名焊工。",
  directions: ["machinery"],
  subDirections: ["machinery.welding"],
  keywords: ["弧焊机器人", "焊接"],
  deployment: "hardware",
  priceMinYuan: 250000,
  priceMaxYuan: 600000,
  implementationDays: 45,
  districts: ["全市"],
};
const draft = ok("CreateOffering", await integrator.client.POST("/api/v1/offerings", { body: offeringInput }));
const path = { params: { path: { id: draft.id } } };
ok("SubmitOffering", await integrator.client.POST("/api/v1/offerings/{id}/submit", path));
ok("ApproveOffering", await operator.POST("/api/v1/offerings/{id}/approve", path));

// 4. Anyone reads it and finds it by a Chinese query and its direction.
ok("GetTaxonomy", await anyone.GET("/api/v1/taxonomy"));
ok("GetOffering", await anyone.GET("/api/v1/offerings/{id}", path));
let found = false;
for (let attempt = 0; attempt < 10 && !found; attempt++) {
  const page = ok("SearchOfferings", await anyone.GET("/api/v1/offerings/search", { params: { query: { q: "焊接机器人", direction: ["machinery"], pageSize: 100 } } }));
  found = page.items.some((item) => item.id === draft.id);
  if (!found) await new Promise((resolve) => setTimeout(resolve, 500));
}
found || fail("the approved offering was not found by search within 5 s");

// 5. Edit the published offering with If-Match, then review again.
const read = await integrator.client.GET("/api/v1/offerings/{id}", path);
ok("GetOffering (owner)", read);
const etag = read.response.headers.get("ETag") ?? fail("no ETag on GetOffering");
const edited = await integrator.client.PUT("/api/v1/offerings/{id}", {
  params: { path: { id: draft.id }, header: { "If-Match": etag } },
  body: { ...offeringInput, implementationDays: 40 },
});
ok("UpdateOffering", edited);
ok("SubmitOffering", await integrator.client.POST("/api/v1/offerings/{id}/submit", path));
ok("RejectOffering", await operator.POST("/api/v1/offerings/{id}/reject", { ...path, body: { reason: "请补充焊缝跟踪的精度指标" } }));
ok("SubmitOffering", await integrator.client.POST("/api/v1/offerings/{id}/submit", path));
ok("ApproveOffering", await operator.POST("/api/v1/offerings/{id}/approve", path));
ok("GetOfferingHistory", await integrator.client.GET("/api/v1/offerings/{id}/history", path));

// 6–8. An enterprise's demand list is matched; the capability center reads the feed and the statistics.
const enterprise = await register({
  kind: "enterprise", name: "重庆璧丰摩托车配件有限公司", creditCode: creditCode("91500120"), district: "璧山区",
  industry: "摩托车零部件制造", scale: "规下高成长",
});
const center = await register({ kind: "capability-center", name: "重庆市产业大脑能力中心", creditCode: creditCode("12500000"), district: "渝北区" });
const list = ok("CreateDemandList", await enterprise.client.POST("/api/v1/demand-lists", {
  body: {
    title: "车架焊接与设备联网",
    items: [
      { text: "车架焊接全靠老焊工，焊缝宽窄不一，客户投诉多，想让机器人焊", budgetYuan: 500000, withinDays: 60 },
      { text: "几十台机床哪台在干活、一天出多少件全靠报数，想先看清楚" },
    ],
  },
}));
const matches = ok("GetDemandListMatches", await enterprise.client.GET("/api/v1/demand-lists/{id}/matches", { params: { path: { id: list.id }, query: { topK: 5 } } }));
matches.items.length === 2 || fail("two items were matched");
ok("ListLeads", await integrator.client.GET("/api/v1/leads"));
const feed = ok("GetMatchFeed", await center.client.GET("/api/v1/matches/feed", { params: { query: { limit: 100 } } }));
ok("GetMatchFeed (next)", await center.client.GET("/api/v1/matches/feed", { params: { query: { after: feed.nextCursor } } }));
ok("GetSupplyDemandStats", await center.client.GET("/api/v1/stats/supply-demand"));

console.log(`TypeScript client walk-through done: ${exchanges} exchanges.`);

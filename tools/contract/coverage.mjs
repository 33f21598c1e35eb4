// Which operations of the document a walk-through exercised: node coverage.mjs <openapi.json> <exchanges file>
// The exchanges file has one "METHOD /path STATUS" line per exchange (scripts/walkthrough.sh with WALKTHROUGH_LOG).
import { readFileSync } from "node:fs";

const [documentPath, exchangesPath] = process.argv.slice(2);
const document = JSON.parse(readFileSync(documentPath, "utf8"));
const operations = Object.entries(document.paths).flatMap(([template, item]) =>
  Object.entries(item)
    .filter(([method]) => ["get", "put", "post", "delete", "patch"].includes(method))
    .map(([method, operation]) => ({
      method: method.toUpperCase(),
      template,
      id: operation.operationId,
      // A literal segment beats a parameter (/offerings/search is not /offerings/{id}).
      parameters: (template.match(/\{/g) ?? []).length,
      pattern: new RegExp("^" + template.replace(/\{[^}]+\}/g, "[^/]+") + "$"),
      statuses: new Set(),
    })));

for (const line of readFileSync(exchangesPath, "utf8").split("\n").filter(Boolean)) {
  const [method, path, status] = line.split(" ");
  const match = operations
    .filter((o) => o.method === method && o.pattern.test(path))
    .sort((a, b) => a.parameters - b.parameters)[0];
  if (match) match.statuses.add(status);
  else console.log(`  not in the document: ${method} ${path} (${status})`);
}

const covered = operations.filter((o) => o.statuses.size > 0);
console.log(`Walk-through coverage: ${covered.length} of ${operations.length} operations, ${covered.reduce((n, o) => n + o.statuses.size, 0)} distinct (operation, status) pairs.`);
for (const o of operations.filter((o) => o.statuses.size === 0)) {
  console.log(`  NOT COVERED: ${o.id} (${o.method} ${o.template}): add a step to scripts/walkthrough.sh`);
}

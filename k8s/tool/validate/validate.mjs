// Validates every object of rendered manifests (multi-document YAML files given as arguments) against the
// JSON schemas the kubernetes-models packages generate from the published Kubernetes OpenAPI and from the
// KEDA and Strimzi CRDs. Prints one line per object; exits 1 if any object is invalid or of a kind it has
// no schema for, so nothing passes unchecked.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// group/version -> [package, path prefix]
const SOURCES = {
  "v1": ["kubernetes-models", "v1"],
  "apps/v1": ["kubernetes-models", "apps/v1"],
  "batch/v1": ["kubernetes-models", "batch/v1"],
  "policy/v1": ["kubernetes-models", "policy/v1"],
  "keda.sh/v1alpha1": ["@kubernetes-models/keda", "keda.sh/v1alpha1"],
  "kafka.strimzi.io/v1beta2": ["@kubernetes-models/strimzi-kafka-operator", "kafka.strimzi.io/v1beta2"],
};

async function modelFor(apiVersion, kind) {
  const source = SOURCES[apiVersion];
  if (!source) return null;
  try {
    const module = await import(`${source[0]}/${source[1]}/${kind}`);
    return module[kind] ?? null;
  } catch {
    return null;
  }
}

let failures = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length) {
      console.log(`FAIL ${file}: YAML error ${doc.errors[0].message}`);
      failures++;
      continue;
    }
    const object = doc.toJS();
    if (object == null) continue;
    const id = `${file}: ${object.apiVersion} ${object.kind} ${object.metadata?.name}`;
    const Model = await modelFor(object.apiVersion, object.kind);
    if (!Model) {
      console.log(`FAIL ${id}: no schema known for this apiVersion and kind`);
      failures++;
      continue;
    }
    try {
      new Model(object).validate();
      console.log(`ok   ${id}`);
      checked++;
    } catch (e) {
      console.log(`FAIL ${id}: ${e.message}`);
      failures++;
    }
  }
}
console.log(`${checked} valid, ${failures} invalid`);
process.exit(failures > 0 || checked === 0 ? 1 : 0);

// Validates Kubernetes manifests strictly, with the validators the ecosystem publishes on npm:
// kubernetes-models (the Kubernetes 1.36 API) and @kubernetes-models/prometheus-operator (the
// ServiceMonitor and PrometheusRule CRDs). Two passes per document:
//   1. the model's own validate(): JSON-schema types, required fields, enums, formats;
//   2. unknown fields refused: the document, as an object literal typed with the model's
//      TypeScript interface, must pass TypeScript's excess-property check (the models' schemas
//      allow extra fields; the API server drops them silently, which hides typos).
// Usage: node validate-manifests.mjs <node_modules dir> <file.yaml>...
// Prints one JSON line: {"documents": N, "errors": [{"file", "kind", "message"}]}.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [modulesDir, ...files] = process.argv.slice(2);
const require = createRequire(path.join(modulesDir, "noop.js"));
const yaml = require("js-yaml");
const ts = require("typescript");

function modelPath(apiVersion, kind) {
  if (apiVersion === "monitoring.coreos.com/v1") {
    return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}`;
  }
  if (apiVersion === "keda.sh/v1alpha1") {
    return `@kubernetes-models/keda/keda.sh/v1alpha1/${kind}`;
  }
  return `kubernetes-models/${apiVersion}/${kind}`;
}

const errors = [];
const typed = [];
let count = 0;
for (const file of files) {
  let docs;
  try {
    docs = yaml.loadAll(readFileSync(file, "utf8")).filter((d) => d != null);
  } catch (e) {
    errors.push({ file, kind: "", message: "not YAML: " + e.message });
    continue;
  }
  for (const doc of docs) {
    count++;
    const kind = doc.kind ?? "";
    if (typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") {
      errors.push({ file, kind, message: "no apiVersion and kind" });
      continue;
    }
    const modulePath = modelPath(doc.apiVersion, doc.kind);
    let Model;
    try {
      // The packages are ES modules whose export map has no "require" condition: import the file.
      Model = (await import(pathToFileURL(path.join(modulesDir, modulePath + ".js")).href))[doc.kind];
      if (typeof Model !== "function") {
        throw new Error("not exported");
      }
    } catch (e) {
      errors.push({ file, kind, message: `no model for ${doc.apiVersion} ${doc.kind} (${modulePath})` });
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (e) {
      errors.push({ file, kind, message: String(e.message ?? e).slice(0, 2000) });
    }
    typed.push({ file, kind, modulePath, doc });
  }
}

// Pass 2: one TypeScript program, each document a typed constant.
if (typed.length > 0) {
  const lines = [];
  typed.forEach((t, i) => {
    lines.push(`import type { I${t.doc.kind} as T${i} } from ${JSON.stringify(t.modulePath)};`);
  });
  const starts = [];
  typed.forEach((t, i) => {
    starts.push(lines.length);
    lines.push(`export const d${i}: T${i} = ${JSON.stringify(t.doc)};`);
  });
  const source = lines.join("\n");
  const input = path.join(modulesDir, "..", "manifests-under-validation.ts");
  const host = ts.createCompilerHost({});
  const original = host.getSourceFile;
  host.getSourceFile = (name, lang, ...rest) => (path.resolve(name) === path.resolve(input) ? ts.createSourceFile(name, source, lang) : original(name, lang, ...rest));
  const program = ts.createProgram([input], {
    strict: true, noEmit: true, skipLibCheck: true, types: [],
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
  }, host);
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (d.file && path.resolve(d.file.fileName) === path.resolve(input) && d.start !== undefined) {
      const line = d.file.getLineAndCharacterOfPosition(d.start).line;
      let index = starts.findLastIndex((s) => s <= line);
      const t = typed[Math.max(0, index)];
      errors.push({ file: t.file, kind: t.kind, message });
    } else {
      errors.push({ file: "", kind: "", message: "the validator itself: " + message });
    }
  }
}
console.log(JSON.stringify({ documents: count, errors }));

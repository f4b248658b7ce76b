import { readFileSync, readdirSync } from "node:fs";
import { readModelFileAt } from "../src/weights/read.js";
import type { KerasModel } from "../src/model-files/keras-config.js";
const seen = new Map<string, Map<string, Set<string>>>();
function walk(m: KerasModel) {
  for (const l of m.layers) {
    const k = l.className + (l.isOp ? "(op)" : "");
    const keys = seen.get(k) ?? new Map(); seen.set(k, keys);
    for (const [key, v] of Object.entries(l.config)) { const s = keys.get(key) ?? new Set(); s.add(JSON.stringify(v).slice(0, 80)); keys.set(key, s); }
    if (l.model) walk(l.model);
  }
}
const D = "test/fixtures/model-files/";
for (const f of readdirSync(D + "keras")) if (f.endsWith(".keras") || (f.endsWith(".h5") && !f.endsWith(".weights.h5"))) { const m = readModelFileAt(D + "keras/" + f); walk(m.model!); }
for (const f of readdirSync(D + "tfjs")) if (!f.includes(".")) { const m = readModelFileAt(D + "tfjs/" + f + "/model.json"); walk(m.model!); console.log(f, m.info); }
for (const [k, keys] of seen) { console.log(k); for (const [key, s] of keys) console.log("   ", key, [...s].slice(0, 4).join(" | ")); }

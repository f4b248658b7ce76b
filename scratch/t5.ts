import { readdirSync } from "node:fs";
import { readModelFileAt } from "../src/weights/read.js";
import type { KerasModel } from "../src/model-files/keras-config.js";
function walk(m: KerasModel, f: string) {
  for (const l of m.layers) {
    for (const c of l.calls) if (c.mask.length || l.isOp || Object.keys(c.kwargs).length) console.log(f, l.name, l.className, l.isOp ? "OP" : "", "args", JSON.stringify(c.args), "mask", JSON.stringify(c.mask), JSON.stringify(c.kwargs), l.isOp ? JSON.stringify(l.config).slice(0,150) : "");
    if (l.model) walk(l.model, f + ">" + l.name);
  }
}
const D = "test/fixtures/model-files/keras/";
for (const f of readdirSync(D)) if (f.endsWith(".keras")) walk(readModelFileAt(D + f).model!, f);

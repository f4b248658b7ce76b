import { readFileSync } from "node:fs";
import { readModelFileAt } from "../src/weights/read.js";
import { importModel } from "../src/keras-import/import.js";
import { loadModel } from "../src/index.js";
const D = "test/fixtures/model-files/";
const cases: [string, string][] = [];
for (const c of JSON.parse(readFileSync(D + "keras/cases.json", "utf8")).cases) for (const e of [".keras", ".h5"]) cases.push([D + "keras/" + c + e, D + "keras/" + c + ".json"]);
cases.push([D + "keras/nested_model.keras2-layout.h5", D + "keras/nested_model.json"], [D + "keras/bigru_sum_mask.keras2-layout.h5", D + "keras/bigru_sum_mask.json"]);
for (const c of JSON.parse(readFileSync(D + "tfjs/cases.json", "utf8")).cases) for (const q of ["", "-float16", "-uint8"]) cases.push([D + "tfjs/" + c + q + "/model.json", D + "tfjs/" + c + ".json"]);
for (const [file, fx] of cases) {
  try {
    const r = importModel(readModelFileAt(file), file);
    const f = JSON.parse(readFileSync(fx, "utf8"));
    if (!Array.isArray(f.outputs)) f.outputs = f.outputs[file.includes("float16") ? "float16" : file.includes("uint8") ? "uint8" : "float32"];
    const m = loadModel(r.checked, { model: r.model, weights: r.weights });
    const inputs = Object.fromEntries(r.checked.models.find((x) => x.name === r.model)!.inputs.map((inp, i) => [inp.name, Object.values(f.inputs)[i]]));
    const outs = m.run(inputs as never);
    let max = 0;
    outs.forEach((o, i) => o.data.forEach((v, j) => (max = Math.max(max, Math.abs(v - f.outputs[i].data[j])))));
    console.log("OK", file, max.toExponential(2), (f.tolerance ?? 1e-5));
    if (process.env.SHOW) console.log(r.text);
  } catch (e) {
    console.log("FAIL", file, (e as Error).message);
  }
}

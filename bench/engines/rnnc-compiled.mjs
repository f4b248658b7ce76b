// rnnc's compiled modules (`rnnc compile`) on the workloads, through the BUILT public API (dist/:
// `npm run build` first). Per workload: compile the generated .rnn source into a folder outside the
// project, import the module from there as a user would, `create()` it with the Keras-layout weights
// (the object a `--weights FILE.json` holds) and time `model.run({ x: { shape, data } })`. Run by
// bench/runtime.mjs as `node bench/engines/rnnc-compiled.mjs '<workload-json>'`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { drive } from "../lib/harness.mjs";
import { kerasWeightList, rnnSource } from "../workloads.mjs";

const api = await import("../../dist/index.js").catch((e) => ({ importError: e }));
const unavailable = api.importError
  ? `rnnc: dist/index.js does not load (${String(api.importError.message).split("\n")[0]}); run npm run build`
  : typeof api.compileModule !== "function"
    ? "rnnc: compileModule not available"
    : undefined;

const dir = mkdtempSync(join(tmpdir(), "rnnc-bench-compiled-"));
try {
  await drive("rnnc-compiled", async (wl, kase) => {
    if (unavailable) return { unavailable };
    const src = rnnSource(wl);
    const compiled = await api.compileModule(api.check(src.text), { fileName: `${src.name}.rnn` });
    const file = join(dir, `${src.name}.js`);
    writeFileSync(file, compiled.js);
    const module = await import(pathToFileURL(file).href);
    const exportName = compiled.models.find((m) => m.name === src.name).exportName;
    const model = module[exportName].create({ [src.layerName]: kerasWeightList(kase) });
    const { data, shape } = kase.x;
    const run = () => model.run({ x: { shape, data } });
    return { run, isAsync: false, outputs: (result) => result };
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

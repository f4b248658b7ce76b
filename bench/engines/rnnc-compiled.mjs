// rnnc's compiled modules (`rnnc compile`) on the workloads, through the BUILT command line (dist/:
// `npm run build` first). Per workload: write the generated .rnn source into a folder outside the
// project, compile it there with `rnnc compile` in a child process (so that this process holds the
// module alone, as a user's would: no compiler, esbuild or prettier beside it), import the module,
// `create()` it with the Keras-layout weights (the object a `--weights FILE.json` holds) and time
// `model.run({ x: { shape, data } })`. Run by bench/runtime.mjs as
// `node bench/engines/rnnc-compiled.mjs '<workload-json>'`.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { drive } from "../lib/harness.mjs";
import { kerasWeightList, rnnSource } from "../workloads.mjs";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "cli", "main.js");
const unavailable = existsSync(CLI) ? undefined : "rnnc: dist/cli/main.js is missing; run npm run build";

const dir = mkdtempSync(join(tmpdir(), "rnnc-bench-compiled-"));
try {
  await drive("rnnc-compiled", async (wl, kase) => {
    if (unavailable) return { unavailable };
    const src = rnnSource(wl);
    const source = join(dir, `${src.name}.rnn`);
    writeFileSync(source, src.text);
    execFileSync(process.execPath, [CLI, "compile", source, "-o", dir], { stdio: ["ignore", "ignore", "inherit"] });
    const module = await import(pathToFileURL(join(dir, `${src.name}.js`)).href);
    // The model's name is an identifier (workloads.mjs's rnnSource): its export name.
    const factory = module[src.name];
    if (!factory) throw new Error(`rnnc compile: ${src.name}.js does not export ${src.name}`);
    const model = factory.create({ [src.layerName]: kerasWeightList(kase) });
    const { data, shape } = kase.x;
    const run = () => model.run({ x: { shape, data } });
    return { run, isAsync: false, outputs: (result) => result };
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Compiled modules as a user meets them: written into a folder outside the project, imported there
// by plain Node (a child process, no TypeScript, no vitest), run, and their outputs (or error
// messages) compared with the interpreter's.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { check, compileModule, loadModel, parseKerasWeights, type CheckedFile, type CompiledModule } from "../../src/node.js";
import type { TensorData, WeightSet } from "../../src/types/tensor-data.js";
import type { DType } from "../../src/types/types.js";

/**
 * The root of this test file's compiled modules: outside the project, so nothing resolves from it.
 * Removed after the file's tests unless RNNC_KEEP_COMPILED is set (to read the generated code).
 */
export const OUT = mkdtempSync(join(tmpdir(), "rnnc-compiled-"));
afterAll(() => {
  if (process.env["RNNC_KEEP_COMPILED"] === undefined) rmSync(OUT, { recursive: true, force: true });
  else console.log(`compiled modules kept in ${OUT}`);
});

const RUNNER = `// Runs jobs against a compiled module: node runner.mjs JOBS.json RESULTS.json
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [jobFile, resultFile] = process.argv.slice(2);
const { module, jobs } = JSON.parse(readFileSync(jobFile, "utf8"));
const ARRAYS = { f32: Float32Array, i32: Int32Array, bool: Uint8Array };
const results = [];
for (const job of jobs) {
  try {
    const mod = await import(pathToFileURL(job.module ?? module).href);
    const factory = mod[job.exportName];
    if (!factory) throw new Error("no export " + job.exportName + " (exports: " + Object.keys(mod).join(", ") + ")");
    const model = factory.create(job.weights === null ? undefined : job.weights, job.options);
    const runs = [];
    for (const given of job.runs) {
      const inputs = Object.fromEntries(
        Object.entries(given).map(([name, t]) => [name, t.nested ?? { shape: t.shape, data: ARRAYS[t.dtype].from(t.data) }]),
      );
      try {
        const outputs = model.run(inputs);
        runs.push({ outputs: outputs.map((o) => ({ shape: o.shape, kind: o.data.constructor.name, data: Array.from(o.data, (v) => (Object.is(v, -0) ? "-0" : v)) })) });
      } catch (e) {
        runs.push({ error: String(e && e.message) });
      }
    }
    results.push({ runs, meta: { name: model.name, inputs: model.inputs, outputs: model.outputs } });
  } catch (e) {
    results.push({ error: String(e && e.message) });
  }
}
writeFileSync(resultFile, JSON.stringify(results));
`;
writeFileSync(join(OUT, "runner.mjs"), RUNNER);

let counter = 0;

export interface Written extends CompiledModule {
  dir: string;
  jsPath: string;
  dtsPath: string;
}

/** Compiles a source into its own folder under OUT as `<base>.js` and `<base>.d.ts`. */
export async function compileTo(source: string | CheckedFile, base = "model"): Promise<Written> {
  const checked = typeof source === "string" ? check(source) : source;
  const compiled = await compileModule(checked, { fileName: `${base}.rnn` });
  const dir = join(OUT, `m${counter++}`);
  mkdirSync(dir);
  const jsPath = join(dir, `${base}.js`);
  const dtsPath = join(dir, `${base}.d.ts`);
  writeFileSync(jsPath, compiled.js);
  writeFileSync(dtsPath, compiled.dts);
  return { ...compiled, dir, jsPath, dtsPath };
}

/** An input as the child gets it: typed data flat, or a nested array as it is. */
export type JobInput = { shape: number[]; dtype: DType; data: number[] } | { nested: unknown };

export interface Job {
  /** The module, when not the one runInNode is given. */
  module?: string;
  exportName: string;
  /** JSON weights as `--weights FILE.json` holds them; null: the initializers. */
  weights: unknown;
  options?: { simd?: boolean };
  runs: Record<string, JobInput>[];
}

export interface JobResult {
  error?: string;
  meta?: { name: string; inputs: { name: string; type: string }[]; outputs: string[] };
  runs?: ({ outputs: { shape: number[]; kind: string; data: number[] }[] } | { error: string })[];
}

/** Runs jobs against a compiled module (or each job's own) in one plain Node process. */
export function runInNode(jsPath: string | undefined, jobs: Job[]): JobResult[] {
  const id = counter++;
  const jobFile = join(OUT, `jobs${id}.json`);
  const resultFile = join(OUT, `results${id}.json`);
  writeFileSync(jobFile, JSON.stringify({ module: jsPath, jobs }));
  const r = spawnSync(process.execPath, [join(OUT, "runner.mjs"), jobFile, resultFile], { encoding: "utf8", cwd: OUT });
  if (r.status !== 0) throw new Error(`the runner failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(readFileSync(resultFile, "utf8")) as JobResult[];
}

export function jobInput(t: TensorData): JobInput {
  const dtype: DType = t.data instanceof Int32Array ? "i32" : t.data instanceof Uint8Array ? "bool" : "f32";
  return { shape: [...t.shape], dtype, data: Array.from(t.data) };
}

/** A WeightSet as the JSON object `--weights FILE.json` would hold (each weight as {shape, data}). */
export function weightsJson(set: WeightSet): Record<string, unknown> {
  return Object.fromEntries(
    [...set.layers].map(([name, value]) => [
      name,
      Array.isArray(value) ? value.map((t) => ({ shape: [...t.shape], data: Array.from(t.data) })) : weightsJson(value),
    ]),
  );
}

export function toTensorData(o: { shape: number[]; kind: string; data: (number | "-0")[] }): TensorData {
  // JSON has no -0: the runner sends it as "-0" (Masking with a negative mask_value outputs -0, as Keras's x·0 does).
  const values = o.data.map((v) => (v === "-0" ? -0 : v));
  const data =
    o.kind === "Int32Array" ? Int32Array.from(values) : o.kind === "Uint8Array" ? Uint8Array.from(values) : Float32Array.from(values);
  return { shape: o.shape, data };
}

/** The interpreter on the same job: outputs, or the error message. */
export function interpret(
  checked: CheckedFile,
  model: string,
  weights: unknown,
  inputs: Record<string, TensorData | unknown>,
): TensorData[] | { error: string } {
  try {
    const set = weights === null ? undefined : parseKerasWeights(weights, "weights");
    return loadModel(checked, set ? { model, weights: set } : { model }).run(inputs as Record<string, TensorData>);
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The largest |a − b| over every element, or a description of the first structural difference. */
export function difference(actual: readonly TensorData[], expected: readonly TensorData[]): number | string {
  if (actual.length !== expected.length) return `${actual.length} outputs, expected ${expected.length}`;
  let worst = 0;
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k]!;
    const e = expected[k]!;
    if (a.shape.join(",") !== e.shape.join(",")) return `output ${k}: shape [${a.shape}], expected [${e.shape}]`;
    if (a.data.constructor !== e.data.constructor) return `output ${k}: ${a.data.constructor.name}, expected ${e.data.constructor.name}`;
    for (let i = 0; i < e.data.length; i++) {
      const d = Math.abs(a.data[i]! - e.data[i]!);
      if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
    }
  }
  return worst;
}

/** Whether two lists of outputs are equal bit for bit. */
export function identical(actual: readonly TensorData[], expected: readonly TensorData[]): boolean {
  return (
    actual.length === expected.length &&
    expected.every((e, k) => {
      const a = actual[k]!;
      return a.shape.join(",") === e.shape.join(",") && e.data.every((v, i) => Object.is(v, a.data[i]));
    })
  );
}

const TSC = join(import.meta.dirname, "..", "..", "node_modules", "typescript", "bin", "tsc");

/** `tsc --noEmit` (strict, no DOM, no @types) over one file written into `dir`, beside a compiled module and its .d.ts. */
export function typeCheckBeside(dir: string, name: string, text: string): { code: number; output: string } {
  writeFileSync(join(dir, name), text);
  const config = join(dir, `${name}.tsconfig.json`);
  const compilerOptions = {
    strict: true,
    noEmit: true,
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2022"],
    types: [],
  };
  writeFileSync(config, JSON.stringify({ compilerOptions, files: [name] }));
  const r = spawnSync(process.execPath, [TSC, "-p", config], { encoding: "utf8", cwd: dir });
  return { code: r.status ?? -1, output: r.stdout + r.stderr };
}

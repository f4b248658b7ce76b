// `npm run fuzz:programs -- N SEED`: N plausible programs (test/fuzz/support.ts, the generator the
// front-end fuzz tests use) through the whole path a user takes — check, then for every model of a
// file that checks clean loadModel and run on random inputs of its declared shapes (named dims 2 or
// 3), and every 25th file also compileModule — counting the outcomes. A user error (DataError, a
// memory-budget refusal) is an answer; anything else thrown is an internal error and is printed.
// Prints the counts, the peak RSS and the slowest file; exits 1 on any internal error.
import fc from "fast-check";
import { check, compileModule, DataError, loadModel, type CheckedModel, type TensorInput } from "../src/node.js";
import { plausibleProgramArb } from "../test/fuzz/support.js";

const [countArg = "1000", seedArg = "1"] = process.argv.slice(2);
const count = Number.parseInt(countArg, 10);
const seed = Number.parseInt(seedArg, 10);
if (!(count > 0) || !Number.isInteger(seed)) {
  process.stderr.write("usage: npm run fuzz:programs -- N SEED\n");
  process.exit(2);
}

/** Small sizes for named dims, so thousands of runs stay fast; a fixed size per name within a file. */
const DIM_SIZES: Record<string, number> = { B: 2, T: 3, S: 4, F: 5 };
const MAX_MEMORY = 256 * 1024 * 1024;

let rng = seed >>> 0;
const random = () => {
  rng = (rng * 1664525 + 1013904223) >>> 0;
  return rng / 2 ** 32;
};

function inputsFor(model: CheckedModel): Record<string, TensorInput> {
  const inputs: Record<string, TensorInput> = {};
  for (const input of model.inputs) {
    const shape = input.type.dims.map((d) => (typeof d === "number" ? d : (DIM_SIZES[d] ?? 2)));
    const size = shape.reduce((n, d) => n * d, 1);
    const value = () =>
      input.type.dtype === "i32" ? Math.floor(random() * 3) : input.type.dtype === "bool" ? (random() < 0.7 ? 1 : 0) : random() * 2 - 1;
    inputs[input.name] = { shape, data: Array.from({ length: size }, value) };
  }
  return inputs;
}

const outcomes = new Map<string, number>();
const count1 = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
const internal: string[] = [];
let peakRss = 0;
let slowest = { ms: 0, index: -1 };
const started = performance.now();

const programs = fc.sample(plausibleProgramArb, { seed, numRuns: count });
for (const [index, text] of programs.entries()) {
  const t0 = performance.now();
  const attempt = async (stage: string, f: () => unknown) => {
    try {
      await f();
      count1(`${stage}: ok`);
    } catch (error) {
      if (error instanceof DataError) count1(`${stage}: refused (user error)`);
      else {
        count1(`${stage}: INTERNAL`);
        internal.push(`#${index} ${stage}: ${error instanceof Error ? error.stack : String(error)}\n${text}`);
      }
    }
  };
  const checked = check(text);
  const clean = !checked.diagnostics.some((d) => d.severity === "error");
  count1(clean ? "check: clean" : "check: errors reported");
  if (clean) {
    for (const model of checked.models) {
      await attempt("run", () => loadModel(checked, { model: model.name, maxMemory: MAX_MEMORY }).run(inputsFor(model)));
    }
    if (index % 25 === 0) await attempt("compile", () => compileModule(checked, { fileName: "fuzz.rnn" }));
  }
  const ms = performance.now() - t0;
  if (ms > slowest.ms) slowest = { ms, index };
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
process.stdout.write(`${count} programs (seed ${seed}) in ${seconds} s\n`);
for (const [what, n] of [...outcomes].sort()) process.stdout.write(`  ${what}: ${n}\n`);
process.stdout.write(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; slowest file #${slowest.index}: ${slowest.ms.toFixed(0)} ms\n`);
for (const line of internal.slice(0, 10)) process.stdout.write(`\n${line}\n`);
process.exit(internal.length > 0 ? 1 : 0);

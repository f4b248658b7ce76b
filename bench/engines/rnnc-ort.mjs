// rnnc's ONNX Runtime backend through the BUILT public API: `loadModel(…, { backend, ort })` with
// onnxruntime-node, the model exported to ONNX in memory by rnnc. argv: `ort` (every call on ORT) or
// `auto` (per call, the engine the cost model of src/lower/engine-choice.ts picks; the engine it
// picked is noted per workload). Run by bench/runtime.mjs as `node bench/engines/rnnc-ort.mjs
// '<workload-json>' auto`.
//
// On a shared machine the load changes between engine processes, so auto is also timed here beside
// rnnc's cpu and ort backends in this one process, in interleaved rounds (each round one batch of
// each, in every order by turns): `interleaved` holds the three medians and `vsFastest` auto's over the faster other.
import { performance } from "node:perf_hooks";
import ort from "onnxruntime-node";
import { drive } from "../lib/harness.mjs";
import { rnncRunner } from "../lib/rnnc.mjs";

const backend = process.argv.slice(2).find((a) => a === "ort" || a === "auto");
if (!backend) {
  console.error("usage: node bench/engines/rnnc-ort.mjs '<workload-json>' ort|auto");
  process.exit(2);
}

/** At least this many rounds (every order of three engines once), more while the time allows (2 budgets). */
const MIN_ROUNDS = 6;
const MAX_ROUNDS = 36;

/** Every order of `items`: round r runs the engines in orders[r % n!], so each precedes and follows each other equally often. */
function orders(items) {
  if (items.length <= 1) return [items];
  return items.flatMap((first, i) => orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [first, ...rest]));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Per-call medians of `runners` (name → async-or-sync call), timed in interleaved rounds. */
async function interleaved(runners, budgetMs) {
  const names = Object.keys(runners);
  const timeBatch = async (fn, n) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await fn();
    return (performance.now() - t0) / n;
  };
  // Warm each up and size its batch so that every batch takes about the same time.
  const target = budgetMs / names.length / 15;
  const batch = {};
  for (const name of names) {
    let per = await timeBatch(runners[name], 3);
    per = Math.min(per, await timeBatch(runners[name], 3));
    batch[name] = Math.max(1, Math.round(target / per));
  }
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  const schedule = orders(names);
  const t0 = performance.now();
  for (let round = 0; round < MAX_ROUNDS && (round < MIN_ROUNDS || performance.now() - t0 < 2 * budgetMs); round++) {
    for (const name of schedule[round % schedule.length]) {
      // One untimed call first: the batch measures the engine's steady state, not the switch from
      // another (ORT's worker threads spin for a while after a run, slowing whatever runs next).
      await runners[name]();
      samples[name].push(await timeBatch(runners[name], batch[name]));
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n])]));
}

await drive(`rnnc-${backend}`, async (wl, kase) => {
  const runner = await rnncRunner(wl, kase, { backend, ort });
  if (runner.unavailable || backend !== "auto") return runner;
  const choice = runner.model.lastEngine;
  return {
    ...runner,
    note: `auto ran ${choice.engine} (${choice.reason.replace(/^auto chose \w+: /, "")})`,
    extra: async (_timing, cfg) => {
      const cpu = await rnncRunner(wl, kase, {});
      const onOrt = await rnncRunner(wl, kase, { backend: "ort", ort });
      try {
        const medians = await interleaved({ auto: runner.run, cpu: cpu.run, ort: onOrt.run }, cfg.budgetMs);
        return { interleaved: medians, vsFastest: medians.auto / Math.min(medians.cpu, medians.ort) };
      } finally {
        cpu.dispose();
        await onOrt.dispose();
      }
    },
  };
});

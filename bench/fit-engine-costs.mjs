// Fits the cost model of `backend: "auto"` (src/lower/engine-choice.ts COSTS) to a runtime bench's
// raw results: per engine, a fixed cost per call (S's median: its work is negligible) and a rate of
// floating-point work (the geometric mean over M-lstm, M-gru, L and B1 of work / (median − fixed)).
// The work of a workload is counted as estimateFlops counts one recurrent layer:
// B·T·G·u·(2(F+u) + 10) per direction.
//
// Usage: BENCH_ENGINES=rnnc-cpu,rnnc-ort BENCH_JSON=fit.json npm run bench:runtime
//        node bench/fit-engine-costs.mjs fit.json
import { readFileSync } from "node:fs";
import { WORKLOADS } from "./workloads.mjs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node bench/fit-engine-costs.mjs BENCH_JSON-file (with rnnc-cpu and rnnc-ort results)");
  process.exit(2);
}
const { results } = JSON.parse(readFileSync(file, "utf8"));
const GATES = { lstm: 4, gru: 3, simple_rnn: 1 };
const flopsOf = (wl) => (wl.bidirectional ? 2 : 1) * wl.B * wl.T * GATES[wl.cell] * wl.units * (2 * (wl.F + wl.units) + 10);

for (const [engine, name] of [
  ["rnnc-cpu", "cpu"],
  ["rnnc-ort", "ort"],
]) {
  const median = (id) => {
    const r = results.find((x) => x.engine === engine && x.workload === id);
    if (!r || r.error) throw new Error(`${file}: no ${engine} result for ${id}${r?.error ? ` (${r.error})` : ""}`);
    return r.medianMs;
  };
  const fixedMs = median("S");
  const rates = WORKLOADS.filter((wl) => wl.id !== "S").map((wl) => flopsOf(wl) / ((median(wl.id) - fixedMs) * 1e6));
  const gflops = Math.exp(rates.reduce((a, r) => a + Math.log(r), 0) / rates.length);
  const each = WORKLOADS.filter((wl) => wl.id !== "S")
    .map((wl, i) => `${wl.id} ${rates[i].toFixed(1)}`)
    .join(", ");
  console.log(`${name}: { fixedMs: ${fixedMs.toPrecision(3)}, gflops: ${gflops.toPrecision(3)} }  (GFLOP/s per workload: ${each})`);
}

// Runtime benchmark: the same inference workloads (bench/workloads.mjs) on rnnc's CPU backend (and its
// compiled modules, `rnnc compile`: `compiled vs rnnc-cpu`), rnnc's
// tfjs backend (on tfjs's cpu and wasm backends), tfjs-layers (cpu and wasm backends) and
// onnxruntime-node and onnxruntime-web, ONE PROCESS PER ENGINE AND ROUND, in interleaved rounds. Prints the medians per call, the
// ratios `rnnc-cpu vs X` = X's time / rnnc's time, `rnnc-tfjs-B vs tfjs-B` (rnnc and tfjs-layers on
// the same tfjs backend B), and the issues' targets. Every engine checks its outputs against a float64 reference (itself checked
// against tfjs-layers) before it is timed; a wrong output is reported and not timed.
//
// Usage: `npm run bench:runtime` (or `node bench/runtime.mjs` after `npm run build`), with
//   --quick                          short time budgets (for development)
//   BENCH_ONLY=S,M                   workloads (S, M = M-lstm + M-gru, M-lstm, M-gru, L, B1)
//   BENCH_ENGINES=rnnc-cpu,ort       engines (rnnc-cpu, rnnc-compiled, rnnc-tfjs-cpu, rnnc-tfjs-wasm, tfjs-cpu, tfjs-wasm, ort,
//                                    rnnc-ort, rnnc-auto: rnnc's ONNX Runtime backend alone and chosen per call)
//                                    rnnc-cpu-relaxed (rnnc-cpu with V8's relaxed SIMD on, as in current browsers),
//                                    rnnc-cpu-1t (rnnc-cpu on one thread; rnnc-cpu and rnnc-compiled use the cores),
//                                    ort-node-1t (onnxruntime-node on one thread), ort-web-1t, ort-web-2t (onnxruntime-web's
//                                    WebAssembly build in Node on 1 or 2 threads)
//   BENCH_BUDGET_MS=4000             time budget per engine and workload (default 4000, 800 with --quick), split over the rounds
//   BENCH_ROUNDS=3                   interleaved rounds (default 3, 1 with --quick): A B C A B C …, each run its own process,
//                                    so that the load of a shared machine drifting does not bias one engine; an engine's
//                                    medianMs is the median of its rounds' medians
//   BENCH_JSON=file.json             also write the raw results there
// Exit code 1 when the cross-check or an engine's output check fails (the figures would lie), or an
// engine crashes; a missing rnnc `loadModel` is reported in the table, not a failure.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatMs } from "./lib/harness.mjs";
import { selectWorkloads } from "./workloads.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);

const ENGINES = [
  { id: "rnnc-cpu", script: "rnnc.mjs", args: [] },
  { id: "rnnc-cpu-relaxed", script: "rnnc.mjs", args: ["relaxed"] },
  { id: "rnnc-cpu-1t", script: "rnnc.mjs", args: ["1t"] },
  { id: "rnnc-compiled", script: "rnnc-compiled.mjs", args: [] },
  { id: "rnnc-tfjs-cpu", script: "rnnc-tfjs.mjs", args: ["cpu"] },
  { id: "rnnc-tfjs-wasm", script: "rnnc-tfjs.mjs", args: ["wasm"] },
  { id: "tfjs-cpu", script: "tfjs.mjs", args: ["cpu"] },
  { id: "tfjs-wasm", script: "tfjs.mjs", args: ["wasm"] },
  { id: "ort", script: "ort.mjs", args: [] },
  { id: "ort-node-1t", script: "ort.mjs", args: ["1"] },
  { id: "ort-web-1t", script: "ort-web.mjs", args: ["1"] },
  { id: "ort-web-2t", script: "ort-web.mjs", args: ["2"] },
  { id: "rnnc-ort", script: "rnnc-ort.mjs", args: ["ort"] },
  { id: "rnnc-auto", script: "rnnc-ort.mjs", args: ["auto"] },
];

/** The issue's targets for rnnc-cpu. */
const TARGETS = {
  S: { text: "< 3 µs and ≥ 5× vs ort", met: (r) => r.rnnc < 0.003 && r.ratio.ort >= 5, needs: ["ort"] },
  "M-lstm": { text: "≥ 20× vs tfjs-cpu", met: (r) => r.ratio["tfjs-cpu"] >= 20, needs: ["tfjs-cpu"] },
  "M-gru": { text: "≥ 20× vs tfjs-cpu†", met: (r) => r.ratio["tfjs-cpu"] >= 20, needs: ["tfjs-cpu"] },
  L: { text: "≥ 20× vs tfjs-cpu", met: (r) => r.ratio["tfjs-cpu"] >= 20, needs: ["tfjs-cpu"] },
  B1: { text: "≥ 20× vs tfjs-cpu", met: (r) => r.ratio["tfjs-cpu"] >= 20, needs: ["tfjs-cpu"] },
};

/** The tfjs backend's targets: rnnc-tfjs-B vs tfjs-layers on the same tfjs backend B. */
const TFJS_TARGETS = {
  S: { text: "≥ 10×", min: 10 },
  "M-lstm": { text: "≥ 1×", min: 1 },
  "M-gru": { text: "≥ 1×†", min: 1 },
  L: { text: "≥ 1×", min: 1 },
  B1: { text: "≥ 1×", min: 1 },
};
/** The tfjs backends with both engines measured: [rnnc's engine, tfjs-layers' engine]. */
const TFJS_PAIRS = [
  ["rnnc-tfjs-cpu", "tfjs-cpu"],
  ["rnnc-tfjs-wasm", "tfjs-wasm"],
];

const DESCRIPTIONS = {
  S: "BiLSTM B1 T4 F5 u3, seq+state",
  "M-lstm": "LSTM B32 T50 F64 u128, seq",
  "M-gru": "GRU B32 T50 F64 u128, seq",
  L: "LSTM B64 T100 F256 u512",
  B1: "LSTM B1 T200 F128 u256",
};

// ---------------------------------------------------------------------------------------------

const quick = process.argv.includes("--quick");
/** A usage error: the message alone, exit code 2. */
function usage(message) {
  console.error(message);
  process.exit(2);
}
let workloads;
try {
  workloads = selectWorkloads(process.env.BENCH_ONLY);
} catch (e) {
  usage(e.message);
}
const engineIds = process.env.BENCH_ENGINES
  ? process.env.BENCH_ENGINES.split(",")
      .map((s) => s.trim())
      .filter(Boolean)
  : ENGINES.map((e) => e.id);
for (const id of engineIds)
  if (!ENGINES.some((e) => e.id === id)) usage(`BENCH_ENGINES: unknown engine ${id}; known: ${ENGINES.map((e) => e.id).join(", ")}`);
const engines = ENGINES.filter((e) => engineIds.includes(e.id));
const config = { workloads: workloads.map((w) => w.id), quick };
if (process.env.BENCH_BUDGET_MS) config.budgetMs = Number(process.env.BENCH_BUDGET_MS);

/** Lines of a child's stderr that are noise (tfjs's banner about tfjs-node). */
const NOISE = [/^=+$/, /looks like you are running TensorFlow\.js in Node\.js/];

/** Runs `node <script> <args>`; resolves to { code, lines (stdout JSON objects) }. Progress goes to stderr. */
function runChild(label, script, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const results = [];
    const stdout = [];
    let outBuf = "";
    let errBuf = "";
    child.stdout.on("data", (chunk) => {
      outBuf += chunk;
      let nl;
      while ((nl = outBuf.indexOf("\n")) >= 0) {
        const line = outBuf.slice(0, nl);
        outBuf = outBuf.slice(nl + 1);
        stdout.push(line);
        if (line.startsWith("{")) {
          try {
            results.push(JSON.parse(line));
          } catch {
            // not a result line
          }
        }
      }
    });
    child.stderr.on("data", (chunk) => {
      errBuf += chunk;
      let nl;
      while ((nl = errBuf.indexOf("\n")) >= 0) {
        const line = errBuf.slice(0, nl);
        errBuf = errBuf.slice(nl + 1);
        if (line.trim() && !NOISE.some((re) => re.test(line.trim()))) process.stderr.write(`  [${label}] ${line}\n`);
      }
    });
    child.on("close", (code) => resolve({ code, results, stdout }));
  });
}

function version(pkg) {
  try {
    return JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
}

// ---------------------------------------------------------------------------------------------

const started = Date.now();
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const loadAtStart = load();
let failed = false;
console.error(
  `runtime bench${quick ? " (--quick)" : ""}: workloads ${config.workloads.join(", ")}; engines ${engines.map((e) => e.id).join(", ")}`,
);

// 1. The weight conversions: ORT (Keras → ONNX layout) vs tfjs-layers vs float64, on small cases.
let crossCheck = "not run (no ort engine)";
if (engines.some((e) => e.id.startsWith("ort"))) {
  const { code, stdout } = await runChild("cross-check", join(HERE, "crosscheck.mjs"), []);
  crossCheck = stdout[0] ?? `crashed (exit ${code})`;
  for (const l of stdout) console.error(`  ${l}`);
  if (code !== 0) {
    console.error("cross-check failed: not timing anything.");
    process.exit(1);
  }
}

// 2. Interleaved rounds: every engine in its own process per round (2 cores: nothing else runs beside
// an engine), A B C A B C …, each round with its share of the budget; the rounds' medians combined after.
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3)));
const perRound = new Map(); // `${engine}/${workload}` → that engine's result in each round
const roundConfig = { ...config, budgetMs: Math.max(1, Math.round((config.budgetMs ?? (quick ? 800 : 4000)) / rounds)) };
for (let round = 1; round <= rounds; round++) {
  for (const engine of engines) {
    const t0 = Date.now();
    console.error(`${engine.id}: round ${round}/${rounds}`);
    const { code, results: lines } = await runChild(engine.id, join(HERE, "engines", engine.script), [
      JSON.stringify(roundConfig),
      ...engine.args,
    ]);
    for (const wl of workloads) {
      const key = `${engine.id}/${wl.id}`;
      const r = lines.find((l) => l.engine === engine.id && l.workload === wl.id) ?? {
        engine: engine.id,
        workload: wl.id,
        error: `the engine process exited (code ${code}) before this workload`,
      };
      perRound.set(key, [...(perRound.get(key) ?? []), r]);
    }
    if (code !== 0) failed = true;
    console.error(`${engine.id}: round ${round} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}
const middle = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const results = new Map(); // `${engine}/${workload}` → result, the rounds combined
for (const [key, list] of perRound) {
  const bad = list.find((r) => r.error);
  if (bad) {
    results.set(key, bad);
    continue;
  }
  const medians = list.map((r) => r.medianMs);
  results.set(key, {
    ...list[0],
    medianMs: middle(medians),
    roundMediansMs: medians,
    minMs: Math.min(...list.map((r) => r.minMs)),
    samples: list.reduce((n, r) => n + r.samples, 0),
    maxAbsErr: Math.max(...list.map((r) => r.maxAbsErr)),
  });
}
for (const r of results.values()) if (r.error && !/not available/.test(r.error)) failed = true;

// 3. The table.
const get = (engine, wl) => results.get(`${engine}/${wl}`);
const cell = (engine, wl) => {
  const r = get(engine, wl);
  if (!r) return "";
  if (r.error) return /not available/.test(r.error) ? "n/a" : /wrong output/.test(r.error) ? "WRONG" : "error";
  const mark = engine.startsWith("tfjs") && r.note ? "†" : "";
  return formatMs(r.medianMs) + mark;
};
const others = engines.filter((e) => !e.id.startsWith("rnnc"));
const hasRnnc = engines.some((e) => e.id === "rnnc-cpu");
const tfjsPairs = TFJS_PAIRS.filter((pair) => pair.every((id) => engines.some((e) => e.id === id)));
const formatRatio = (r) => `${r >= 100 ? r.toFixed(0) : r.toPrecision(3)}×`;

const header = ["workload", "", ...engines.map((e) => e.id)];
/** Left-aligned columns (the others are numbers, right-aligned). */
const leftAligned = new Set([0, 1]);
if (hasRnnc) {
  header.push(...others.map((e) => `rnnc vs ${e.id}`), "target", "");
  leftAligned.add(header.length - 2).add(header.length - 1);
}
if (tfjsPairs.length > 0) {
  header.push(...tfjsPairs.map(([ours, theirs]) => `${ours} vs ${theirs}`), "tfjs target");
  leftAligned.add(header.length - 1);
}
/** `rnnc compile`'s target: its modules at least as fast as rnnc-cpu on every workload, faster on S. */
const hasCompiled = hasRnnc && engines.some((e) => e.id === "rnnc-compiled");
if (hasCompiled) {
  header.push("compiled vs rnnc-cpu", "compiled target");
  leftAligned.add(header.length - 1);
}
/** `auto`'s target: within 10% of the fastest of rnnc-cpu and ONNX Runtime (ort, rnnc-ort) on every workload. */
const AUTO_RIVALS = ["rnnc-cpu", "ort", "rnnc-ort"].filter((id) => engines.some((e) => e.id === id));
const hasAuto = engines.some((e) => e.id === "rnnc-auto") && AUTO_RIVALS.length > 0;
if (hasAuto) {
  header.push("auto vs fastest", "auto target");
  leftAligned.add(header.length - 1);
}
const rows = [header];
for (const wl of workloads) {
  const row = [wl.id, DESCRIPTIONS[wl.id], ...engines.map((e) => cell(e.id, wl.id))];
  const median = (id) => {
    const r = get(id, wl.id);
    return r && !r.error ? r.medianMs : NaN;
  };
  if (hasRnnc) {
    const rn = get("rnnc-cpu", wl.id);
    const rnnc = rn && !rn.error ? rn.medianMs : NaN;
    const ratio = {};
    for (const e of others) {
      const r = get(e.id, wl.id);
      ratio[e.id] = r && !r.error ? r.medianMs / rnnc : NaN;
      const mark = e.id.startsWith("tfjs") && r?.note ? "†" : "";
      row.push(Number.isFinite(ratio[e.id]) ? `${ratio[e.id] >= 100 ? ratio[e.id].toFixed(0) : ratio[e.id].toPrecision(3)}×${mark}` : "—");
    }
    const target = TARGETS[wl.id];
    const measurable = Number.isFinite(rnnc) && target.needs.every((n) => Number.isFinite(ratio[n]));
    row.push(target.text, !Number.isFinite(rnnc) ? "not measured" : measurable ? (target.met({ rnnc, ratio }) ? "met" : "NOT MET") : "n/a");
  }
  if (tfjsPairs.length > 0) {
    const target = TFJS_TARGETS[wl.id];
    for (const [ours, theirs] of tfjsPairs) {
      const ratio = median(theirs) / median(ours);
      const mark = get(theirs, wl.id)?.note ? "†" : "";
      row.push(Number.isFinite(ratio) ? `${formatRatio(ratio)}${mark} ${ratio >= target.min ? "met" : "NOT MET"}` : "—");
    }
    row.push(target.text);
  }
  if (hasCompiled) {
    const ratio = median("rnnc-cpu") / median("rnnc-compiled");
    const faster = wl.id === "S";
    row.push(
      Number.isFinite(ratio) ? `${formatRatio(ratio)} ${(faster ? ratio > 1 : ratio >= 1) ? "met" : "NOT MET"}` : "—",
      faster ? "> 1×" : "≥ 1×",
    );
  }
  if (hasAuto) {
    // Measured in rnnc-auto's own process, interleaved with rnnc's cpu and ort backends (the load of
    // a shared machine changes between engine processes); else across the processes.
    const auto = get("rnnc-auto", wl.id);
    const ratio = auto?.vsFastest ?? median("rnnc-auto") / Math.min(...AUTO_RIVALS.map(median).filter(Number.isFinite));
    row.push(
      Number.isFinite(ratio) ? `${formatRatio(ratio)}${auto?.vsFastest === undefined ? "" : "‡"} ${ratio <= 1.1 ? "met" : "NOT MET"}` : "—",
      "≤ 1.10×",
    );
  }
  rows.push(row);
}

const widths = header.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? "")].length)));
const line = (r) =>
  r
    .map((c, i) => (leftAligned.has(i) ? (c ?? "").padEnd(widths[i]) : (c ?? "").padStart(widths[i])))
    .join("  ")
    .trimEnd();

const cpu = os.cpus();
console.log();
console.log(
  `Runtime benchmark${quick ? " (--quick: short budgets, rough figures)" : ""}: median time per call, input Float32Array in → output data out`,
);
console.log(
  `node ${process.version}, ${cpu.length}× ${cpu[0]?.model ?? "?"}, ${os.platform()}; tfjs ${version("@tensorflow/tfjs")}, tfjs-backend-wasm ${version("@tensorflow/tfjs-backend-wasm")}, onnxruntime-node ${version("onnxruntime-node")}`,
);
console.log(`load average at start ${loadAtStart}, at end ${load()} (other processes on the machine skew the figures)`);
console.log(`cross-check of the ONNX weight conversion: ${crossCheck}`);
console.log();
console.log(line(rows[0]));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows.slice(1)) console.log(line(r));
console.log();
// rnnc's own kernels against ONNX Runtime (issue 14): each rnnc engine's ratio to the best onnxruntime-web
// (1 or 2 threads: what a page would pick) and to the best onnxruntime-node (default or one thread).
const ORT_WEB = ["ort-web-1t", "ort-web-2t"].filter((id) => engines.some((e) => e.id === id));
const ORT_NODE = ["ort", "ort-node-1t"].filter((id) => engines.some((e) => e.id === id));
const RNNC_OWN = ["rnnc-cpu", "rnnc-cpu-relaxed", "rnnc-cpu-1t", "rnnc-compiled"].filter((id) => engines.some((e) => e.id === id));
/** The targets: ≥ 1.5× the best ort-web (≥ 5× on S); B1 at least ort-node's speed, M and L within 2.5× of it. */
const ORT_TARGETS = {
  S: { web: 5, node: undefined },
  "M-lstm": { web: 1.5, node: 1 / 2.5 },
  "M-gru": { web: 1.5, node: 1 / 2.5 },
  L: { web: 1.5, node: 1 / 2.5 },
  B1: { web: 1.5, node: 1 },
};
const ortRatios = [];
if (RNNC_OWN.length > 0 && (ORT_WEB.length > 0 || ORT_NODE.length > 0)) {
  const best = (ids, wl) => {
    const found = ids
      .map((id) => ({ id, ms: get(id, wl)?.error ? NaN : (get(id, wl)?.medianMs ?? NaN) }))
      .filter((x) => Number.isFinite(x.ms));
    return found.length === 0 ? undefined : found.reduce((a, b) => (b.ms < a.ms ? b : a));
  };
  const head = ["workload", ...RNNC_OWN, "best ort-web", "best ort-node"];
  for (const id of RNNC_OWN) head.push(`${id} vs ort-web`, `${id} vs ort-node`);
  const table = [head];
  for (const wl of workloads) {
    const web = best(ORT_WEB, wl.id);
    const node = best(ORT_NODE, wl.id);
    const target = ORT_TARGETS[wl.id];
    const row = [wl.id, ...RNNC_OWN.map((id) => cell(id, wl.id))];
    row.push(web ? `${formatMs(web.ms)} (${web.id})` : "—", node ? `${formatMs(node.ms)} (${node.id})` : "—");
    const entry = { workload: wl.id, bestOrtWeb: web, bestOrtNode: node };
    for (const id of RNNC_OWN) {
      const ours = get(id, wl.id)?.error ? NaN : (get(id, wl.id)?.medianMs ?? NaN);
      const vs = (theirs, min) => {
        const ratio = theirs ? theirs.ms / ours : NaN;
        if (!Number.isFinite(ratio)) return "—";
        return `${formatRatio(ratio)}${min === undefined ? "" : ratio >= min ? " met" : ` NOT MET (≥ ${formatRatio(min)})`}`;
      };
      row.push(vs(web, target.web), vs(node, target.node));
      entry[id] = { vsOrtWeb: web ? web.ms / ours : null, vsOrtNode: node ? node.ms / ours : null };
    }
    ortRatios.push(entry);
    table.push(row);
  }
  const w = head.map((_, i) => Math.max(...table.map((r) => [...r[i]].length)));
  console.log("rnnc's own kernels vs ONNX Runtime: X's median / rnnc's (above 1× rnnc is faster)");
  for (const [i, r] of table.entries()) {
    console.log(r.map((c, j) => (j === 0 ? c.padEnd(w[j]) : c.padStart(w[j]))).join("  "));
    if (i === 0) console.log(w.map((n) => "-".repeat(n)).join("  "));
  }
  console.log();
}
if (hasRnnc) console.log("rnnc vs X = X's median / rnnc-cpu's median: \"20.0×\" means rnnc-cpu is 20 times faster than X.");
if (hasCompiled) console.log("compiled vs rnnc-cpu = rnnc-cpu's median / rnnc-compiled's median: above 1× the compiled module is faster.");
if (hasAuto) {
  console.log(`auto vs fastest = rnnc-auto's median / the fastest median of ${AUTO_RIVALS.join(", ")}: at most 1.10× is the target;`);
  console.log("  ‡ measured in rnnc-auto's process, interleaved with loadModel's cpu and ort backends (the same load for all three).");
}
if (tfjsPairs.length > 0)
  console.log("rnnc-tfjs-B vs tfjs-B = tfjs-layers' median / rnnc's tfjs backend's median, both on tfjs backend B; target met or NOT MET.");
if (workloads.some((w) => w.cell === "gru") && engines.some((e) => e.id.startsWith("tfjs"))) {
  console.log("† tfjs-layers cannot run GRU reset_after=true (it throws): its M-gru ran resetAfter=false (the same matmuls, bias [3u]);");
  console.log("  rnnc (every backend) and ort run Keras's reset_after=true (ORT linear_before_reset=1).");
}

// Details: how each figure was measured and checked.
console.log();
console.log("details (per engine and workload): samples × calls per sample, min, first call, max |Δ| vs the float64 reference");
for (const wl of workloads) {
  for (const e of engines) {
    const r = get(e.id, wl.id);
    if (!r) continue;
    const interleaved = r.interleaved
      ? `; interleaved: auto ${formatMs(r.interleaved.auto)}, cpu ${formatMs(r.interleaved.cpu)}, ort ${formatMs(r.interleaved.ort)}`
      : "";
    const what = r.error
      ? r.error
      : `${formatMs(r.medianMs)} median, ${r.samples} × ${r.batch}, min ${formatMs(r.minMs)}, first ${formatMs(r.firstMs)}, max |Δ| ${r.maxAbsErr.toExponential(1)} (${r.refRows}/${wl.B} rows)${r.note ? `; ${r.note}` : ""}${interleaved}`;
    console.log(`  ${wl.id.padEnd(6)} ${e.id.padEnd(14)} ${what}`);
  }
}
console.log();
console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);

if (process.env.BENCH_JSON)
  writeFileSync(
    process.env.BENCH_JSON,
    JSON.stringify(
      { quick, config, rounds, load: { start: loadAtStart, end: load() }, crossCheck, results: [...results.values()], ortRatios },
      null,
      2,
    ),
  );
if (failed) {
  console.error("runtime bench: an engine failed or gave wrong outputs (see above).");
  process.exit(1);
}

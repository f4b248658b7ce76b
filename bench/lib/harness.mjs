// What every engine process shares: the argument protocol, validation against the float64 reference
// before any timing, the time-bounded measurement loop, and the one-JSON-line-per-workload output.
import { performance } from "node:perf_hooks";
import { compareOutputs, findWorkload, makeCase, reference } from "../workloads.mjs";

/**
 * The config the orchestrator passes as one JSON argument:
 * `{ "workloads": ["S", ...], "quick": false, "budgetMs": 4000 }`.
 */
export function readConfig(argv = process.argv.slice(2)) {
  const json = argv.find((a) => a.trim().startsWith("{"));
  const cfg = json ? JSON.parse(json) : {};
  const quick = Boolean(cfg.quick);
  return {
    workloads: cfg.workloads ?? ["S", "M-lstm", "M-gru", "L", "B1"],
    quick,
    budgetMs: cfg.budgetMs ?? (quick ? 800 : 4000),
  };
}

export const progress = (msg) => process.stderr.write(`${msg}\n`);

/** One result line on stdout (the orchestrator reads the lines that parse as JSON objects). */
export function emit(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Times `fn` (sync, or async when `isAsync`), already called once (`firstMs`, the validation call).
 * Fast calls are timed in batches of many calls (per-call time = batch time / batch size); the
 * result is the median over the batches. Calls over 1 s are not warmed up again; calls over 5 s are
 * timed only 2 times (1 with --quick), so that tfjs-cpu on L (~24 s a call) runs 3 times in all.
 */
export async function measure(fn, isAsync, firstMs, cfg) {
  const timeBatch = isAsync
    ? async (n) => {
        const t0 = performance.now();
        for (let i = 0; i < n; i++) await fn();
        return performance.now() - t0;
      }
    : (n) => {
        const t0 = performance.now();
        for (let i = 0; i < n; i++) fn();
        return performance.now() - t0;
      };
  const budget = cfg.budgetMs;
  let estimate = firstMs;
  let warmupCalls = 0;
  if (firstMs < 1000) {
    // Warm up (JIT, allocator, thread pools) for a while, at least 5 calls (2 of calls over 100 ms);
    // estimate the call time.
    const warmMs = cfg.quick ? 100 : 300;
    let spent = 0;
    let n = 1;
    while (spent < warmMs || warmupCalls < 5) {
      const t = await timeBatch(n);
      spent += t;
      warmupCalls += n;
      estimate = t / n;
      if (estimate > 100 && warmupCalls >= 2) break;
      if (t < 5) n *= 2;
    }
  }
  const samples = [];
  let batch = 1;
  let calls = 0;
  if (estimate > 5000) {
    const n = cfg.quick ? 1 : 2;
    for (let i = 0; i < n; i++) samples.push(await timeBatch(1));
    calls = n;
  } else {
    // Aim at ~30 batches within the budget; never fewer than 3 samples.
    batch = Math.max(1, Math.round(budget / 30 / estimate));
    const maxSamples = 60;
    const t0 = performance.now();
    while (samples.length < maxSamples && (samples.length < 3 || performance.now() - t0 < budget)) {
      samples.push((await timeBatch(batch)) / batch);
      calls += batch;
    }
  }
  return { medianMs: median(samples), minMs: Math.min(...samples), samples: samples.length, batch, calls, warmupCalls, firstMs };
}

/**
 * Runs every workload of the config through an engine. `setup(wl, kase)` builds the engine's model
 * for a workload and returns `{ run, isAsync, outputs(result), refOptions?, note?, extra?, dispose? }`: `run`
 * is the timed call (input data in, output data out), `outputs` turns its result into the Keras-order
 * list of `{shape, data}` for the check. A wrong output is reported and not timed.
 */
export async function drive(engine, setup, cfg = readConfig()) {
  for (const id of cfg.workloads) {
    const wl = findWorkload(id);
    const base = { engine, workload: id };
    let runner;
    try {
      const kase = makeCase(wl);
      runner = await setup(wl, kase);
      if (runner.unavailable) {
        emit({ ...base, error: runner.unavailable });
        continue;
      }
      const t0 = performance.now();
      const first = runner.isAsync ? await runner.run() : runner.run();
      const firstMs = performance.now() - t0;
      const ref = reference(wl, kase, runner.refOptions);
      const check = compareOutputs(wl, ref, runner.outputs(first));
      if (!check.ok) {
        progress(`${engine} ${id}: WRONG OUTPUT (${check.message}); not timed`);
        emit({ ...base, error: `wrong output: ${check.message}`, maxAbsErr: check.maxAbsErr, note: runner.note });
        continue;
      }
      progress(`${engine} ${id}: output ok (max |Δ| ${check.maxAbsErr.toExponential(1)} on ${ref.rows}/${wl.B} rows); timing…`);
      const timing = await measure(runner.run, runner.isAsync, firstMs, cfg);
      progress(`${engine} ${id}: median ${formatMs(timing.medianMs)} (${timing.samples} samples × ${timing.batch})`);
      // An engine may measure more after its own timing (rnnc-auto: itself beside both engines, interleaved).
      const extra = runner.extra ? await runner.extra(timing, cfg) : {};
      emit({ ...base, ...timing, maxAbsErr: check.maxAbsErr, refRows: ref.rows, note: runner.note, ...extra });
    } catch (e) {
      progress(`${engine} ${id}: ${e?.stack ?? e}`);
      emit({ ...base, error: String(e?.message ?? e).split("\n")[0] });
    } finally {
      try {
        runner?.dispose?.();
      } catch {
        // nothing to do: the process ends soon
      }
    }
  }
}

export function formatMs(ms) {
  if (!Number.isFinite(ms)) return "—";
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

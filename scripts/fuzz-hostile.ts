// `npm run fuzz:hostile -- N SEED`: N generated hostile documents (manifests, inputs, Keras weights,
// special files named directly; test/hostile/generate.ts) through the CLI's main(), in a worker
// process that is killed and replaced when a case hangs (20 s) or crashes it. Prints the count per
// exit code, every case that failed (exit 70, a crash, a hang, a stack trace, not one line on
// stderr), the peak RSS and the slowest case. Exits 1 if any case failed. (npm test runs the corpus
// and a sample of these cases a process each, under the same checks: test/hostile/hostile.test.ts.)
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { WorkerResult } from "../test/hostile/fuzz-worker.js";
import { outcomeProblems } from "../test/hostile/harness.js";

const [countArg = "1000", seedArg = "1"] = process.argv.slice(2);
const count = Number.parseInt(countArg, 10);
const seed = Number.parseInt(seedArg, 10);
if (!(count > 0) || !Number.isInteger(seed)) {
  process.stderr.write("usage: npm run fuzz:hostile -- N SEED\n");
  process.exit(2);
}

const HANG_MS = 20_000;
const HEAP_MIB = 512;
const byExit = new Map<string, number>();
const failures: string[] = [];
let peak = { rss: 0, id: "" };
let slowest = { ms: 0, id: "" };
let done = 0;
const started = performance.now();

/** Runs cases from..count in one worker; resolves with the case to resume from after a hang or crash, or count. */
function runFrom(from: number): Promise<number> {
  return new Promise((resolve) => {
    const worker: ChildProcess = fork(join(import.meta.dirname, "../test/hostile/fuzz-worker.ts"), [], {
      execArgv: ["--import", "tsx", `--max-old-space-size=${HEAP_MIB}`],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    let current = from;
    let timer: NodeJS.Timeout | undefined;
    const fail = (what: string) => {
      byExit.set(what, (byExit.get(what) ?? 0) + 1);
      failures.push(`generated-${seed}-${current}: ${what}`);
      done++;
    };
    worker.on("message", (m: { ready?: true; started?: number; result?: WorkerResult; skipped?: string; done?: true }) => {
      if (m.skipped !== undefined) {
        clearTimeout(timer);
        done++;
        byExit.set("skipped", (byExit.get("skipped") ?? 0) + 1);
        process.stderr.write(`skipped ${m.skipped}\n`);
      }
      if (m.ready) worker.send({ seed, from, to: count });
      if (m.started !== undefined) {
        current = m.started;
        clearTimeout(timer);
        timer = setTimeout(() => {
          fail("hang");
          worker.kill("SIGKILL");
        }, HANG_MS);
      }
      if (m.result) {
        clearTimeout(timer);
        const r = m.result;
        done++;
        byExit.set(String(r.code), (byExit.get(String(r.code)) ?? 0) + 1);
        const outcome = { code: r.code, signal: null, stdout: "", stderr: r.stderr, peakRssMiB: r.peakRssMiB, ms: r.ms, timedOut: false };
        const problems = outcomeProblems(outcome, { exit: [0, 1, 2], severalLines: true });
        if (problems.length > 0) failures.push(`${r.id} (${r.what}: rnnc ${r.argv.join(" ")}): ${problems.join("; ")}`);
        if (r.peakRssMiB > peak.rss) peak = { rss: r.peakRssMiB, id: r.id };
        if (r.ms > slowest.ms) slowest = { ms: r.ms, id: `${r.id} (${r.what}: rnnc ${r.argv.join(" ")})` };
        if (done % 1000 === 0) process.stderr.write(`${done}/${count}\n`);
      }
      if (m.done) {
        worker.kill();
        resolve(count);
      }
    });
    worker.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (done < count && !failures.some((f) => f.startsWith(`generated-${seed}-${current}: hang`)))
        fail(`crash (${signal ?? `exit ${code}`})`);
      resolve(current + 1);
    });
  });
}

let from = 0;
while (from < count) from = await runFrom(from);
const exits = [...byExit].sort().map(([k, n]) => `${/^\d+$/.test(k) ? `exit ${k}` : k}: ${n}`);
process.stdout.write(
  [
    `${count} cases, seed ${seed}, ${((performance.now() - started) / 1000).toFixed(1)} s`,
    exits.join(", "),
    `failures: ${failures.length}`,
    ...failures.slice(0, 20).map((f) => `  ${f}`),
    `peak RSS of the worker: ${peak.rss.toFixed(1)} MiB (first reached at ${peak.id})`,
    `slowest: ${slowest.ms.toFixed(0)} ms, ${slowest.id}`,
  ].join("\n") + "\n",
);
process.exitCode = failures.length > 0 ? 1 : 0;

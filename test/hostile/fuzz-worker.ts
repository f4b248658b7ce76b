// The fuzz script's worker: runs generated cases through the CLI's main() in this one process (a
// process per case would make 10,000 cases take an hour), reporting each outcome to the parent,
// which kills and replaces the worker when a case hangs or crashes it. stdout and stderr are
// captured per case; the current directory is the case's folder, as for a user.
import { rmSync } from "node:fs";
import { generatedCase } from "./generate.js";
import { materialize } from "./harness.js";

export interface WorkerResult {
  n: number;
  id: string;
  what: string;
  argv: string[];
  code: number;
  stderr: string;
  ms: number;
  /** The process's peak RSS after the case, MiB. */
  peakRssMiB: number;
}

// Importing the CLI runs it once: let it print its usage to nowhere.
const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);
process.argv = [process.argv[0]!, "rnnc", "help"];
let captured = { out: "", err: "" };
const capture = (key: "out" | "err") =>
  ((chunk: string | Uint8Array) => {
    if (captured[key].length < 1 << 16) captured[key] += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stdout.write;
process.stdout.write = capture("out");
process.stderr.write = capture("err");
const { main } = await import("../../src/cli/main.js");
process.stdout.write = realOut;
process.stderr.write = realErr;

process.on("message", (message: { seed: number; from: number; to: number }) => {
  const home = process.cwd();
  for (let n = message.from; n < message.to; n++) {
    const c = generatedCase(message.seed, n);
    process.send!({ started: n });
    let dir: string;
    try {
      dir = materialize(c.files);
    } catch (error) {
      // The generator's fault, not rnnc's: say so and go on.
      process.send!({ skipped: `${c.id}: could not make its files: ${(error as Error).message}` });
      continue;
    }
    captured = { out: "", err: "" };
    process.stdout.write = capture("out");
    process.stderr.write = capture("err");
    const started = performance.now();
    let code: number;
    try {
      process.chdir(dir);
      code = main(c.argv.map((a) => a.replaceAll("$DIR", dir)));
    } finally {
      process.chdir(home);
      process.stdout.write = realOut;
      process.stderr.write = realErr;
      rmSync(dir, { recursive: true, force: true });
    }
    const result: WorkerResult = {
      n,
      id: c.id,
      what: c.what,
      argv: c.argv,
      code,
      stderr: captured.err,
      ms: performance.now() - started,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    };
    process.send!({ result });
  }
  process.send!({ done: true });
});
process.send!({ ready: true });

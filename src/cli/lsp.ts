// `rnnc lsp --stdio`: the language server, speaking JSON-RPC on stdin/stdout.
//
// The server runs in a worker thread whose young generation is larger than Node's default: checking
// a document allocates its AST and types in one burst, and with the default 16 MB semi-spaces the
// scavenger copies them over and over — a larger one halves the time from an edit to its
// diagnostics on a 1,000-line file (bench/lsp.mjs). A worker is the one place a process can choose
// its heap sizes without command-line flags, which an editor's `rnnc lsp --stdio` does not pass.
// The main thread only connects stdin to the worker (the worker's stdout reaches ours by itself)
// and exits with the worker's exit code (0 after shutdown + exit, as the protocol asks).
import { Worker, type WorkerOptions } from "node:worker_threads";
import { parseArgs, UsageError } from "./args.js";

/**
 * The server's young generation (the semi-spaces are a third of it each). Measured on a 1,000-line
 * file: didChange → diagnostics median about half of the default's, for about 90 MB more resident memory.
 */
const YOUNG_GENERATION_MB = 192;

export function lspCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, { stdio: {} }, "lsp");
  if (!args.flags.has("stdio")) throw new UsageError("rnnc lsp: --stdio is required (the only transport)");
  if (args.positional.length > 0) throw new UsageError(`rnnc lsp: unexpected argument ${args.positional[0]}`);
  const worker = startWorker({ stdin: true, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  process.stdin.pipe(worker.stdin!);
  worker.on("error", (error) => {
    process.stderr.write(`rnnc lsp: internal error: ${error.stack ?? error.message}\n`);
    process.exit(70);
  });
  worker.on("exit", (code) => {
    // Whatever the worker wrote reaches stdout before the process ends.
    process.stdout.write("", () => process.exit(code));
  });
  return 0;
}

/**
 * The worker running src/lsp/stdio: the built .js, or from the sources (tests run `node --import tsx
 * src/cli/main.ts`) the .ts through tsx, which the worker registers itself: in Node 20 a worker's
 * module loader does not inherit the `--import` hooks of the main thread.
 */
function startWorker(options: WorkerOptions): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("../lsp/stdio.js", import.meta.url), options);
  const entry = new URL("../lsp/stdio.ts", import.meta.url).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

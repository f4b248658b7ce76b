// Runs rnnc the way a user does — a separate process on files in a folder — under a watchdog: a
// time limit (then SIGKILL), a V8 heap limit, and the process's peak RSS measured at its exit. The
// CLI is bundled once with esbuild so that each run starts in a fraction of tsx's time.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execFileSync } from "node:child_process";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..", "..");

/** How a file of a case is made. Strings are text; the rest say how to build bytes or special files. */
export type FileSpec =
  | string
  | { json: unknown }
  | { bytes: string } // hex
  | { f32: (number | "NaN" | "Infinity" | "-Infinity")[] } // little-endian float32s, a tfjs shard
  | { symlink: string }
  | { fifo: true }
  | { nest: number; open: string; close: string; leaf: string; before?: string; after?: string }; // before open×n leaf close×n after

/** One hostile case: the files (paths relative to a fresh folder, `$DIR` for that folder's path), the arguments, the expected exit. */
export interface HostileCase {
  id: string;
  what: string;
  files: Record<string, FileSpec>;
  argv: string[];
  exit: 1 | 2;
  /** A regular expression the one line on stderr must match. */
  stderr?: string;
}

/** Files every case has unless it replaces them: a small model with one dense layer, and an input for it. */
export const BASE_FILES: Record<string, FileSpec> = {
  "tiny.rnn": "model Tiny(x: [1, 2, 3]) {\n  return x |> dense(2)\n}\n",
  "x.json": {
    json: [
      [
        [0.1, 0.2, 0.3],
        [0.4, 0.5, 0.6],
      ],
    ],
  },
};

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size in MiB, as the process saw it at exit (undefined if it never got there). */
  peakRssMiB: number | undefined;
  ms: number;
  timedOut: boolean;
}

export interface Watchdog {
  timeoutMs: number;
  heapMiB: number;
}

export const DEFAULT_WATCHDOG: Watchdog = { timeoutMs: 20_000, heapMiB: 256 };

let bundled: Promise<string> | undefined;

/** The CLI bundled to one file (tfjs left out: it is loaded only for --backend tfjs), with an exit hook reporting peak RSS on fd 3. */
export function bundleCli(): Promise<string> {
  bundled ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "rnnc-hostile-cli-"));
    await build({
      entryPoints: [join(root, "src/cli/main.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile: join(dir, "main.mjs"),
      external: ["@tensorflow/*", "onnxruntime-node"],
      banner: { js: "import { createRequire as __rnncRequire } from 'node:module'; const require = __rnncRequire(import.meta.url);" },
      logLevel: "error",
    });
    const entry = join(dir, "measured.mjs");
    writeFileSync(
      entry,
      `import { writeSync } from "node:fs";\n` +
        `process.on("exit", () => { try { writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });\n` +
        `await import("./main.mjs");\n`,
    );
    return entry;
  })();
  return bundled;
}

/** A fresh folder holding the base files and the case's own. */
export function materialize(files: Record<string, FileSpec>): string {
  const dir = mkdtempSync(join(tmpdir(), "rnnc-hostile-"));
  for (const [name, spec] of Object.entries({ ...BASE_FILES, ...files })) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof spec === "string") writeFileSync(path, spec.replaceAll("$DIR", dir));
    else if ("json" in spec) writeFileSync(path, JSON.stringify(spec.json).replaceAll("$DIR", dir));
    else if ("bytes" in spec) writeFileSync(path, Buffer.from(spec.bytes, "hex"));
    else if ("f32" in spec) writeFileSync(path, new Uint8Array(Float32Array.from(spec.f32.map(Number)).buffer));
    else if ("symlink" in spec) symlinkSync(spec.symlink.replaceAll("$DIR", dir), path);
    else if ("fifo" in spec) execFileSync("mkfifo", [path]);
    else
      writeFileSync(
        path,
        (spec.before ?? "") + spec.open.repeat(spec.nest) + spec.leaf + spec.close.repeat(spec.nest) + (spec.after ?? ""),
      );
  }
  return dir;
}

/**
 * Runs the CLI in `dir` with `argv` (`$DIR` replaced) under the watchdog: the bundle, except for
 * `compile`, whose own esbuild step finds rnnc's sources from its file's location and so runs from
 * the sources (through tsx).
 */
export async function runCli(dir: string, argv: readonly string[], watchdog: Watchdog = DEFAULT_WATCHDOG): Promise<Outcome> {
  const entry = await bundleCli();
  const cli = argv[0] === "compile" ? ["--import", import.meta.resolve("tsx"), join(root, "test/hostile/measured.ts")] : [entry];
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${watchdog.heapMiB}`, "--stack-size=984", ...cli, ...argv.map((a) => a.replaceAll("$DIR", dir))],
    {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  let rss = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.length + stdout.length < 1 << 20 ? d.toString() : ""));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.length + stderr.length < 1 << 20 ? d.toString() : ""));
  (child.stdio[3] as NodeJS.ReadableStream).on("data", (d: Buffer) => (rss += d.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, watchdog.timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on("close", (c, s) => resolve([c, s])),
  );
  clearTimeout(timer);
  const kib = Number.parseInt(rss, 10);
  return {
    code,
    signal,
    stdout,
    stderr,
    peakRssMiB: Number.isFinite(kib) ? kib / 1024 : undefined,
    ms: performance.now() - started,
    timedOut,
  };
}

/**
 * What is wrong with an outcome of a hostile case: anything but the expected exit (1 or 2) with one
 * line on stderr — an internal error (70), a signal, a hang, a stack trace, silence.
 */
export function outcomeProblems(
  outcome: Outcome,
  expected: {
    exit: number | readonly number[];
    stderr?: string;
    /** Allow a report of several lines (the weight binder lists every mismatch). */ severalLines?: boolean;
  },
): string[] {
  const problems: string[] = [];
  const exits = typeof expected.exit === "number" ? [expected.exit] : expected.exit;
  if (outcome.timedOut) problems.push("hung: killed by the watchdog");
  else if (outcome.signal) problems.push(`killed by ${outcome.signal}`);
  else if (!exits.includes(outcome.code ?? -1)) problems.push(`exit ${outcome.code}, expected ${exits.join(" or ")}`);
  const lines = outcome.stderr.split("\n").filter((l) => l !== "");
  if (outcome.code !== 0 && (expected.severalLines ? lines.length === 0 || !lines[0]!.startsWith("rnnc") : lines.length !== 1)) {
    problems.push(`expected ${expected.severalLines ? "a message starting rnnc" : "one line"} on stderr, got ${lines.length} lines`);
  }
  if (/internal error|\n\s+at |Error:|Maximum call stack/.test(outcome.stderr)) problems.push("an internal error or a stack trace");
  if (expected.stderr !== undefined && !new RegExp(expected.stderr).test(outcome.stderr)) {
    problems.push(`stderr does not match /${expected.stderr}/`);
  }
  return problems.map((p) => `${p}; stderr: ${JSON.stringify(outcome.stderr.slice(0, 500))}`);
}

// The `rnnc` command as the tests run it: the CLI the global setup (build-cli.ts) built from the
// current sources, spawned with plain Node, its output captured and colour off.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..");
export const BUILD_DIR = join(ROOT, ".scratch", "cli-build");
export const BUILT_CLI = join(BUILD_DIR, "cli", "main.js");
/** The prettier plugin, built beside the CLI. */
export const BUILT_PLUGIN = join(BUILD_DIR, "format", "plugin.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const options = { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } };

/** Runs `rnnc ...args` from the repository's root and waits for it. */
export function rnnc(...args: string[]): CliResult {
  return node(BUILT_CLI, ...args);
}

/** Runs a Node script (`node script ...args`) as rnnc is run. */
export function node(script: string, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [script, ...args], { ...options, encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `rnnc ...args` without blocking, so that several runs overlap. */
export function rnncAsync(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], options);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

// The suite's global setup: builds src/ with tsc (TypeScript 7, about a second) into .scratch/cli-build/
// once per run, so that the tests that spawn `rnnc` run the current sources as plain JavaScript — a
// process that starts in a third of the time of one running the sources through tsx, which adds up
// over a hundred spawns on a loaded two-core machine. The folder is inside the repository, so the
// built files resolve the repository's node_modules as dist/ does.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { BUILD_DIR, BUILT_CLI, ROOT } from "./cli-process.js";

export default function setup(): void {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const args = ["-p", join(ROOT, "tsconfig.build.json"), "--outDir", BUILD_DIR, "--sourceMap", "false", "--declaration", "false"];
  const r = spawnSync(process.execPath, [tsc, ...args], { cwd: ROOT, encoding: "utf8" });
  if (r.status === 0) return;
  // tsc still writes the JavaScript when the types are wrong; `npm run typecheck` reports those.
  if (!existsSync(BUILT_CLI)) throw new Error(`building the CLI for the tests failed:\n${r.stdout}${r.stderr}`);
  process.stderr.write(`warning: src/ has type errors (the CLI tests run it anyway):\n${r.stdout}${r.stderr}\n`);
}

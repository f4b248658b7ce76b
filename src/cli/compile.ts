// `rnnc compile FILE... -o DIR`: per source file, DIR/<file>.js (a standalone ES module exporting one
// object per model) and DIR/<file>.d.ts. Files with errors are reported and skipped (exit 1); the
// others are still written. Bundling and formatting are asynchronous: the command returns at once
// and sets the exit code when they are done (as `lsp` does, main's commands being synchronous).
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { check, DataError, type CheckedFile } from "../node.js";
import { flag, parseArgs, UsageError } from "./args.js";
import { formatDiagnostic } from "./format-diagnostics.js";
import { readSource, useColour } from "./io.js";

export function compileCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, { o: { value: true }, out: { value: true } }, "compile");
  if (args.flags.has("o") && args.flags.has("out")) throw new UsageError("rnnc compile: give the output folder once (-o DIR)");
  const dir = flag(args, "o") ?? flag(args, "out");
  if (dir === undefined) throw new UsageError("rnnc compile: -o DIR is required (where to write the modules)");
  if (args.positional.length === 0) throw new UsageError("rnnc compile: expected at least one FILE");
  const outputs = new Map<string, string>();
  for (const file of args.positional) {
    const base = basename(file).replace(/\.rnn$/, "");
    const other = outputs.get(base);
    if (other !== undefined) throw new UsageError(`rnnc compile: ${other} and ${file} would both be written as ${base}.js`);
    outputs.set(base, file);
  }
  // Read and check everything first: unreadable files are usage errors (exit 2), before any output.
  const sources = args.positional.map((file) => ({ file, base: basename(file).replace(/\.rnn$/, ""), checked: check(readSource(file)) }));
  const colour = useColour(process.stderr);
  let failed = false;
  const clean: { file: string; base: string; checked: CheckedFile }[] = [];
  for (const s of sources) {
    for (const d of s.checked.diagnostics) process.stderr.write(`${formatDiagnostic(s.file, s.checked, d, colour)}\n\n`);
    const errors = s.checked.diagnostics.filter((d) => d.severity === "error").length;
    if (errors > 0) {
      process.stderr.write(`rnnc compile: ${s.file} has ${errors} error${errors === 1 ? "" : "s"}; not compiled\n`);
      failed = true;
    } else if (s.checked.models.length === 0) {
      process.stderr.write(`rnnc compile: ${s.file} defines no model; nothing to compile\n`);
      failed = true;
    } else {
      clean.push(s);
    }
  }
  compileAll(clean, dir).then(
    (ok) => (process.exitCode = failed || !ok ? 1 : 0),
    (error: unknown) => {
      process.stderr.write(`rnnc: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 70;
    },
  );
  return failed ? 1 : 0;
}

async function compileAll(sources: { file: string; base: string; checked: CheckedFile }[], dir: string): Promise<boolean> {
  if (sources.length === 0) return true;
  // Loaded here: esbuild and prettier are for this command only.
  const { compileModule } = await import("../node.js");
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    process.stderr.write(`rnnc compile: cannot create ${dir}: ${(error as Error).message}\n`);
    return false;
  }
  let ok = true;
  for (const { file, base, checked } of sources) {
    try {
      const compiled = await compileModule(checked, { fileName: basename(file) });
      const js = join(dir, `${base}.js`);
      const dts = join(dir, `${base}.d.ts`);
      writeFileSync(js, compiled.js);
      writeFileSync(dts, compiled.dts);
      const names = compiled.models.map((m) => (m.name === m.exportName ? m.name : `${m.name} as ${m.exportName}`)).join(", ");
      process.stdout.write(`${file} → ${js} (${Buffer.byteLength(compiled.js)} bytes), ${dts}: ${names}\n`);
    } catch (error) {
      if (!(error instanceof DataError) && (error as NodeJS.ErrnoException).code === undefined) throw error;
      process.stderr.write(`rnnc compile: ${file}: ${(error as Error).message}\n`);
      ok = false;
    }
  }
  return ok;
}

// `rnnc fmt FILE... [--check] [--write]`: the formatter (the prettier plugin's layout).
// Prints the formatted text by default; --write rewrites the files that change; --check lists
// them and exits 1. A file with syntax errors is not formatted: its diagnostics go to stderr and
// the exit code is 1. An unreadable (not a regular file, not UTF-8) or unwritable file exits 2 and
// is never rewritten; a rewrite goes through a temporary file renamed over the original.
import { formatRnnSync, RnnSyntaxError } from "../format/index.js";
import { fileProblem } from "../weights/file-access.js";
import { check } from "../node.js";
import { parseArgs, UsageError } from "./args.js";
import { formatDiagnostic } from "./format-diagnostics.js";
import { readSourceOrReport, replaceFile, useColour } from "./io.js";

export function fmtCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, { check: {}, write: {} }, "fmt");
  if (args.positional.length === 0) throw new UsageError("rnnc fmt: expected at least one FILE");
  const checkOnly = args.flags.has("check");
  const write = args.flags.has("write");
  if (checkOnly && write) throw new UsageError("rnnc fmt: --check and --write cannot be combined");
  const colour = useColour(process.stderr);
  let unreadable = false;
  let filesWithErrors = 0;
  const unformatted: string[] = [];
  for (const file of args.positional) {
    const text = readSourceOrReport(file);
    if (text === undefined) {
      unreadable = true;
      continue;
    }
    let formatted: string;
    try {
      formatted = formatRnnSync(text);
    } catch (error) {
      if (!(error instanceof RnnSyntaxError)) throw error;
      const checked = check(text);
      for (const d of error.diagnostics) process.stderr.write(`${formatDiagnostic(file, checked, d, colour)}\n\n`);
      filesWithErrors++;
      continue;
    }
    if (checkOnly) {
      if (formatted !== text) unformatted.push(file);
    } else if (write) {
      if (formatted === text) continue;
      try {
        replaceFile(file, formatted);
      } catch (error) {
        process.stderr.write(`rnnc: cannot write ${file}: ${fileProblem(error)}\n`);
        unreadable = true;
        continue;
      }
      process.stdout.write(`${file}\n`);
    } else {
      process.stdout.write(formatted);
    }
  }
  for (const file of unformatted) process.stdout.write(`${file}\n`);
  if (filesWithErrors > 0) {
    const files = filesWithErrors === 1 ? "1 file has" : `${filesWithErrors} files have`;
    process.stderr.write(`${files} syntax errors and ${filesWithErrors === 1 ? "was" : "were"} not formatted\n`);
  }
  if (unformatted.length > 0) {
    const plural = unformatted.length === 1 ? "file is" : "files are";
    process.stderr.write(`${unformatted.length} ${plural} not formatted: run rnnc fmt --write\n`);
  }
  return unreadable ? 2 : filesWithErrors > 0 || unformatted.length > 0 ? 1 : 0;
}

// `rnnc check FILE... [--json]`: diagnostics; exit 0 clean, 1 errors, 2 bad usage or unreadable file.
import { check } from "../node.js";
import { parseArgs, UsageError } from "./args.js";
import { countLine, formatDiagnostic } from "./format-diagnostics.js";
import { readSourceOrReport, useColour } from "./io.js";

export function checkCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, { json: {} }, "check");
  if (args.positional.length === 0) throw new UsageError("rnnc check: expected at least one FILE");
  const json = args.flags.has("json");
  const colour = useColour(process.stdout);
  const all: object[] = [];
  let errors = 0;
  let warnings = 0;
  let unreadable = false;
  for (const file of args.positional) {
    const text = readSourceOrReport(file);
    if (text === undefined) {
      unreadable = true;
      continue;
    }
    const checked = check(text);
    for (const d of checked.diagnostics) {
      if (d.severity === "error") errors++;
      else warnings++;
      if (json)
        all.push({
          file,
          range: { start: pos(d.range.start), end: pos(d.range.end) },
          severity: d.severity,
          code: d.code,
          message: d.message,
          ...(d.fix ? { fix: d.fix } : {}),
        });
      else process.stdout.write(`${formatDiagnostic(file, checked, d, colour)}\n\n`);
    }
  }
  if (json) process.stdout.write(`${JSON.stringify({ diagnostics: all.map(stripOffsets) })}\n`);
  else if (errors + warnings > 0) process.stdout.write(`${countLine(errors, warnings, args.positional.length)}\n`);
  return unreadable ? 2 : errors > 0 ? 1 : 0;
}

function pos(p: { line: number; character: number }): { line: number; character: number } {
  return { line: p.line, character: p.character };
}

/** LSP positions carry line and character only; the offsets are ours. */
function stripOffsets(value: object): object {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === "offset" ? undefined : v)));
}

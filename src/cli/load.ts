// Shared by the commands that read one checked model file: read, check, pick the model.
import { check, type CheckedFile, type CheckedModel } from "../node.js";
import { echo } from "../source/echo.js";
import { didYouMean } from "../source/suggest.js";
import { flag, UsageError, type ParsedArgs } from "./args.js";
import { formatDiagnostic } from "./format-diagnostics.js";
import { readSource, requireOneFile, useColour } from "./io.js";

export interface Loaded {
  file: string;
  checked: CheckedFile;
  models: CheckedModel[];
  hasErrors: boolean;
}

/** Reads and checks FILE; diagnostics go to stderr; `--model M` narrows to one model. */
export function loadChecked(args: ParsedArgs, command: string): Loaded {
  const file = requireOneFile(args.positional, command);
  const checked = check(readSource(file));
  const colour = useColour(process.stderr);
  for (const d of checked.diagnostics) process.stderr.write(`${formatDiagnostic(file, checked, d, colour)}\n\n`);
  const name = flag(args, "model");
  let models = checked.models;
  if (name !== undefined) {
    models = models.filter((m) => m.name === name);
    if (models.length === 0) {
      const names = checked.models.map((m) => echo(m.name)).join(", ") || "none";
      const suggestion = didYouMean(
        name,
        checked.models.map((m) => m.name),
      );
      throw new UsageError(`rnnc ${command}: ${file} has no model named ${echo(name)} (models: ${names})${suggestion}`);
    }
  }
  return { file, checked, models, hasErrors: checked.diagnostics.some((d) => d.severity === "error") };
}

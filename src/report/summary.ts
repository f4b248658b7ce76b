// A Keras-style `model.summary()` table for a checked model. Long cells wrap as Keras 2's print_row
// wraps them, so the table keeps its width: each column's text is cut to the column's width less the
// two spaces between columns, earlier at the end of a shape in a list (`),`), and the rest continues
// on the next line in the same column.
import type { CheckedModel } from "../check/program.js";
import { isLayerRow } from "../check/program.js";
import { formatKerasShape } from "../types/types.js";

/** Where each column ends (Keras's `positions`): Layer (type), Output Shape, Param #. */
const POSITIONS = [34, 68, 80] as const;
/** Keras breaks a cell early after the end of a tuple, list, dict or string followed by a comma. */
const BREAKS = ["),", "},", "],", "',"] as const;

/** One row of cells as the lines Keras prints for it: one, or more where a cell wraps. */
export function summaryRow(cells: readonly string[]): string[] {
  const left = [...cells];
  const lines: string[] = [];
  do {
    let line = "";
    left.forEach((text, col) => {
      const start = col === 0 ? 0 : POSITIONS[col - 1]!;
      const space = col === POSITIONS.length - 1 ? 0 : 2;
      let cutoff = POSITIONS[col]! - start - space;
      const fit = text.slice(0, cutoff);
      const early = BREAKS.flatMap((b) => (fit.includes(b) ? [fit.indexOf(b) + b.length] : []));
      if (early.length > 0) cutoff = Math.min(...early);
      line = (line + text.slice(0, cutoff)).padEnd(POSITIONS[col]!);
      left[col] = text.slice(cutoff);
    });
    lines.push(line.trimEnd());
  } while (left.some((text) => text !== ""));
  return lines;
}

/** The table Keras prints, with input rows first; shapes keep the model's dim names (B, T). */
export function summaryTable(model: CheckedModel): string {
  const rule = "_".repeat(POSITIONS[POSITIONS.length - 1]);
  const double = "=".repeat(rule.length);
  const lines = [`Model: "${model.name}"`, rule, ...summaryRow(["Layer (type)", "Output Shape", "Param #"]), double];
  for (const input of model.inputs) lines.push(...summaryRow([`${input.name} (InputLayer)`, formatKerasShape(input.type), "0"]));
  for (const r of model.rows) {
    const cls = isLayerRow(r) ? r.kerasClass : "Functional";
    const output = r.output.kind === "error" ? "multiple" : formatKerasShape(r.output);
    lines.push(...summaryRow([`${r.name} (${cls})`, output, r.params.toLocaleString("en-US")]));
  }
  lines.push(double);
  lines.push(`Total params: ${model.params.toLocaleString("en-US")}`);
  lines.push(`Trainable params: ${model.params.toLocaleString("en-US")}`);
  lines.push("Non-trainable params: 0");
  lines.push(rule);
  return lines.join("\n");
}

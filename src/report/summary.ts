// A Keras-style `model.summary()` table for a checked model.
import type { CheckedModel } from "../check/program.js";
import { isLayerRow } from "../check/program.js";
import { formatKerasShape } from "../types/types.js";

const WIDTHS = [34, 34, 12] as const;

function row(cells: readonly string[]): string {
  return cells
    .map((c, i) => {
      const w = WIDTHS[i]!;
      return i === cells.length - 1 ? c : c.length >= w ? `${c} ` : c.padEnd(w);
    })
    .join("")
    .trimEnd();
}

/** The table Keras prints, with input rows first; shapes keep the model's dim names (B, T). */
export function summaryTable(model: CheckedModel): string {
  const rule = "_".repeat(WIDTHS.reduce((a, b) => a + b, 0));
  const double = "=".repeat(rule.length);
  const lines = [`Model: "${model.name}"`, rule, row(["Layer (type)", "Output Shape", "Param #"]), double];
  const body: string[] = [];
  for (const input of model.inputs) body.push(row([`${input.name} (InputLayer)`, formatKerasShape(input.type), "0"]));
  for (const r of model.rows) {
    const cls = isLayerRow(r) ? r.kerasClass : "Functional";
    const output = r.output.kind === "error" ? "multiple" : formatKerasShape(r.output);
    body.push(row([`${r.name} (${cls})`, output, r.params.toLocaleString("en-US")]));
  }
  lines.push(body.join("\n"));
  lines.push(double);
  lines.push(`Total params: ${model.params.toLocaleString("en-US")}`);
  lines.push(`Trainable params: ${model.params.toLocaleString("en-US")}`);
  lines.push("Non-trainable params: 0");
  lines.push(rule);
  return lines.join("\n");
}

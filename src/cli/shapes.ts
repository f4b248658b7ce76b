// `rnnc shapes FILE [--model M] [--json]`: every binding's inferred type and each layer's params.
import { formatType, shapesReport } from "../node.js";
import { flag, parseArgs } from "./args.js";
import { loadChecked } from "./load.js";

export function shapesCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, { model: { value: true }, json: {} }, "shapes");
  const loaded = loadChecked(args, "shapes");
  const report = shapesReport(loaded.checked, flag(args, "model"));
  if (args.flags.has("json")) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    const blocks = loaded.models.map((m) => {
      const width = Math.max(6, ...m.bindings.map((b) => b.name.length));
      const lines = [`model ${m.name}`];
      for (const b of m.bindings) lines.push(`  ${b.name.padEnd(width)}  ${formatType(b.type)}${b.kind === "input" ? "  (input)" : ""}`);
      lines.push(`  ${"return".padEnd(width)}  ${m.outputs.map(formatType).join(", ")}`);
      for (const r of m.rows) lines.push(`  layer ${r.name}: ${formatType(r.output)}, ${r.params} params`);
      lines.push(`  params ${m.params}`);
      return lines.join("\n");
    });
    process.stdout.write(`${blocks.join("\n\n")}\n`);
  }
  return loaded.hasErrors ? 1 : 0;
}

// `rnnc summary FILE [--model M]`: Keras's model.summary() table for each model.
import { summaryTable } from "../node.js";
import { parseArgs } from "./args.js";
import { loadChecked } from "./load.js";

export function summaryCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, { model: { value: true } }, "summary");
  const loaded = loadChecked(args, "summary");
  process.stdout.write(`${loaded.models.map(summaryTable).join("\n\n")}\n`);
  return loaded.hasErrors ? 1 : 0;
}

// `rnnc export FILE --format onnx -o OUT.onnx [--model M] [--weights W]`: writes the model as an ONNX
// file (LANGUAGE.md §8). Bad usage exits 2; a model or weights the exporter refuses, or an
// unwritable output, is one line on stderr and exit 1.
import { writeFileSync } from "node:fs";
import { DataError, exportOnnx } from "../index.js";
import { echo } from "../source/echo.js";
import { flag, parseArgs, UsageError } from "./args.js";
import { readWeightsFlag } from "./io.js";
import { kerasStructure } from "../lower/keras-structure.js";
import { loadChecked } from "./load.js";

const FORMATS = ["onnx"];

export function exportCommand(argv: readonly string[]): number {
  const args = parseArgs(
    argv,
    { format: { value: true }, o: { value: true }, out: { value: true }, model: { value: true }, weights: { value: true } },
    "export",
  );
  const format = flag(args, "format");
  if (format === undefined) throw new UsageError(`rnnc export: --format is required (available: ${FORMATS.join(", ")})`);
  if (!FORMATS.includes(format)) throw new UsageError(`rnnc export: unknown format ${echo(format)} (available: ${FORMATS.join(", ")})`);
  if (args.flags.has("o") && args.flags.has("out")) throw new UsageError("rnnc export: give the output file once (-o OUT.onnx)");
  const out = flag(args, "o") ?? flag(args, "out");
  if (out === undefined) throw new UsageError("rnnc export: -o OUT.onnx is required (where to write the model)");
  const loaded = loadChecked(args, "export");
  if (loaded.hasErrors) return 1;
  let bytes: Uint8Array;
  try {
    const weights = readWeightsFlag(flag(args, "weights"), () => kerasStructure(loaded.checked, flag(args, "model"))); // unreadable: exit 2, as for any file
    bytes = exportOnnx(loaded.checked, { model: flag(args, "model"), weights });
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    process.stderr.write(`rnnc export: ${error.message}\n`);
    return 1;
  }
  try {
    writeFileSync(out, bytes);
  } catch (error) {
    process.stderr.write(`rnnc export: cannot write ${out}: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`${loaded.file} → ${out} (${bytes.length} bytes, ONNX opset 17)\n`);
  return 0;
}

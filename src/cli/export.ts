// `rnnc export FILE --format onnx|keras -o OUT [--model M] [--weights W]`: writes the model as an ONNX
// file or a Keras 3 Python module (LANGUAGE.md §8). Bad usage exits 2; a model or weights the exporter
// refuses, or an unwritable output, is one line on stderr and exit 1.
import { writeFileSync } from "node:fs";
import { DataError, exportKeras, exportOnnx, type CheckedFile, type WeightSet } from "../node.js";
import { echo } from "../source/echo.js";
import { flag, parseArgs, UsageError } from "./args.js";
import { readWeightsFlag } from "./io.js";
import { kerasStructure } from "../lower/keras-structure.js";
import { loadChecked } from "./load.js";

/** Each format: what it writes, and how the output is described once written. */
interface ExportRequest {
  checked: CheckedFile;
  file: string;
  model: string | undefined;
  weights: WeightSet | undefined;
}
const WRITERS: Record<string, { out: string; write: (r: ExportRequest) => string | Uint8Array; done: string }> = {
  onnx: { out: "OUT.onnx", write: (r) => exportOnnx(r.checked, { model: r.model, weights: r.weights }), done: "ONNX opset 17" },
  keras: {
    out: "OUT.py",
    write: (r) => exportKeras(r.checked, { model: r.model, weights: r.weights, fileName: r.file }),
    done: "a Keras 3 module: MODELS, load_weights",
  },
};
const FORMATS = Object.keys(WRITERS);

export function exportCommand(argv: readonly string[]): number {
  const args = parseArgs(
    argv,
    { format: { value: true }, o: { value: true }, out: { value: true }, model: { value: true }, weights: { value: true } },
    "export",
  );
  const format = flag(args, "format");
  if (format === undefined) throw new UsageError(`rnnc export: --format is required (available: ${FORMATS.join(", ")})`);
  if (!FORMATS.includes(format)) throw new UsageError(`rnnc export: unknown format ${echo(format)} (available: ${FORMATS.join(", ")})`);
  const writer = WRITERS[format]!;
  if (args.flags.has("o") && args.flags.has("out")) throw new UsageError(`rnnc export: give the output file once (-o ${writer.out})`);
  const out = flag(args, "o") ?? flag(args, "out");
  if (out === undefined) throw new UsageError(`rnnc export: -o ${writer.out} is required (where to write the model)`);
  const loaded = loadChecked(args, "export");
  if (loaded.hasErrors) return 1;
  let bytes: string | Uint8Array;
  try {
    const weights = readWeightsFlag(flag(args, "weights"), () => kerasStructure(loaded.checked, flag(args, "model"))); // unreadable: exit 2, as for any file
    bytes = writer.write({ checked: loaded.checked, file: loaded.file, model: flag(args, "model"), weights });
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
  const size = typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.length;
  process.stdout.write(`${loaded.file} → ${out} (${size} bytes, ${writer.done})\n`);
  return 0;
}

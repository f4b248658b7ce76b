// `rnnc export FILE --format onnx|keras -o OUT [--model M] [--weights W] [--check]`: writes the model
// as an ONNX file or a Keras 3 Python module (LANGUAGE.md §8); `--check` (ONNX) then runs it in
// onnxruntime-node beside rnnc's CPU backend (export-check.ts). Bad usage exits 2; a model or weights
// the exporter refuses, an unwritable output, or a check past its tolerance is one line on stderr
// and exit 1.
import { writeFileSync } from "node:fs";
import { DataError, exportKeras, exportOnnx, type CheckedFile, type WeightSet } from "../node.js";
import { echo } from "../source/echo.js";
import { flag, parseArgs, UsageError } from "./args.js";
import { CHECK_TOLERANCE, checkOnOrt } from "./export-check.js";
import { readWeightsFlag } from "./io.js";
import { kerasStructure } from "../lower/keras-structure.js";
import { pickModel } from "../lower/load-model.js";
import { loadChecked } from "./load.js";
import { loadOrt, OrtUnavailable } from "./ort.js";
import { finishLater } from "./run.js";

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
    { format: { value: true }, o: { value: true }, out: { value: true }, model: { value: true }, weights: { value: true }, check: {} },
    "export",
  );
  const format = flag(args, "format");
  if (format === undefined) throw new UsageError(`rnnc export: --format is required (available: ${FORMATS.join(", ")})`);
  if (!FORMATS.includes(format)) throw new UsageError(`rnnc export: unknown format ${echo(format)} (available: ${FORMATS.join(", ")})`);
  const writer = WRITERS[format]!;
  if (args.flags.has("check") && format !== "onnx")
    throw new UsageError("rnnc export: --check runs an ONNX export in ONNX Runtime (--format onnx)");
  if (args.flags.has("o") && args.flags.has("out")) throw new UsageError(`rnnc export: give the output file once (-o ${writer.out})`);
  const out = flag(args, "o") ?? flag(args, "out");
  if (out === undefined) throw new UsageError(`rnnc export: -o ${writer.out} is required (where to write the model)`);
  const loaded = loadChecked(args, "export");
  if (loaded.hasErrors) return 1;
  let bytes: string | Uint8Array;
  let weights: WeightSet | undefined;
  try {
    weights = readWeightsFlag(flag(args, "weights"), () => kerasStructure(loaded.checked, flag(args, "model"))); // unreadable: exit 2, as for any file
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
  if (!args.flags.has("check") || typeof bytes === "string") return 0;
  return finishLater(checkExport(loaded.checked, flag(args, "model"), bytes, weights));
}

/** `--check`: ORT beside the CPU backend; exit 1 past the tolerance, 2 without onnxruntime-node. */
async function checkExport(
  checked: CheckedFile,
  modelName: string | undefined,
  bytes: Uint8Array,
  weights: WeightSet | undefined,
): Promise<number> {
  const model = pickModel(checked, modelName);
  try {
    const ort = await loadOrt("export", "--check");
    const r = await checkOnOrt(checked, model, bytes, weights, ort);
    const on = `random inputs${r.sizes ? ` (${r.sizes})` : ""}`;
    if (!(r.maxDiff <= CHECK_TOLERANCE)) {
      process.stderr.write(
        `rnnc export: check failed: ONNX Runtime and rnnc's CPU backend differ by ${r.maxDiff.toExponential(1)} at ${r.where} on ${on}, more than ${CHECK_TOLERANCE} (the model was written)\n`,
      );
      return 1;
    }
    process.stdout.write(
      `check: ONNX Runtime vs rnnc's CPU backend on ${on}: max |Δ| ${r.maxDiff.toExponential(1)} over ${r.values} values (ok, ≤ ${CHECK_TOLERANCE})\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof OrtUnavailable) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (!(error instanceof DataError)) throw error;
    process.stderr.write(`rnnc export: check: ${error.message}\n`);
    return 1;
  }
}

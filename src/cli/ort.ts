// ONNX Runtime for `rnnc run --backend ort|auto` and `rnnc export --check`: onnxruntime-node,
// imported only here, on demand (an optional peer dependency, never needed by the library itself).
import type { OrtModule } from "../node.js";

/** onnxruntime-node cannot be loaded: the message is one line for the user. */
export class OrtUnavailable extends Error {}

export async function loadOrt(command: string, option: string): Promise<OrtModule> {
  let loaded: { default?: unknown } & Record<string, unknown>;
  try {
    // A specifier in a variable: TypeScript does not need the package to build rnnc.
    const specifier: string = "onnxruntime-node";
    loaded = (await import(specifier)) as typeof loaded;
  } catch (error) {
    const why = (error as { code?: string }).code === "ERR_MODULE_NOT_FOUND" ? "" : ` (${String((error as Error).message).split("\n")[0]})`;
    throw new OrtUnavailable(`rnnc ${command}: ${option} needs ONNX Runtime: install onnxruntime-node (npm i onnxruntime-node)${why}`);
  }
  // The CommonJS package: its exports are the default export (and, through Node's detection, named ones).
  return (
    typeof loaded.InferenceSession === "function" || typeof loaded.InferenceSession === "object" ? loaded : loaded.default
  ) as OrtModule;
}

// The download buttons: the compiled ES module (rnnc compile, compileModule) and the ONNX file
// (rnnc export --format onnx, exportOnnx), made in the page and saved through a temporary link.
import { compileModule, exportOnnx, type CheckedFile, type WeightSet } from "../../src/index.js";

function save(name: string, type: string, contents: string | Uint8Array): void {
  const url = URL.createObjectURL(new Blob([contents as BlobPart], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `model.js`: every model of the file, as `rnnc compile model.rnn -o .` writes it. */
export async function downloadModule(checked: CheckedFile): Promise<void> {
  const compiled = await compileModule(checked, { fileName: "model.rnn" });
  save("model.js", "text/javascript", compiled.js);
}

/** `<Model>.onnx`: the chosen model with the source's initializers or the picked weights. */
export function downloadOnnx(checked: CheckedFile, model: string, weights: WeightSet | undefined): void {
  save(`${model}.onnx`, "application/octet-stream", exportOnnx(checked, { model, ...(weights ? { weights } : {}) }));
}

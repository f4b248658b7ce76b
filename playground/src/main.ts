// The playground page: the editor (editor.ts) and the panes that follow its text — the summary, the
// graph, the run panel, the downloads — plus the examples menu and the source in the URL's hash.
import { EXAMPLES } from "rnnc-playground:examples";
import { formatDocument } from "@codemirror/lsp-client";
import {
  check,
  DataError,
  outputsText,
  summaryTable,
  type CheckedFile,
  type CheckedModel,
  type TensorInput,
  type WeightSet,
} from "../../src/index.js";
import { downloadModule, downloadOnnx } from "./downloads.js";
import { createEditor } from "./editor.js";
import { ENGINES, loadOn } from "./engines.js";
import { showGraph } from "./graph-pane.js";
import { randomInputs } from "./random-inputs.js";
import { decodeSource, encodeSource } from "./share-link.js";
import { pickWeights, type PickedWeights } from "./weights-files.js";

/** Typing must pause this long before the panes follow the text. */
const PANES_DELAY_MS = 200;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`playground: the page has no #${id}`);
  return found as T;
}

const examplesMenu = element<HTMLSelectElement>("examples");
const modelMenu = element<HTMLSelectElement>("model");
const engineMenu = element<HTMLSelectElement>("engine");
const summary = element<HTMLPreElement>("summary");
const output = element<HTMLPreElement>("output");
const status = element<HTMLSpanElement>("status");
const inputsJson = element<HTMLTextAreaElement>("inputs-json");
const weightsInput = element<HTMLInputElement>("weights");
const weightsName = element<HTMLSpanElement>("weights-name");
const weightsClear = element<HTMLButtonElement>("weights-clear");
const weightsDrop = element<HTMLDivElement>("weights-drop");

/** A message for the user: a library error's own text (it names the place and the problem). */
function problem(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const initial = decodeSource(location.hash) ?? EXAMPLES[0]?.source ?? "";
let checked: CheckedFile = check(initial);
let weights: PickedWeights | undefined;
const NO_WEIGHTS = weightsName.textContent;

const { view } = createEditor(element("editor"), initial, scheduleUpdate);

let timer: ReturnType<typeof setTimeout> | undefined;
function scheduleUpdate(): void {
  clearTimeout(timer);
  timer = setTimeout(update, PANES_DELAY_MS);
}

function chosenModel(): CheckedModel | undefined {
  return checked.models.find((m) => m.name === modelMenu.value) ?? checked.models[0];
}

/** The panes for the editor's text: check it once, then the hash, the model menu, the summary, the graph. */
function update(): void {
  const text = view.state.doc.toString();
  checked = check(text);
  history.replaceState(null, "", encodeSource(text));
  const previous = modelMenu.value;
  modelMenu.replaceChildren(...checked.models.map((m) => new Option(m.name, m.name, false, m.name === previous)));
  const model = chosenModel();
  const errors = checked.diagnostics.filter((d) => d.severity === "error").length;
  status.textContent =
    errors === 0
      ? `${checked.models.length} model${checked.models.length === 1 ? "" : "s"}, no errors`
      : `${errors} error${errors === 1 ? "" : "s"}`;
  summary.classList.toggle("error", !model?.ok);
  summary.textContent = !model ? "No model in the source." : model.ok ? summaryTable(model) : `${model.name} has errors: see the editor.`;
  for (const id of ["download-module", "download-onnx", "run"]) element<HTMLButtonElement>(id).disabled = errors > 0 || !model;
  showGraph(element("graph"), checked, model);
}

function pastedInputs(model: CheckedModel): Record<string, TensorInput> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(inputsJson.value);
  } catch (error) {
    throw new DataError(`inputs: not valid JSON (${problem(error)})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    // One input may be pasted bare, as the file `rnnc run --input x=FILE` reads.
    if (model.inputs.length === 1 && Array.isArray(parsed)) return { [model.inputs[0]!.name]: parsed as TensorInput };
    throw new DataError(`inputs: expected an object of the inputs by name (${model.inputs.map((i) => i.name).join(", ")})`);
  }
  return parsed as Record<string, TensorInput>;
}

async function run(): Promise<void> {
  const model = chosenModel();
  if (!model) return;
  output.classList.remove("error");
  output.textContent = "running…";
  const engine = ENGINES.find((e) => e.id === engineMenu.value) ?? ENGINES[0]!;
  try {
    const kind = document.querySelector<HTMLInputElement>('input[name="input-kind"]:checked')?.value;
    const inputs = kind === "json" ? pastedInputs(model) : randomInputs(model);
    if (kind !== "json") inputsJson.value = JSON.stringify(inputs);
    const set: WeightSet | undefined = weights?.read(checked, model.name);
    const runnable = await loadOn(engine, checked, model.name, set);
    try {
      const started = performance.now();
      const outputs = await runnable.run(inputs);
      const ms = performance.now() - started;
      output.textContent = `${outputsText(runnable, outputs)}\n\n(${engine.id}, ${ms.toFixed(1)} ms)`;
    } finally {
      await runnable.dispose();
    }
  } catch (error) {
    output.classList.add("error");
    output.textContent = problem(error);
  }
}

async function useWeights(files: readonly File[]): Promise<void> {
  if (files.length === 0) return;
  try {
    weights = await pickWeights(files);
    weightsName.textContent = weights.name;
    weightsClear.hidden = false;
  } catch (error) {
    output.classList.add("error");
    output.textContent = problem(error);
  }
}

async function download(what: "module" | "onnx"): Promise<void> {
  const model = chosenModel();
  if (!model) return;
  status.textContent = `making the ${what === "module" ? "module" : "ONNX file"}…`;
  try {
    if (what === "module") await downloadModule(checked);
    else downloadOnnx(checked, model.name, weights?.read(checked, model.name));
    status.textContent = `downloaded the ${what === "module" ? "module" : "ONNX file"}`;
  } catch (error) {
    status.textContent = problem(error);
  }
}

function setText(text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

examplesMenu.replaceChildren(new Option("choose…", ""), ...EXAMPLES.map((e) => new Option(e.name, e.name)));
examplesMenu.addEventListener("change", () => {
  const example = EXAMPLES.find((e) => e.name === examplesMenu.value);
  if (example) setText(example.source);
});
engineMenu.replaceChildren(...ENGINES.map((engine) => new Option(engine.label, engine.id)));
modelMenu.addEventListener("change", update);
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="input-kind"]')) {
  radio.addEventListener("change", () => (inputsJson.hidden = radio.value !== "json" || !radio.checked));
}
element("run").addEventListener("click", () => void run());
element("format").addEventListener("click", () => formatDocument(view));
element("share").addEventListener("click", () => {
  update();
  navigator.clipboard?.writeText(location.href).then(
    () => (status.textContent = "link copied"),
    () => (status.textContent = "the address bar holds the link"),
  );
});
element("download-module").addEventListener("click", () => void download("module"));
element("download-onnx").addEventListener("click", () => void download("onnx"));
weightsInput.addEventListener("change", () => void useWeights([...(weightsInput.files ?? [])]));
weightsClear.addEventListener("click", () => {
  weights = undefined;
  weightsInput.value = "";
  weightsName.textContent = NO_WEIGHTS;
  weightsClear.hidden = true;
});
for (const target of [weightsDrop, element("run-panel")]) {
  target.addEventListener("dragover", (event) => {
    event.preventDefault();
    weightsDrop.classList.add("dragging");
  });
  target.addEventListener("dragleave", () => weightsDrop.classList.remove("dragging"));
  target.addEventListener("drop", (event) => {
    event.preventDefault();
    weightsDrop.classList.remove("dragging");
    void useWeights([...(event.dataTransfer?.files ?? [])]);
  });
}
window.addEventListener("hashchange", () => {
  const text = decodeSource(location.hash);
  if (text !== undefined && text !== view.state.doc.toString()) setText(text);
});
update();

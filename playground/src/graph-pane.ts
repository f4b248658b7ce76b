// The graph pane: `rnnc graph`'s SVG of the chosen model (renderGraphSvg: Graphviz in WebAssembly,
// loaded on first use). Drawing is asynchronous: a picture that finishes after newer text was
// checked is dropped, so the pane always shows the latest model.
import { renderGraphSvg, type CheckedFile, type CheckedModel } from "../../src/index.js";

let drawn = 0;

export function showGraph(container: HTMLElement, checked: CheckedFile, model: CheckedModel | undefined): void {
  const ticket = ++drawn;
  const say = (text: string) => {
    const note = document.createElement("p");
    note.className = "note";
    note.textContent = text;
    container.replaceChildren(note);
  };
  if (!model) return say("No model to draw.");
  if (!model.ok) return say(`${model.name} has errors: see the editor.`);
  renderGraphSvg(checked, model.name).then(
    (svg) => {
      if (ticket !== drawn) return;
      // Parsed as SVG and adopted, never assigned as HTML: the labels are the user's text.
      const parsed = new DOMParser().parseFromString(svg, "image/svg+xml").documentElement;
      if (parsed.nodeName !== "svg") return say("The picture could not be drawn.");
      container.replaceChildren(document.importNode(parsed, true));
    },
    (error: unknown) => {
      if (ticket === drawn) say(error instanceof Error ? error.message : String(error));
    },
  );
}

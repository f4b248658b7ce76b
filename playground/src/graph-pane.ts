// The graph pane: `rnnc graph`'s SVG of the chosen model. The hook for src/graph/ (being written):
// once `renderGraphSvg(checked, model)` is on main, call it here and put its SVG in `container`
// (the pane is empty until then and says so, see style.css).
import type { CheckedFile, CheckedModel } from "../../src/index.js";

export function showGraph(container: HTMLElement, _checked: CheckedFile, _model: CheckedModel | undefined): void {
  container.replaceChildren();
}

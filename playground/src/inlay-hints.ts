// Inlay types: @codemirror/lsp-client 6.3 has no inlay-hint support, so this asks rnnc's server for
// textDocument/inlayHint itself once typing pauses and shows each hint as a widget after its
// binding (`h: f32[B,T,64] = …`), dimmed.
import { StateEffect, StateField, type Extension } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, WidgetType, type DecorationSet, type ViewUpdate } from "@codemirror/view";
import { LSPPlugin, type LSPClientExtension } from "@codemirror/lsp-client";
import type * as lsp from "vscode-languageserver-protocol";

const REQUEST_DELAY_MS = 250;

class TypeHint extends WidgetType {
  constructor(readonly label: string) {
    super();
  }
  override eq(other: TypeHint) {
    return other.label === this.label;
  }
  toDOM() {
    const span = document.createElement("span");
    span.className = "cm-inlay-type";
    span.textContent = this.label;
    return span;
  }
}

const setHints = StateEffect.define<DecorationSet>();

const hintsField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(hints, tr) {
    for (const e of tr.effects) if (e.is(setHints)) return e.value;
    return hints.map(tr.changes);
  },
  provide: (field) => EditorView.decorations.from(field),
});

function labelText(label: string | lsp.InlayHintLabelPart[]): string {
  return typeof label === "string" ? label : label.map((p) => p.value).join("");
}

const requester = ViewPlugin.fromClass(
  class {
    private timer: ReturnType<typeof setTimeout> | undefined;
    constructor(private readonly view: EditorView) {
      this.schedule();
    }
    update(update: ViewUpdate) {
      if (update.docChanged) this.schedule();
    }
    destroy() {
      clearTimeout(this.timer);
    }
    private schedule() {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.request(), REQUEST_DELAY_MS);
    }
    private async request() {
      const plugin = LSPPlugin.get(this.view);
      if (!plugin) return;
      await plugin.client.initializing;
      plugin.client.sync();
      const doc = plugin.syncedDoc;
      const hints = await plugin.client
        .request<lsp.InlayHintParams, lsp.InlayHint[] | null>("textDocument/inlayHint", {
          textDocument: { uri: plugin.uri },
          range: { start: { line: 0, character: 0 }, end: plugin.toPosition(doc.length, doc) },
        })
        .catch(() => null);
      // Typed over since the request: the next one brings the hints of the new text.
      if (!hints || plugin.syncedDoc !== doc || !plugin.unsyncedChanges.empty) return;
      const widgets = hints.map((h) =>
        Decoration.widget({ widget: new TypeHint(labelText(h.label)), side: 1 }).range(plugin.fromPosition(h.position, doc)),
      );
      this.view.dispatch({ effects: setHints.of(Decoration.set(widgets, true)) });
    }
  },
);

export function inlayTypes(): LSPClientExtension {
  const extension: Extension = [hintsField, requester];
  return { clientCapabilities: { textDocument: { inlayHint: { dynamicRegistration: false } } }, editorExtension: extension };
}

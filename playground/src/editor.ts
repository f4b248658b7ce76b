// The editor: CodeMirror 6 with the .rnn highlighting, connected to rnnc's language server in its
// worker — diagnostics with quick fixes, hover shapes, completion, signature help, inlay types and
// formatting (Shift-Alt-F).
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, lintKeymap } from "@codemirror/lint";
import { formatKeymap, hoverTooltips, LSPClient, serverCompletion, signatureHelp } from "@codemirror/lsp-client";
import { EditorState, type Extension } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";
import { diagnosticsWithFixes } from "./lsp-diagnostics.js";
import { inlayTypes } from "./inlay-hints.js";
import { startLanguageServer, workerTransport } from "./lsp-transport.js";
import { rnnLanguage } from "./rnn-language.js";

/** The one document the playground edits, as the language server knows it. */
export const DOCUMENT_URI = "file:///playground/model.rnn";

export function createEditor(parent: HTMLElement, text: string, onChange: (text: string) => void): { view: EditorView; client: LSPClient } {
  const client = new LSPClient({
    rootUri: "file:///playground/",
    // A cold worker checks the first document while it also compiles the checker's code.
    timeout: 20_000,
    extensions: [serverCompletion(), hoverTooltips({ hoverTime: 300 }), signatureHelp(), diagnosticsWithFixes(), inlayTypes()],
  }).connect(workerTransport(startLanguageServer()));
  const extensions: Extension = [
    lineNumbers(),
    highlightActiveLineGutter(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    autocompletion(),
    highlightActiveLine(),
    lintGutter(),
    rnnLanguage,
    syntaxHighlighting(defaultHighlightStyle),
    keymap.of([
      ...closeBracketsKeymap,
      ...defaultKeymap,
      ...historyKeymap,
      ...completionKeymap,
      ...lintKeymap,
      ...formatKeymap,
      indentWithTab,
    ]),
    client.plugin(DOCUMENT_URI, "rnn"),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) onChange(update.state.doc.toString());
    }),
  ];
  const view = new EditorView({ parent, state: EditorState.create({ doc: text, extensions }) });
  return { view, client };
}

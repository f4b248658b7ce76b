// Diagnostics from rnnc's language server, with their quick fixes. @codemirror/lsp-client's own
// serverDiagnostics shows the message only; this one also shows the code (RNN020) and offers the
// server's code actions as the diagnostic's actions. A fix is fetched again when applied, so it
// edits the text as it is then, not as it was when the diagnostic arrived.
import { setDiagnostics, type Action, type Diagnostic } from "@codemirror/lint";
import { ViewPlugin, type EditorView, type ViewUpdate } from "@codemirror/view";
import { LSPPlugin, type LSPClient, type LSPClientExtension } from "@codemirror/lsp-client";
import type * as lsp from "vscode-languageserver-protocol";

/** How long typing must pause before the editor's changes go to the server. */
const SYNC_DELAY_MS = 150;

function severity(s: lsp.DiagnosticSeverity | undefined): Diagnostic["severity"] {
  return s === 2 ? "warning" : s === 3 ? "info" : s === 4 ? "hint" : "error";
}

function sameDiagnostic(a: lsp.Diagnostic, b: lsp.Diagnostic): boolean {
  return (
    a.code === b.code &&
    a.range.start.line === b.range.start.line &&
    a.range.start.character === b.range.start.character &&
    a.range.end.line === b.range.end.line &&
    a.range.end.character === b.range.end.character
  );
}

async function quickFixes(plugin: LSPPlugin, diagnostics: lsp.Diagnostic[]): Promise<lsp.CodeAction[]> {
  if (diagnostics.length === 0) return [];
  const end = plugin.toPosition(plugin.syncedDoc.length, plugin.syncedDoc);
  const actions = await plugin.client.request<lsp.CodeActionParams, (lsp.CodeAction | lsp.Command)[] | null>("textDocument/codeAction", {
    textDocument: { uri: plugin.uri },
    range: { start: { line: 0, character: 0 }, end },
    context: { diagnostics, only: ["quickfix"] },
  });
  return (actions ?? []).filter((a): a is lsp.CodeAction => "edit" in a || "diagnostics" in a);
}

/** Applies a code action's edits to this document (the server's positions are in its synced text). */
function applyEdit(view: EditorView, plugin: LSPPlugin, action: lsp.CodeAction): void {
  const edits = action.edit?.changes?.[plugin.uri] ?? [];
  const changes = edits.map((e) => ({
    from: plugin.unsyncedChanges.mapPos(plugin.fromPosition(e.range.start, plugin.syncedDoc)),
    to: plugin.unsyncedChanges.mapPos(plugin.fromPosition(e.range.end, plugin.syncedDoc)),
    insert: e.newText,
  }));
  view.dispatch({ changes, userEvent: "input.quickfix" });
}

/** A fix as a lint action: on click, sync, ask for the diagnostic's fixes again, apply the one titled so. */
function fixAction(view: EditorView, diagnostic: lsp.Diagnostic, title: string): Action {
  return {
    name: title,
    apply: () => {
      const plugin = LSPPlugin.get(view);
      if (!plugin) return;
      plugin.client.sync();
      quickFixes(plugin, [diagnostic]).then(
        (actions) => {
          const action = actions.find((a) => a.title === title) ?? actions[0];
          if (action) applyEdit(view, plugin, action);
        },
        (error: unknown) => plugin.reportError("Quick fix failed", error),
      );
    },
  };
}

function publish(client: LSPClient, params: lsp.PublishDiagnosticsParams): boolean {
  const file = client.workspace.getFile(params.uri);
  if (!file || (params.version != null && params.version !== file.version)) return false;
  const view = file.getView();
  const plugin = view && LSPPlugin.get(view);
  if (!view || !plugin) return false;
  const show = (actions: lsp.CodeAction[]) => {
    // The fixes arrived after newer text was sent: that text's diagnostics are on their way.
    if (client.workspace.getFile(params.uri)?.version !== file.version) return;
    const diagnostics = params.diagnostics.map((d): Diagnostic => {
      const fixes = actions.filter((a) => a.diagnostics?.some((f) => sameDiagnostic(f, d)));
      return {
        from: plugin.unsyncedChanges.mapPos(plugin.fromPosition(d.range.start, plugin.syncedDoc)),
        to: plugin.unsyncedChanges.mapPos(plugin.fromPosition(d.range.end, plugin.syncedDoc)),
        severity: severity(d.severity),
        message: typeof d.message === "string" ? d.message : d.message.value,
        ...(d.code !== undefined ? { source: String(d.code) } : {}),
        actions: fixes.map((a) => fixAction(view, d, a.title)),
      };
    });
    view.dispatch(setDiagnostics(view.state, diagnostics));
  };
  quickFixes(
    plugin,
    params.diagnostics.filter((d) => d.severity === 1 || d.severity === undefined),
  ).then(show, () => show([]));
  return true;
}

/** Sends the editor's changes to the server once typing pauses, so that diagnostics follow the text. */
const syncWhenIdle = ViewPlugin.fromClass(
  class {
    private timer: ReturnType<typeof setTimeout> | undefined;
    constructor(private readonly view: EditorView) {}
    update(update: ViewUpdate) {
      if (!update.docChanged) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => LSPPlugin.get(this.view)?.client.sync(), SYNC_DELAY_MS);
    }
    destroy() {
      clearTimeout(this.timer);
    }
  },
);

export function diagnosticsWithFixes(): LSPClientExtension {
  return {
    clientCapabilities: {
      textDocument: {
        publishDiagnostics: { versionSupport: true, codeDescriptionSupport: false },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix"] } }, isPreferredSupport: true },
      },
    },
    notificationHandlers: { "textDocument/publishDiagnostics": publish },
    editorExtension: syncWhenIdle,
  };
}

// Code actions: every diagnostic that carries a fix becomes a preferred quick fix whose edit is the
// fix's text edits, exactly as the checker wrote them.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic as LspDiagnostic } from "vscode-languageserver/node";
import type { Diagnostic } from "../index.js";
import { toLspRange, type CheckedDocument } from "./documents.js";
import { toLspDiagnostic } from "./diagnostics.js";

export function codeActions(doc: CheckedDocument, params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  if (
    only &&
    !only.some(
      (kind) => kind === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${kind}.`) || kind === CodeActionKind.Empty,
    )
  )
    return [];
  const from = doc.offsetAt(params.range.start);
  const to = doc.offsetAt(params.range.end);
  const actions: CodeAction[] = [];
  for (const d of doc.checked.diagnostics) {
    if (!d.fix || d.range.end.offset < from || d.range.start.offset > to) continue;
    actions.push({
      title: d.fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [sentDiagnostic(doc, d, params.context.diagnostics)],
      isPreferred: true,
      edit: { changes: { [doc.uri]: d.fix.edits.map((e) => ({ range: toLspRange(e.range), newText: e.newText })) } },
    });
  }
  return actions;
}

/** The diagnostic as the editor holds it (from the request's context), else as we would send it. */
function sentDiagnostic(doc: CheckedDocument, d: Diagnostic, inContext: readonly LspDiagnostic[]): LspDiagnostic {
  const ours = toLspDiagnostic(doc, d);
  const same = inContext.find(
    (c) =>
      c.code === ours.code &&
      c.range.start.line === ours.range.start.line &&
      c.range.start.character === ours.range.start.character &&
      c.range.end.line === ours.range.end.line &&
      c.range.end.character === ours.range.end.character,
  );
  return same ?? ours;
}

// Inlay hints: the inferred type after every assignment target, `h1: f32[B,T,64] = …`. A name bound
// by destructuring gets its slot's type; `_` too, so the discarded value's shape is visible.
import { InlayHintKind, type InlayHint, type InlayHintParams } from "vscode-languageserver/node";
import { formatType, type Ast, type Type } from "../index.js";
import type { CheckedDocument } from "./documents.js";

export function inlayHints(doc: CheckedDocument, params: InlayHintParams): InlayHint[] {
  const from = doc.offsetAt(params.range.start);
  const to = doc.offsetAt(params.range.end);
  const hints: InlayHint[] = [];
  for (const o of doc.index.occurrences) {
    if (o.kind !== "target") continue;
    const end = o.range.end.offset;
    if (end < from || end > to) continue;
    const type = targetType(doc, o.ident, o.statement, o.index);
    if (!type || type.kind === "error") continue;
    hints.push({
      position: { line: o.range.end.line, character: o.range.end.character },
      label: `: ${formatType(type)}`,
      kind: InlayHintKind.Type,
    });
  }
  return hints;
}

function targetType(doc: CheckedDocument, ident: Ast.Identifier, statement: Ast.Assignment, index: number): Type | undefined {
  const bound = doc.bindingDeclaredBy(ident);
  if (bound) return bound.binding.type;
  // `_` has no binding: its type is the value's (or its slot's).
  const value = doc.checked.types.get(statement.value);
  if (!value) return undefined;
  if (statement.targets.length === 1) return value;
  return value.kind === "tuple" && value.items.length === statement.targets.length ? value.items[index] : undefined;
}

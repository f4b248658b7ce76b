// Find references: every place a binding or a model is named. A binding's uses come from the checker
// (each use refers to the latest binding of its name before it, so a rebinding is its own symbol); a
// model's are the names the checker resolved to it.
import type { Location, ReferenceParams } from "vscode-languageserver/node";
import type { Range } from "../index.js";
import { toLspRange, type CheckedDocument } from "./documents.js";
import { resolve, type Resolved } from "./resolve.js";

export interface SymbolOccurrence {
  range: Range;
  declaration: boolean;
}

/** The binding or model under the cursor, with every place it is named; undefined for anything else. */
export function symbolAt(
  doc: CheckedDocument,
  offset: number,
): { resolved: Resolved & { kind: "binding" | "model" }; range: Range; occurrences: SymbolOccurrence[] } | undefined {
  const o = doc.index.at(offset);
  if (!o) return undefined;
  const resolved = resolve(doc, o);
  if (resolved.kind !== "binding" && resolved.kind !== "model") return undefined;
  return { resolved, range: o.range, occurrences: occurrencesOf(doc, resolved) };
}

export function occurrencesOf(doc: CheckedDocument, r: Resolved & { kind: "binding" | "model" }): SymbolOccurrence[] {
  if (r.kind === "binding") {
    return [{ range: r.binding.decl.range, declaration: true }, ...r.binding.uses.map((range) => ({ range, declaration: false }))];
  }
  const found: SymbolOccurrence[] = [{ range: r.decl.name.range, declaration: true }];
  for (const [ref, target] of doc.checked.resolved) {
    if (target.kind === "model" && target.model.decl === r.decl) found.push({ range: ref.range, declaration: false });
  }
  return found;
}

export function references(doc: CheckedDocument, params: ReferenceParams): Location[] {
  const symbol = symbolAt(doc, doc.offsetAt(params.position));
  if (!symbol) return [];
  return symbol.occurrences
    .filter((o) => params.context.includeDeclaration || !o.declaration)
    .sort((a, b) => a.range.start.offset - b.range.start.offset)
    .map((o) => ({ uri: doc.uri, range: toLspRange(o.range) }));
}

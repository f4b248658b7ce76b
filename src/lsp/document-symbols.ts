// Document symbols: each model (with its signature) and, inside it, its inputs and bindings with
// their inferred types, for the outline and breadcrumbs.
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver/node";
import { formatType, type Binding } from "../index.js";
import { toLspRange, type CheckedDocument } from "./documents.js";
import { modelSignature } from "./hover.js";

export function documentSymbols(doc: CheckedDocument): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  for (const decl of doc.checked.parse.file.models) {
    const model = doc.modelOf(decl);
    const children = (model?.bindings ?? []).map((b) => bindingSymbol(doc, b));
    symbols.push({
      name: decl.name.name,
      detail: model ? modelSignature(model).replace(/^model [^(]*/, "") : "",
      kind: SymbolKind.Function,
      range: toLspRange(decl.range),
      selectionRange: toLspRange(decl.name.range),
      children,
    });
  }
  return symbols;
}

function bindingSymbol(doc: CheckedDocument, b: Binding): DocumentSymbol {
  const statement = doc.index.statementOfTarget.get(b.decl);
  const input = b.kind === "input" ? doc.inputNamedBy(b.decl) : undefined;
  const range = statement?.range ?? input?.range ?? b.decl.range;
  return {
    name: b.name,
    detail: b.kind === "input" ? `input ${formatType(b.type)}` : formatType(b.type),
    kind: b.type.kind === "layer" ? SymbolKind.Function : b.kind === "input" ? SymbolKind.Field : SymbolKind.Variable,
    range: toLspRange(range),
    selectionRange: toLspRange(b.decl.range),
  };
}

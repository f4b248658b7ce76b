// Rename a binding, an input or a model across the document. A binding is one binding: after
// `y = f(x)` and `y = g(y)`, renaming the first `y` renames it and the `y` in `g(y)`, not the second
// binding nor its uses (the checker resolved each use to the latest binding before it). A new name
// that would change what some name refers to is refused with a message.
import {
  LSPErrorCodes,
  ResponseError,
  type PrepareRenameParams,
  type Range as LspRange,
  type RenameParams,
  type WorkspaceEdit,
} from "vscode-languageserver/node";
import { findLayer } from "../index.js";
import { toLspRange, type CheckedDocument } from "./documents.js";
import { symbolAt } from "./references.js";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(["model", "return", "true", "false"]);

export function prepareRename(doc: CheckedDocument, params: PrepareRenameParams): { range: LspRange; placeholder: string } | null {
  const symbol = symbolAt(doc, doc.offsetAt(params.position));
  if (!symbol) return null;
  return { range: toLspRange(symbol.range), placeholder: doc.text.slice(symbol.range.start.offset, symbol.range.end.offset) };
}

export function rename(doc: CheckedDocument, params: RenameParams): WorkspaceEdit | null {
  const symbol = symbolAt(doc, doc.offsetAt(params.position));
  if (!symbol) return null;
  const newName = params.newName;
  const refuse = (message: string) => new ResponseError(LSPErrorCodes.RequestFailed, message);
  if (!IDENTIFIER.test(newName) || RESERVED.has(newName)) throw refuse(`${JSON.stringify(newName)} is not a valid name.`);
  if (newName === "_") throw refuse("_ discards a value; a name that is used cannot be _.");
  const r = symbol.resolved;
  const oldName = r.kind === "binding" ? r.binding.name : r.decl.name.name;
  if (newName === oldName) return { changes: { [doc.uri]: [] } };
  if (findLayer(newName))
    throw refuse(`${newName} is a layer name; a ${r.kind === "binding" ? "binding" : "model"} named so would hide it.`);
  if (r.kind === "binding") {
    const clash = r.model.bindings.find((b) => b.name === newName);
    if (clash)
      throw refuse(
        `${r.model.name} already binds ${newName} (line ${clash.decl.range.start.line + 1}); renaming would change what its uses refer to.`,
      );
    if (doc.modelNamed(newName)) throw refuse(`${newName} is a model; a binding named so would hide it in ${r.model.name}.`);
  } else {
    if (doc.modelNamed(newName)) throw refuse(`A model named ${newName} already exists.`);
    for (const o of symbol.occurrences) {
      if (o.declaration) continue;
      const caller = doc.index.modelAt(o.range.start.offset);
      const checked = caller && doc.modelOf(caller);
      if (checked?.bindings.some((b) => b.name === newName))
        throw refuse(`${checked.name} binds ${newName}, which would hide the model where ${oldName} is called.`);
    }
  }
  const edits = symbol.occurrences.map((o) => ({ range: toLspRange(o.range), newText: newName }));
  return { changes: { [doc.uri]: edits } };
}

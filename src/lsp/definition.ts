// Go to definition: a name goes to the binding it refers to (the latest before it: rebinding is
// respected), a model name to its declaration, a dim name to its first place in the model's inputs.
import type { DefinitionParams, Location } from "vscode-languageserver/node";
import { toLspRange, type CheckedDocument } from "./documents.js";
import { resolve } from "./resolve.js";

export function definition(doc: CheckedDocument, params: DefinitionParams): Location | null {
  const o = doc.index.at(doc.offsetAt(params.position));
  if (!o) return null;
  const r = resolve(doc, o);
  switch (r.kind) {
    case "binding":
      return { uri: doc.uri, range: toLspRange(r.binding.decl.range) };
    case "model":
      return { uri: doc.uri, range: toLspRange(r.decl.name.range) };
    case "dim": {
      const first = doc.index.occurrences.find((d) => d.kind === "dim" && d.model === r.model && d.name === r.name);
      return first ? { uri: doc.uri, range: toLspRange(first.range) } : null;
    }
    default:
      return null;
  }
}

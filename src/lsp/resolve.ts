// What the thing under the cursor is, from the checker's results: a name is what the checker resolved
// it to (`CheckedFile.resolved`: a binding, respecting rebinding, a model or a layer constructor);
// also a keyword argument, a value of an activation/initializer/merge parameter, a dim name or a dtype
// word. Hover, go to definition, references, rename and semantic tokens all start here.
import {
  findLayer,
  type Ast,
  type Binding,
  type CheckedModel,
  type LayerDefinition,
  type LayerInstance,
  type ParamSpec,
} from "../index.js";
import type { CallKeywordSpec } from "../layers/layer.js";
import type { CheckedDocument } from "./documents.js";
import { findCallKeyword, findParam } from "./layer-docs.js";
import type { Occurrence } from "./syntax-index.js";

export type Resolved =
  | { kind: "binding"; binding: Binding; model: CheckedModel; declaration: boolean }
  | { kind: "model"; decl: Ast.ModelDecl; model: CheckedModel | undefined; declaration: boolean }
  | { kind: "layer"; def: LayerDefinition; name: string; call: Ast.CallExpr | undefined; instance: LayerInstance | undefined }
  | { kind: "param"; def: LayerDefinition; param: ParamSpec; arg: Ast.Argument }
  | { kind: "call-keyword"; def: LayerDefinition; spec: CallKeywordSpec; arg: Ast.Argument }
  | { kind: "value"; paramKind: ParamSpec["kind"]; name: string }
  | { kind: "dim"; name: string; model: Ast.ModelDecl }
  | { kind: "dtype"; name: string }
  | { kind: "discard" }
  | { kind: "unknown" };

export function resolve(doc: CheckedDocument, o: Occurrence): Resolved {
  const { checked } = doc;
  switch (o.kind) {
    case "model":
      return { kind: "model", decl: o.model, model: doc.modelOf(o.model), declaration: true };
    case "input":
    case "target": {
      const ident = o.kind === "input" ? o.input.name : o.ident;
      if (ident.name === "_") return { kind: "discard" };
      const found = doc.bindingDeclaredBy(ident);
      return found ? { kind: "binding", ...found, declaration: true } : { kind: "unknown" };
    }
    case "dim":
      return { kind: "dim", name: o.name, model: o.model };
    case "dtype":
      return { kind: "dtype", name: o.type.dtype?.name ?? "" };
    case "keyword": {
      const word = o.arg.keyword!.name;
      const ctor = constructorOf(doc, o.call);
      if (ctor) {
        const param = findParam(ctor, word);
        return param ? { kind: "param", def: ctor, param, arg: o.arg } : { kind: "unknown" };
      }
      const applied = appliedLayerOf(doc, o.call);
      const spec = applied && findCallKeyword(applied, word);
      return spec ? { kind: "call-keyword", def: applied, spec, arg: o.arg } : { kind: "unknown" };
    }
    case "name": {
      const ref = o.ref;
      const target = checked.resolved.get(ref);
      if (target?.kind === "binding") return { kind: "binding", binding: target.binding, model: target.model, declaration: false };
      if (ref.name === "_") return { kind: "discard" };
      const value = valueParamOf(doc, ref);
      if (value) return { kind: "value", paramKind: value.kind, name: ref.name };
      if (target?.kind === "model") return { kind: "model", decl: target.model.decl, model: target.model, declaration: false };
      if (target?.kind === "layer") {
        const call = doc.index.callOfCallee(ref);
        return { kind: "layer", def: target.def, name: ref.name, call, instance: call && checked.layers.get(call) };
      }
      return { kind: "unknown" };
    }
  }
}

/** The layer a call constructs, when it is a constructor call `lstm(…)` (not an application). */
export function constructorOf(doc: CheckedDocument, call: Ast.CallExpr): LayerDefinition | undefined {
  const target = call.callee.kind === "Name" ? doc.checked.resolved.get(call.callee) : undefined;
  return target?.kind === "layer" ? target.def : undefined;
}

/** The layer an application call `f(…)(x)` / `enc(x)` applies, from the checker's record or the callee's type. */
export function appliedLayerOf(doc: CheckedDocument, call: Ast.CallExpr): LayerDefinition | undefined {
  const instance = doc.checked.layers.get(call);
  if (instance && !constructorOf(doc, call)) return instance.def;
  const type = doc.checked.types.get(call.callee);
  return type?.kind === "layer" ? findLayer(type.layerKind) : undefined;
}

/**
 * The parameter whose value this name is, when that parameter takes a named value: `activation=tanh`,
 * `merge=sum`, `kernel=zeros`, or the initializer called in `kernel=constant(0.1)`.
 */
export function valueParamOf(doc: CheckedDocument, ref: Ast.NameRef): ParamSpec | undefined {
  const index = doc.index;
  let holder: Ast.Expr = ref;
  const call = index.callOfCallee(ref);
  if (call) holder = call;
  const kw = index.keywordArgOf(holder);
  if (!kw) return undefined;
  const def = constructorOf(doc, kw.call);
  const param = def && findParam(def, kw.arg.keyword!.name);
  if (!param || (param.kind !== "activation" && param.kind !== "initializer" && param.kind !== "merge")) return undefined;
  if (call && param.kind !== "initializer") return undefined;
  return param;
}

/** The layer instance a binding holds, when its type is a layer. */
export function layerOfBinding(doc: CheckedDocument, binding: Binding): LayerInstance | undefined {
  const type = binding.type;
  if (type.kind !== "layer") return undefined;
  for (const instance of doc.checked.layers.values()) if (instance.id === type.id) return instance;
  return undefined;
}

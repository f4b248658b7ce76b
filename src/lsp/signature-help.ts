// Signature help inside a call: a layer constructor's parameters (with defaults and docs), an
// applied layer's inputs and call keywords (`initial=`, `mask=`), or a model's inputs with their
// types; the active parameter is the argument under the cursor (by keyword, else by position).
import type { ParameterInformation, SignatureHelp, SignatureHelpParams, SignatureInformation } from "vscode-languageserver/node";
import { formatType, type LayerDefinition } from "../index.js";
import { callSite, callTarget, cursorContext, typeName, type CallSite } from "./cursor-context.js";
import type { CheckedDocument } from "./documents.js";
import { findCallKeyword, findParam, paramLabel } from "./layer-docs.js";

export const SIGNATURE_TRIGGERS = ["(", ","];
export const SIGNATURE_RETRIGGERS = ["="];

export function signatureHelp(doc: CheckedDocument, params: SignatureHelpParams): SignatureHelp | null {
  const ctx = cursorContext(doc, doc.offsetAt(params.position));
  if (ctx.inert || typeName(ctx.opener) !== "LParen") return null;
  const target = callTarget(doc, ctx);
  const site = callSite(doc, ctx);
  if (!site) return null;
  let signature: SignatureInformation;
  let active: number;
  switch (target.kind) {
    case "constructor": {
      // `concat(a, b, axis=-1)` takes its tensors directly, before its keywords.
      const tensors = target.def.appliesDirectly ? inputLabels(target.def) : [];
      signature = build(
        target.def.name,
        [...tensors.map((label) => ({ label, doc: "A tensor." })), ...target.def.params.map((p) => ({ label: paramLabel(p), doc: p.doc }))],
        target.def.doc,
      );
      if (tensors.length && site.keyword === undefined)
        active = site.positionalBefore === site.argIndex ? Math.min(site.argIndex, tensors.length - 1) : signature.parameters!.length;
      else active = tensors.length + activeConstructorParam(target.def, site);
      break;
    }
    case "initializer": {
      const { spec } = target;
      signature = build(
        spec.name,
        spec.args.map((a) => ({ label: a.required ? a.name : `${a.name}=…`, doc: a.integer ? "An integer." : "A number." })),
        spec.doc,
      );
      const named = site.keyword === undefined ? -1 : spec.args.findIndex((a) => a.name === site.keyword);
      active = site.keyword !== undefined ? (named >= 0 ? named : spec.args.length) : site.argIndex;
      break;
    }
    case "application": {
      const inputs = inputLabels(target.def);
      const keywords = target.def.callKeywords.map((k) => ({ label: `${k.name}=…`, doc: k.doc }));
      signature = build(
        target.text,
        [...inputs.map((label) => ({ label, doc: "A tensor to apply the layer to." })), ...keywords],
        target.def.doc,
      );
      if (site.keyword !== undefined) {
        const spec = findCallKeyword(target.def, site.keyword);
        active = spec ? inputs.length + target.def.callKeywords.indexOf(spec) : signature.parameters!.length;
      } else active = Math.min(site.argIndex, inputs.length - 1);
      break;
    }
    case "model": {
      const m = target.model;
      const outputs = m.outputs.length === 1 ? formatType(m.outputs[0]!) : `(${m.outputs.map(formatType).join(",")})`;
      signature = build(
        m.name,
        m.inputs.map((i) => ({ label: `${i.name}: ${formatType(i.type)}`, doc: `Input ${i.name} of ${m.name}.` })),
        `Applies the model ${m.name}; returns ${outputs}.`,
      );
      active = site.argIndex;
      break;
    }
    default:
      return null;
  }
  return { signatures: [signature], activeSignature: 0, activeParameter: active };
}

/** `name(a, b=1)` with each parameter's label located in it (offsets, so repeated words are unambiguous). */
function build(name: string, params: { label: string; doc: string }[], doc: string): SignatureInformation {
  let label = `${name}(`;
  const parameters: ParameterInformation[] = [];
  params.forEach((p, i) => {
    if (i > 0) label += ", ";
    parameters.push({ label: [label.length, label.length + p.label.length], documentation: { kind: "markdown", value: p.doc } });
    label += p.label;
  });
  label += ")";
  return { label, parameters, documentation: { kind: "markdown", value: doc } };
}

function activeConstructorParam(def: LayerDefinition, site: CallSite): number {
  if (site.keyword !== undefined) {
    const param = findParam(def, site.keyword);
    return param ? def.params.indexOf(param) : def.params.length;
  }
  // A positional argument, as long as no keyword came before it.
  if (site.positionalBefore !== site.argIndex) return def.params.length;
  const positional = def.params.filter((p) => p.positional)[site.argIndex];
  return positional ? def.params.indexOf(positional) : def.params.length;
}

function inputLabels(def: LayerDefinition): string[] {
  if (def.inputNames) return def.inputNames.map((name, i) => (i < def.inputs.min ? name : `${name}?`));
  if (def.inputs.max === 1) return ["x"];
  const names = ["a", "b", "c"].slice(0, Math.max(def.inputs.min, 2));
  return def.inputs.max === Infinity ? [...names, "…"] : names;
}

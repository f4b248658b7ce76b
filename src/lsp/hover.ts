// Hover: a binding's inferred type (`fh: f32[1,3]`), a layer call's configuration, signature, param
// count and what `seq`/`state` mean for it, a keyword argument's doc, a model's signature, and the
// values of activation/initializer/merge parameters. Types are the checker's, printed by formatType.
import type { Hover, HoverParams } from "vscode-languageserver/node";
import {
  EDITION_DOCS,
  formatType,
  isLayerRow,
  type Ast,
  type Binding,
  type CheckedModel,
  type LayerDefinition,
  type LayerInstance,
} from "../index.js";
import { toLspRange, type CheckedDocument } from "./documents.js";
import {
  anyParamDoc,
  callKeywordMarkdown,
  DTYPE_WORDS,
  findParam,
  layerMarkdown,
  layerSignature,
  paramMarkdown,
  valueMarkdown,
} from "./layer-docs.js";
import { layerOfBinding, resolve, type Resolved } from "./resolve.js";
import { echo } from "../source/echo.js";

export function hover(doc: CheckedDocument, params: HoverParams): Hover | null {
  const offset = doc.offsetAt(params.position);
  const edition = doc.checked.parse.file.editions.find((e) => e.range.start.offset <= offset && offset <= e.range.end.offset);
  if (edition) return { contents: { kind: "markdown", value: editionHover(doc, edition) }, range: toLspRange(edition.range) };
  const occurrence = doc.index.at(offset, true);
  if (!occurrence) return null;
  const value = hoverText(doc, resolve(doc, occurrence));
  if (value === undefined) return null;
  return { contents: { kind: "markdown", value }, range: toLspRange(occurrence.range) };
}

function hoverText(doc: CheckedDocument, r: Resolved): string | undefined {
  switch (r.kind) {
    case "binding":
      return bindingHover(doc, r.binding, r.model);
    case "model":
      return modelHover(doc, r.decl, r.model);
    case "layer":
      return r.instance ? layerInstanceHover(doc, r.instance) : layerMarkdown(r.def);
    case "param":
      return paramMarkdown(r.def, r.param);
    case "call-keyword":
      return callKeywordMarkdown(r.def, r.spec);
    case "value":
      return valueMarkdown(r.paramKind, r.name);
    case "dim":
      return dimHover(r.name, r.model);
    case "dtype": {
      const word = DTYPE_WORDS.find((w) => w.name === r.name);
      return word && `\`\`\`rnn\n${r.name}\n\`\`\`\nElement type: ${word.doc}`;
    }
    case "discard":
      return "`_` discards the value bound to it; it cannot be read.";
    case "unknown":
      return undefined;
  }
}

/** What `keras N` means, and whether this statement is the one in effect. */
function editionHover(doc: CheckedDocument, decl: Ast.EditionDecl): string {
  const n = decl.number?.value;
  if (n !== 2 && n !== 3) return `Keras edition: \`keras 2\` or \`keras 3\`.\n\n- ${EDITION_DOCS[2]}\n- ${EDITION_DOCS[3]}`;
  const inEffect = doc.checked.parse.file.editions[0] === decl && doc.checked.edition === n;
  return [
    `\`\`\`rnn\nkeras ${n}\n\`\`\``,
    EDITION_DOCS[n],
    ...(inEffect ? [] : [`Not in effect: this file follows keras ${doc.checked.edition}.`]),
  ].join("\n\n");
}

/** The line a layer's hover adds when the file's edition changes what it computes. */
function editionNote(doc: CheckedDocument, layer: LayerInstance): string | undefined {
  const edition = doc.checked.edition;
  if (layer.def.appliesDirectly && layer.def.inputs.max > 1 && !layer.def.inputNames) {
    // multiply and maximum are the merges whose values Keras 3 computes from the masks too.
    const values = layer.def.name === "multiply" || layer.def.name === "maximum";
    return edition === 3
      ? `Under \`keras 3\` the inputs' masks are ORed; an input without a mask leaves the output unmasked.${
          values ? " Masked steps also change the values (docs/decisions.md, element-wise merges under masks)." : ""
        }`
      : "Under `keras 2` the inputs' masks are ANDed (`keras 3` ORs them).";
  }
  if (layer.def.describe(layer.config).includes("hard_sigmoid")) {
    return `Under \`keras ${edition}\`, hard_sigmoid is ${edition === 3 ? "relu6(x + 3) / 6" : "clip(0.2x + 0.5, 0, 1)"}.`;
  }
  if (layer.def.recurrent && edition === 3) {
    return "Under `keras 3`, applied with `initial=` and no `mask=`, it ignores the mask flowing in (its output still carries it).";
  }
  return undefined;
}

/** `fh: f32[1,3]`, then where it comes from. */
export function bindingHover(doc: CheckedDocument, binding: Binding, model: CheckedModel): string {
  // Names are cut as messages cut them: a 2 MB name must not come back whole in a tooltip.
  const lines = [`\`\`\`rnn\n${echo(binding.name)}: ${formatType(binding.type)}\n\`\`\``];
  if (binding.kind === "input") {
    lines.push(`Input of \`${echo(model.name)}\`.`);
    return lines.join("\n");
  }
  const statement = doc.index.statementOfTarget.get(binding.decl);
  if (statement && statement.targets.length > 1) {
    const slot = statement.targets.indexOf(binding.decl);
    const whole = doc.checked.types.get(statement.value);
    const label = whole?.kind === "tuple" ? whole.labels?.[slot] : undefined;
    lines.push(`Value ${slot + 1} of ${statement.targets.length}${label ? ` (\`${label}\`)` : ""} of the tuple on the right.`);
  }
  const layer = layerOfBinding(doc, binding);
  if (layer) lines.push(`A layer: \`${layer.def.describe(layer.config)}\`; applying it again shares its weights.`);
  return lines.join("\n\n");
}

/** `model Encoder(src: f32[B,S,32]) -> (f32[B,128],f32[B,128])`, its params and its doc comment. */
export function modelHover(doc: CheckedDocument, decl: Ast.ModelDecl, model: CheckedModel | undefined): string {
  const signature = model
    ? modelSignature(model)
    : `model ${echo(decl.name.name)}(${decl.inputs.map((i) => echo(i.name.name)).join(", ")})`;
  const lines = [`\`\`\`rnn\n${signature}\n\`\`\``];
  if (model) lines.push(`${model.params.toLocaleString("en-US")} params · keras ${doc.checked.edition}${model.ok ? "" : " · has errors"}`);
  const comment = leadingComment(doc, decl);
  if (comment) lines.push(comment);
  return lines.join("\n\n");
}

export function modelSignature(model: CheckedModel): string {
  const inputs = model.inputs.map((i) => `${echo(i.name)}: ${formatType(i.type)}`).join(", ");
  const outputs = model.outputs.length === 1 ? formatType(model.outputs[0]!) : `(${model.outputs.map(formatType).join(",")})`;
  return `model ${echo(model.name)}(${inputs}) -> ${outputs}`;
}

/** The comment lines right above a declaration, without their `#`. */
function leadingComment(doc: CheckedDocument, decl: Ast.ModelDecl): string | undefined {
  const comments = doc.checked.parse.comments;
  const lines: string[] = [];
  let line = decl.range.start.line - 1;
  for (let i = comments.length - 1; i >= 0; i--) {
    const c = comments[i]!;
    if (c.range.start.line > line) continue;
    if (c.range.start.line < line) break;
    if (doc.checked.parse.lineIndex.lineText(line).trimStart() !== c.text) break;
    lines.unshift(c.text.replace(/^#\s?/, ""));
    line--;
  }
  return lines.length ? lines.join("\n") : undefined;
}

/** A built layer: its configuration, input → output, Keras class, params, and `seq`/`state` for it. */
export function layerInstanceHover(doc: CheckedDocument, layer: LayerInstance): string {
  const def = layer.def;
  const lines = [`\`\`\`rnn\n${def.describe(layer.config)}\n\`\`\``];
  const facts: string[] = [];
  if (layer.built) facts.push(`\`${formatType(layer.built.input)} → ${formatOutput(layer.built.output)}\``);
  facts.push(`Keras \`${def.kerasClass}\``);
  const params = paramsOf(doc, layer);
  if (params !== undefined) facts.push(`**${params.toLocaleString("en-US")} params**`);
  if (layer.name) facts.push(`named \`${echo(layer.name)}\``);
  lines.push(facts.join(" · "));
  lines.push(def.doc);
  const flags = seqAndState(layer);
  if (flags.length) lines.push(flags.join("\n"));
  const note = editionNote(doc, layer);
  if (note) lines.push(note);
  lines.push(`Signature: \`${layerSignature(def)}\``);
  return lines.join("\n\n");
}

function formatOutput(out: NonNullable<LayerInstance["built"]>["output"]): string {
  const types = out.items.map((s) => formatType(s.type));
  return out.tuple ? `(${types.join(",")})` : types[0]!;
}

/** The params of a layer, as its model's summary row counts them. */
function paramsOf(doc: CheckedDocument, layer: LayerInstance): number | undefined {
  for (const model of doc.checked.models) {
    for (const row of model.rows) if (isLayerRow(row) && row.layer === layer) return row.params;
  }
  return undefined;
}

/** What `seq` and `state` mean for this layer, with their current values (recurrent layers only). */
function seqAndState(layer: LayerInstance): string[] {
  const def = layer.def;
  const lines: string[] = [];
  const seq = def.sequenceFlag?.(layer);
  if (seq) {
    const doc = paramDoc(def, "seq");
    lines.push(`- \`seq=${seq.returnsSequences}\`${doc ? `: ${doc.doc}` : ""}`);
  }
  const state = def.stateOutputs?.(layer);
  if (state) {
    const all = [...state.outputs, ...state.labels];
    const doc = paramDoc(def, "state");
    const what = state.returned
      ? `returns ${all.length} values: ${all.join(", ")}.`
      : `returns ${state.outputs.join(", ")} only; \`state=true\` would return ${all.length} values: ${all.join(", ")}.`;
    lines.push(`- \`state=${state.returned}\`: ${what}${doc ? ` ${doc.doc}` : ""}`);
  }
  return lines;
}

function paramDoc(def: LayerDefinition, name: string) {
  return findParam(def, name) ?? anyParamDoc(name);
}

/** A dim name: one size wherever it appears in its model. */
function dimHover(name: string, decl: Ast.ModelDecl): string {
  const where = decl.inputs
    .filter((i) => i.type.dims.some((d) => d.kind === "NamedDim" && d.name === name))
    .map((i) => `\`${echo(i.name.name)}\``);
  return `\`\`\`rnn\n${echo(name)}\n\`\`\`\nA dim name of \`${echo(decl.name.name)}\`: one size wherever it appears (${where.join(", ")}). A different name is a size that may differ.`;
}

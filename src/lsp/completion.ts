// Completion: layer names (with their docs), the keyword arguments of the call under the cursor (not
// the ones already given, Keras aliases noted), the names in scope at the cursor, dim names inside an
// input type, dtype words, the values of `activation=`, `kernel=`, `merge=`, bool, regularizer and
// constraint parameters, and `keras 2` / `keras 3` where a file starts.
import {
  CompletionItemKind,
  InsertTextFormat,
  type CompletionItem,
  type CompletionList,
  type CompletionParams,
} from "vscode-languageserver/node";
import {
  ACTIVATIONS,
  CONSTRAINTS,
  EDITION_DOCS,
  REGULARIZERS,
  formatType,
  INITIALIZERS,
  LAYERS,
  type Binding,
  type LayerDefinition,
  type ParamSpec,
} from "../index.js";
import { bindingsInScope, callSite, callTarget, cursorContext, typeName, type CallSite, type CursorContext } from "./cursor-context.js";
import type { CheckedDocument } from "./documents.js";
import { modelSignature } from "./hover.js";
import {
  activationDoc,
  aliasNote,
  callKeywordMarkdown,
  DTYPE_WORDS,
  findCallKeyword,
  findParam,
  formatDefault,
  initializerSignature,
  type InitializerSpec,
  layerMarkdown,
  layerSignature,
  MERGE_VALUES,
  paramMarkdown,
} from "./layer-docs.js";

/** Sort groups: what the context asks for first. */
const SORT = { keyword: "0", scope: "1", model: "2", layer: "3", statement: "4" } as const;

/** Typing a value right after `activation=` is what the user does next: ask the editor to suggest again. */
const TRIGGER_SUGGEST = { title: "Suggest", command: "editor.action.triggerSuggest" };

export const COMPLETION_TRIGGERS = ["(", ",", "=", ">", "[", ":"];

export function completion(doc: CheckedDocument, params: CompletionParams): CompletionList {
  const items = completionItems(doc, cursorContext(doc, doc.offsetAt(params.position)));
  return { isIncomplete: false, items };
}

function completionItems(doc: CheckedDocument, ctx: CursorContext): CompletionItem[] {
  if (ctx.inert) return [];
  const before = typeName(ctx.before);
  const opener = typeName(ctx.opener);
  if (!ctx.opener) {
    if (before === "Keras") return editionItems("");
    if (before === undefined) return [...editionItems("keras "), modelSnippet()];
    return before === "Model" ? [] : [modelSnippet()];
  }
  if (opener === "LBracket") return dimItems(doc, ctx);
  if (opener === "LParen") {
    const target = callTarget(doc, ctx);
    if (target.kind === "header") return before === "Colon" ? dtypeItems() : [];
    const site = callSite(doc, ctx)!;
    if (before === "Equals" && site.keyword !== undefined) return keywordValueItems(doc, ctx, target, site.keyword);
    if (before === "LParen" || before === "Comma") {
      switch (target.kind) {
        case "constructor":
          return constructorArgumentItems(doc, ctx, target.def, site);
        case "application":
          return [...callKeywordItems(target.def, site), ...scopeItems(doc, ctx)];
        case "model":
          return scopeItems(doc, ctx);
        case "initializer":
          return initializerArgumentItems(target.spec, site);
        default:
          return expressionItems(doc, ctx);
      }
    }
    if (before === "Colon" || before === "Equals") return [];
    return before === "Pipe" ? applicableItems(doc, ctx) : [];
  }
  // In a model's body.
  if (before === "Pipe") return applicableItems(doc, ctx);
  if (before === "Comma" && inTargetList(doc, ctx)) return [];
  if (before === "Equals" || before === "Return" || before === "Comma") return expressionItems(doc, ctx);
  if (before === "Colon") return [];
  return [...statementItems(), ...scopeItems(doc, ctx)];
}

// ---- groups of items ----

function modelSnippet(): CompletionItem {
  return {
    label: "model",
    kind: CompletionItemKind.Snippet,
    detail: "a model definition",
    insertText: "model ${1:Name}(${2:x}: [${3:B}, ${4:T}, ${5:8}]) {\n\t${6:y} = ${7:lstm(16)}(${2:x})\n\treturn ${6:y}\n}",
    insertTextFormat: InsertTextFormat.Snippet,
    sortText: SORT.statement,
  };
}

/** `keras 2` / `keras 3`, offered where a file starts (or just the number after `keras`). */
function editionItems(prefix: string): CompletionItem[] {
  return ([2, 3] as const).map((edition) => ({
    label: `${prefix}${edition}`,
    kind: CompletionItemKind.Keyword,
    detail: `the file follows Keras ${edition}${edition === 2 ? " (the default)" : ""}`,
    documentation: { kind: "markdown", value: EDITION_DOCS[edition] },
    sortText: `${SORT.keyword}${edition}`,
  }));
}

function statementItems(): CompletionItem[] {
  return [{ label: "return", kind: CompletionItemKind.Keyword, detail: "return the model's outputs", sortText: SORT.statement }];
}

function expressionItems(doc: CheckedDocument, ctx: CursorContext): CompletionItem[] {
  return [...scopeItems(doc, ctx), ...modelItems(doc, ctx), ...layerItems(LAYERS)];
}

/** After `|>`: what can be applied — layers, bindings holding layers, models. */
function applicableItems(doc: CheckedDocument, ctx: CursorContext): CompletionItem[] {
  const layers = scopeItems(doc, ctx, (b) => b.type.kind === "layer");
  return [...layers, ...modelItems(doc, ctx), ...layerItems(LAYERS)];
}

function scopeItems(doc: CheckedDocument, ctx: CursorContext, keep: (b: Binding) => boolean = () => true): CompletionItem[] {
  return bindingsInScope(doc, ctx)
    .filter((b) => keep(b) && !b.name.startsWith("_"))
    .map((b) => ({
      label: b.name,
      kind: b.type.kind === "layer" ? CompletionItemKind.Function : CompletionItemKind.Variable,
      detail: formatType(b.type),
      labelDetails: { description: b.kind === "input" ? "input" : formatType(b.type) },
      sortText: SORT.scope,
    }));
}

function modelItems(doc: CheckedDocument, ctx: CursorContext): CompletionItem[] {
  return doc.checked.models
    .filter((m) => m.decl !== ctx.model)
    .map((m) => ({
      label: m.name,
      kind: CompletionItemKind.Module,
      detail: modelSignature(m),
      sortText: SORT.model,
    }));
}

function layerItems(defs: readonly LayerDefinition[]): CompletionItem[] {
  return defs.map((def) => ({
    label: def.name,
    kind: CompletionItemKind.Function,
    detail: layerSignature(def),
    labelDetails: { description: `Keras ${def.kerasClass}` },
    documentation: { kind: "markdown", value: layerMarkdown(def) },
    sortText: SORT.layer,
  }));
}

/** Inside `lstm(…)` at the start of an argument: its keywords not yet given, and what its next positional takes. */
function constructorArgumentItems(doc: CheckedDocument, ctx: CursorContext, def: LayerDefinition, site: CallSite): CompletionItem[] {
  const items = keywordItems(def, site);
  const allPositionalSoFar = site.keyword === undefined && site.argIndex === site.positionalBefore;
  const nextPositional = allPositionalSoFar ? def.params.filter((p) => p.positional)[site.positionalBefore] : undefined;
  if (nextPositional?.kind === "layer") items.push(...layerItems(layersFor(def)));
  if (def.appliesDirectly) items.push(...scopeItems(doc, ctx));
  return items;
}

function keywordItems(def: LayerDefinition, site: CallSite): CompletionItem[] {
  const given = new Set(site.given.map((word) => findParam(def, word)?.name ?? word));
  const positionalTaken = new Set(
    def.params
      .filter((p) => p.positional)
      .slice(0, site.positionalBefore)
      .map((p) => p.name),
  );
  return def.params
    .filter((p) => !given.has(p.name) && !positionalTaken.has(p.name))
    .map((p, i) => {
      const item: CompletionItem = {
        label: p.name,
        kind: CompletionItemKind.Property,
        insertText: `${p.name}=`,
        detail: `${p.kind}${p.required ? " (required)" : ` = ${formatDefault(p.default) ?? "…"}`}`,
        labelDetails: { description: aliasNote(p) ?? "" },
        documentation: { kind: "markdown", value: paramMarkdown(def, p) },
        filterText: [p.name, ...(p.aliases ?? [])].join(" "),
        sortText: `${SORT.keyword}${String(i).padStart(2, "0")}`,
      };
      if (takesNamedValue(p)) item.command = TRIGGER_SUGGEST;
      return item;
    });
}

function callKeywordItems(def: LayerDefinition, site: CallSite): CompletionItem[] {
  const given = new Set(site.given.map((word) => findCallKeyword(def, word)?.name ?? word));
  return def.callKeywords
    .filter((k) => !given.has(k.name))
    .map((k) => ({
      label: k.name,
      kind: CompletionItemKind.Property,
      insertText: `${k.name}=`,
      detail: k.kind === "tensors" ? "tensor or tuple of tensors" : "tensor",
      labelDetails: { description: aliasNote(k) ?? "" },
      documentation: { kind: "markdown", value: callKeywordMarkdown(def, k) },
      filterText: [k.name, ...(k.aliases ?? [])].join(" "),
      sortText: SORT.keyword,
      command: TRIGGER_SUGGEST,
    }));
}

/** Inside `glorot_uniform(…)`: the initializer's arguments not yet given. */
function initializerArgumentItems(spec: InitializerSpec, site: CallSite): CompletionItem[] {
  const given = new Set(site.given);
  return spec.args
    .filter((a, i) => !given.has(a.name) && i >= site.positionalBefore)
    .map((a) => ({
      label: a.name,
      kind: CompletionItemKind.Property,
      insertText: `${a.name}=`,
      detail: `${a.integer ? "integer" : "number"}${a.required ? " (required)" : ""}`,
      documentation: { kind: "markdown", value: `Argument of \`${initializerSignature(spec)}\`. ${spec.doc}` },
      sortText: SORT.keyword,
    }));
}

/** `a, b, <cursor>` at the start of a statement: new names are being written, nothing to offer. */
function inTargetList(doc: CheckedDocument, ctx: CursorContext): boolean {
  const tokens = doc.checked.parse.tokens;
  let i = tokens.indexOf(ctx.before!);
  while (i >= 0 && (typeName(tokens[i]) === "Comma" || typeName(tokens[i]) === "Identifier")) {
    if (typeName(tokens[i]) === "Identifier" && typeName(tokens[i + 1]) !== "Comma") return false;
    i--;
  }
  return typeName(tokens[i]) !== "Return";
}

function takesNamedValue(p: ParamSpec): boolean {
  return ["activation", "initializer", "merge", "bool", "layer", "regularizer", "constraint"].includes(p.kind);
}

/** After `kw=`: the values that parameter takes. */
function keywordValueItems(
  doc: CheckedDocument,
  ctx: CursorContext,
  target: ReturnType<typeof callTarget>,
  keyword: string,
): CompletionItem[] {
  if (target.kind === "application") return findCallKeyword(target.def, keyword) ? scopeItems(doc, ctx) : [];
  if (target.kind !== "constructor") return [];
  const param = findParam(target.def, keyword);
  if (!param) return [];
  const isDefault = (name: string) => formatDefault(param.default) === name;
  const mark = (name: string) => ({ labelDetails: { description: isDefault(name) ? "default" : "" }, preselect: isDefault(name) });
  switch (param.kind) {
    case "activation":
      return ACTIVATIONS.map((name) => ({
        label: name,
        kind: CompletionItemKind.EnumMember,
        detail: "activation",
        documentation: { kind: "markdown", value: activationDoc(name) ?? "" },
        ...mark(name),
      }));
    case "initializer":
      return INITIALIZERS.map((spec) => {
        const required = spec.args.filter((a) => a.required);
        const item: CompletionItem = {
          label: spec.name,
          kind: CompletionItemKind.EnumMember,
          detail: initializerSignature(spec),
          documentation: { kind: "markdown", value: spec.doc },
          ...mark(spec.name),
        };
        if (required.length) {
          item.insertText = `${spec.name}(${required.map((a, i) => `\${${i + 1}:${a.name}}`).join(", ")})`;
          item.insertTextFormat = InsertTextFormat.Snippet;
        }
        return item;
      });
    case "merge":
      return MERGE_VALUES.map((m) => ({
        label: m.name,
        kind: CompletionItemKind.EnumMember,
        detail: "merge mode",
        documentation: { kind: "markdown", value: m.doc },
        ...mark(m.name),
      }));
    case "bool":
      return ["true", "false"].map((v) => ({ label: v, kind: CompletionItemKind.Value, ...mark(v) }));
    case "regularizer":
    case "constraint":
      return ["none", ...(param.kind === "regularizer" ? REGULARIZERS : CONSTRAINTS)].map((name) => ({
        label: name,
        kind: CompletionItemKind.EnumMember,
        detail: `${param.kind}: no effect at inference`,
        ...mark(name),
      }));
    case "layer":
      return layerItems(layersFor(target.def));
    default:
      return [];
  }
}

/** The layers a wrapper takes: bidirectional() wraps recurrent layers only. */
function layersFor(def: LayerDefinition): LayerDefinition[] {
  return def.kerasClass === "Bidirectional" ? LAYERS.filter((d) => d.recurrent) : [...LAYERS];
}

/** Inside an input type's brackets: the dim names of this model first, then the file's others. */
function dimItems(doc: CheckedDocument, ctx: CursorContext): CompletionItem[] {
  const seen = new Map<string, CompletionItem>();
  for (const o of doc.index.occurrences) {
    if (o.kind !== "dim" || o.range.start.offset === ctx.wordStart) continue;
    const own = o.model === ctx.model;
    const existing = seen.get(o.name);
    if (existing && (!own || existing.sortText === "0")) continue;
    seen.set(o.name, {
      label: o.name,
      kind: CompletionItemKind.TypeParameter,
      detail: own ? `a dim of ${o.model.name.name}` : `a dim name used in ${o.model.name.name}`,
      sortText: own ? "0" : "1",
    });
  }
  return [...seen.values()];
}

function dtypeItems(): CompletionItem[] {
  return DTYPE_WORDS.map((w, i) => ({
    label: w.name,
    kind: CompletionItemKind.TypeParameter,
    detail: "element type",
    documentation: { kind: "markdown", value: w.doc },
    sortText: String(i),
  }));
}

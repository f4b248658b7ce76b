// The words hover, completion and signature help show for layers, their parameters and the values a
// parameter takes. All of it comes from the layer registry's own docs (src/layers/), never retyped here.
import { ACTIVATIONS, INITIALIZERS, LAYERS, type LayerDefinition, type ParamSpec } from "../index.js";
import { ACTIVATION_DOCS, type ActivationName } from "../types/activations.js";
import { formatInitializer, type Initializer } from "../layers/initializers.js";
import type { CallKeywordSpec, ParamValue } from "../layers/layer.js";

/** The values of `merge=` (Keras `merge_mode`), with what each gives. */
export const MERGE_VALUES: readonly { name: string; doc: string }[] = [
  { name: "concat", doc: "Concatenate the forward and backward outputs on the last axis: width 2u, forward first (Keras's default)." },
  { name: "sum", doc: "Add the two directions: width u." },
  { name: "mul", doc: "Multiply the two directions element by element: width u." },
  { name: "ave", doc: "Average the two directions: width u." },
  { name: "none", doc: "Do not merge: return the forward and the backward outputs as two tensors (then the states)." },
];

/** The element-type words of an input type, with what each means. */
export const DTYPE_WORDS: readonly { name: string; doc: string }[] = [
  { name: "f32", doc: "float32 values (the default: `[B, T, 8]` is `f32[B, T, 8]`). Also `float`, `float32`." },
  { name: "int", doc: "int32 token ids, for an `embedding`. Also `i32`, `int32`." },
  { name: "bool", doc: "A mask: true where a step is used, for `mask=`." },
  { name: "float", doc: "float32 values, as `f32`." },
  { name: "float32", doc: "float32 values, as `f32`." },
  { name: "i32", doc: "int32 token ids, as `int`." },
  { name: "int32", doc: "int32 token ids, as `int`." },
];

export { findCallKeyword, findParam } from "../layers/layer.js";

/** A parameter's default as a user would write it: `false`, `tanh`, `glorot_uniform`, `none`. */
export function formatDefault(value: ParamValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return "none";
  if (typeof value === "object")
    return "kind" in value && value.kind !== "layer-instance" ? formatInitializer(value as Initializer) : undefined;
  return String(value);
}

/** One parameter in a signature: `units`, `seq=false`, `name=…`. */
export function paramLabel(p: ParamSpec): string {
  if (p.required) return p.name;
  // A string parameter is written quoted (`score_mode="dot"`); the others' values are bare words.
  if (p.kind === "string" && typeof p.default === "string") return `${p.name}=${JSON.stringify(p.default)}`;
  return `${p.name}=${formatDefault(p.default) ?? "…"}`;
}

/** A layer's full signature: `lstm(units, seq=false, state=false, …)`. */
export function layerSignature(def: LayerDefinition): string {
  return `${def.name}(${def.params.map(paramLabel).join(", ")})`;
}

/** "Keras `return_sequences`" for a parameter with aliases, else undefined. */
export function aliasNote(spec: { aliases?: readonly string[] }): string | undefined {
  const aliases = spec.aliases ?? [];
  return aliases.length ? `also \`${aliases.join("`, `")}\`` : undefined;
}

/** Markdown for a constructor parameter: `seq: bool = false`, whose it is, its aliases and doc. */
export function paramMarkdown(def: LayerDefinition, p: ParamSpec): string {
  const value = p.required ? "" : ` = ${formatDefault(p.default) ?? "…"}`;
  const head = `\`\`\`rnn\n${p.name}: ${p.kind}${value}\n\`\`\``;
  const facts = [
    `parameter of \`${def.name}\``,
    p.required ? "required" : undefined,
    p.positional ? "positional" : undefined,
    aliasNote(p),
  ].filter(Boolean);
  return `${head}\n${facts.join(" · ")}\n\n${p.doc}`;
}

/** Markdown for a keyword of an application: `initial=`, `mask=`. */
export function callKeywordMarkdown(def: LayerDefinition, k: CallKeywordSpec): string {
  const head = `\`\`\`rnn\n${k.name}: ${k.kind === "tensors" ? "tensor | (tensor, …)" : "tensor"}\n\`\`\``;
  const facts = [`keyword of an application of \`${def.name}\`: \`${def.name}(…)(x, ${k.name}=…)\``, aliasNote(k)].filter(Boolean);
  return `${head}\n${facts.join(" · ")}\n\n${k.doc}`;
}

export function layerMarkdown(def: LayerDefinition): string {
  return `\`\`\`rnn\n${layerSignature(def)}\n\`\`\`\nKeras \`${def.kerasClass}\`\n\n${def.doc}`;
}

export function activationDoc(name: string): string | undefined {
  return (ACTIVATIONS as readonly string[]).includes(name) ? ACTIVATION_DOCS[name as ActivationName] : undefined;
}

export type InitializerSpec = (typeof INITIALIZERS)[number];

export function initializerSpec(name: string): InitializerSpec | undefined {
  return INITIALIZERS.find((s) => s.name === name || s.aliases.includes(name));
}

/** `constant(value)`, `glorot_uniform(seed=…)`: how an initializer is written. */
export function initializerSignature(spec: InitializerSpec): string {
  if (spec.args.length === 0) return spec.name;
  return `${spec.name}(${spec.args.map((a) => (a.required ? a.name : `${a.name}=…`)).join(", ")})`;
}

/** A value a parameter of this kind takes (activation, initializer, merge), documented; undefined otherwise. */
export function valueMarkdown(kind: ParamSpec["kind"], name: string): string | undefined {
  if (kind === "activation") {
    const doc = activationDoc(name);
    return doc && `\`\`\`rnn\n${name}\n\`\`\`\nActivation. ${doc}`;
  }
  if (kind === "initializer") {
    const spec = initializerSpec(name);
    return spec && `\`\`\`rnn\n${initializerSignature(spec)}\n\`\`\`\nInitializer. ${spec.doc}`;
  }
  if (kind === "merge") {
    const merge = MERGE_VALUES.find((m) => m.name === name || (name === "None" && m.name === "none"));
    return merge && `\`\`\`rnn\nmerge=${merge.name}\n\`\`\`\n${merge.doc}`;
  }
  return undefined;
}

/** The documentation of a parameter named `name` in any layer (for wrappers that do not declare it). */
export function anyParamDoc(name: string): ParamSpec | undefined {
  for (const def of LAYERS) {
    const p = def.params.find((q) => q.name === name);
    if (p) return p;
  }
  return undefined;
}

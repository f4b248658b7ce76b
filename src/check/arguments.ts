// Binding a layer constructor's arguments to its parameters: positional order, keywords and their
// Keras aliases, defaults, and the value each kind of parameter accepts.
import { ACTIVATIONS, parseActivation } from "../types/activations.js";
import type { Edition } from "../types/edition.js";
import { CONSTRAINTS, REGULARIZERS } from "../layers/training-only.js";
import { findInitializer, INITIALIZERS, makeInitializer, type Initializer } from "../layers/initializers.js";
import {
  exampleCall,
  findCallKeyword,
  findParam,
  type LayerDefinition,
  type LayerInstance,
  type Merge,
  type ParamSpec,
  type ParamValue,
} from "../layers/layer.js";
import { Messages, type Message } from "../source/catalog.js";
import type { Range } from "../source/range.js";
import { didYouMean } from "../source/suggest.js";
import type { Argument, CallExpr, Expr } from "../syntax/ast.js";

export interface ArgumentContext {
  /** The file's edition: it decides which `hard_sigmoid` an activation names. */
  edition: Edition;
  say<A>(message: Message<A>, range: Range, args: A): void;
  /** Marks the bindings an argument names as used, without checking it: the argument was rejected. */
  touch(expr: Expr): void;
  /** Evaluates an argument that must be a layer; undefined when it is not (already reported). */
  evalLayer(expr: Expr, param: ParamSpec, def: LayerDefinition): LayerInstance | undefined;
}

export interface BoundArguments {
  values: Map<string, ParamValue>;
  /** The argument that gave each parameter, for messages about it. */
  ranges: Map<string, Range>;
}

// A Map, not an object literal: a user-written word must never find Object.prototype's "toString".
const MERGES = new Map<string, Merge>([
  ["concat", "concat"],
  ["sum", "sum"],
  ["mul", "mul"],
  ["ave", "ave"],
  ["none", null],
  ["None", null],
  ["null", null],
]);

/** Binds `args` to `def`'s parameters; undefined when anything was wrong (all of it reported). */
export function bindArguments(
  def: LayerDefinition,
  call: CallExpr,
  args: readonly Argument[],
  ctx: ArgumentContext,
): BoundArguments | undefined {
  const values = new Map<string, ParamValue>();
  const ranges = new Map<string, Range>();
  // Parameters an argument was meant for, even when it was rejected: not "missing" as well.
  const given = new Set<string>();
  const positional = def.params.filter((p) => p.positional);
  let ok = true;
  let nextPositional = 0;
  let seenKeyword = false;

  for (const arg of args) {
    let param: ParamSpec | undefined;
    if (arg.keyword) {
      seenKeyword = true;
      param = findParam(def, arg.keyword.name);
      if (!param) {
        reportUnknownKeyword(def, arg, ctx);
        ctx.touch(arg.value);
        ok = false;
        continue;
      }
      if (given.has(param.name)) {
        ctx.say(Messages.repeatedArgument, arg.range, { layer: def.name, param: param.name });
        ctx.touch(arg.value);
        ok = false;
        continue;
      }
    } else {
      if (seenKeyword) {
        const meant = positional.find((p) => !given.has(p.name));
        ctx.say(Messages.positionalAfterKeyword, arg.range, { layer: def.name, meant: meant?.name ?? "name" });
        if (meant) given.add(meant.name);
        ctx.touch(arg.value);
        ok = false;
        continue;
      }
      param = positional[nextPositional++];
      if (!param) {
        ctx.touch(arg.value);
        ctx.say(Messages.tooManyPositional, arg.range, { layer: def.name, positional: positional.map((p) => p.name) });
        ok = false;
        continue;
      }
    }
    given.add(param.name);
    if (arg.value.kind === "Error") {
      ok = false;
      continue;
    }
    const value = coerce(param, arg.value, def, ctx);
    if (value === undefined) {
      ok = false;
      continue;
    }
    values.set(param.name, value);
    ranges.set(param.name, arg.range);
  }

  for (const param of def.params) {
    if (given.has(param.name)) continue;
    if (param.required) {
      ctx.say(Messages.missingArgument, call.range, { layer: def.name, param: param.name, doc: param.doc, example: exampleCall(def) });
      ok = false;
    } else if (param.default !== undefined) {
      values.set(param.name, param.default);
    }
  }
  return ok ? { values, ranges } : undefined;
}

function reportUnknownKeyword(def: LayerDefinition, arg: Argument, ctx: ArgumentContext): void {
  const word = arg.keyword!.name;
  const callKeyword = findCallKeyword(def, word);
  if (callKeyword) {
    ctx.say(Messages.applyKeywordAtBuild, arg.keyword!.range, { word, layer: def.name, keyword: callKeyword.name });
    return;
  }
  const names = def.params.flatMap((p) => [p.name, ...(p.aliases ?? [])]);
  ctx.say(Messages.unknownBuildKeyword, arg.keyword!.range, {
    layer: def.name,
    word,
    suggestion: didYouMean(word, names),
    params: def.params.map((p) => p.name),
  });
}

function coerce(param: ParamSpec, expr: Expr, def: LayerDefinition, ctx: ArgumentContext): ParamValue | undefined {
  const what = `${def.name}(${param.name}=…)`;
  const bad = (expected: string, found = show(expr), suggestion = ""): undefined => {
    ctx.say(Messages.badValue, expr.range, { what, expected, found, suggestion });
    return undefined;
  };
  switch (param.kind) {
    case "int":
      if (expr.kind === "Number" && Number.isInteger(expr.value) && expr.value > 0) return expr.value;
      return bad("a positive integer");
    case "axis":
      if (expr.kind === "Number" && Number.isInteger(expr.value)) return expr.value;
      return bad("an integer axis (negative counts from the end)");
    case "rate":
      if (expr.kind === "Number" && expr.value >= 0 && expr.value < 1) return expr.value;
      return bad("a rate in [0, 1)");
    case "number":
      if (expr.kind === "Number" && Number.isFinite(expr.value)) return expr.value;
      return bad("a number");
    case "bool":
      if (expr.kind === "Bool") return expr.value;
      if (expr.kind === "Name" && (expr.name === "True" || expr.name === "False")) return bad("true or false (lower case)", expr.name);
      return bad("true or false");
    case "string":
      if (expr.kind === "String") return expr.value;
      return bad('a string "…"');
    case "activation": {
      const word = symbol(expr);
      const activation = word === undefined ? undefined : parseActivation(word, ctx.edition);
      if (activation) return activation;
      return bad(`an activation (${ACTIVATIONS.join(", ")})`, show(expr), word ? didYouMean(word, ACTIVATIONS) : "");
    }
    case "merge": {
      const word = symbol(expr);
      if (word !== undefined && MERGES.has(word)) return MERGES.get(word)!;
      return bad("concat, sum, mul, ave or none", show(expr), word ? didYouMean(word, MERGES.keys()) : "");
    }
    case "initializer":
      return coerceInitializer(expr, what, ctx);
    case "regularizer":
      return coerceTrainingOnly(expr, "a regularizer", REGULARIZERS, bad);
    case "constraint":
      return coerceTrainingOnly(expr, "a constraint", CONSTRAINTS, bad);
    case "layer":
      return ctx.evalLayer(expr, param, def);
  }
}

/** A bare name or a string: `tanh`, `"tanh"`. */
function symbol(expr: Expr): string | undefined {
  if (expr.kind === "Name") return expr.name;
  if (expr.kind === "String") return expr.value;
  return undefined;
}

function show(expr: Expr): string {
  switch (expr.kind) {
    case "Number":
      return expr.text;
    case "String":
      return JSON.stringify(expr.value);
    case "Bool":
      return String(expr.value);
    case "Name":
      return expr.name;
    case "Tuple":
      return "a tuple";
    case "Call":
      return "a call";
    case "Pipe":
      return "a pipeline";
    case "Error":
      return "an error";
  }
}

/**
 * A regularizer or constraint, which inference ignores: `none`, a Keras name (`l2`, `"l2"`) or a
 * call of one with number arguments (`l2(0.01)`, `l1_l2(l1=0.01, l2=0.01)`). Its text, for hover.
 */
function coerceTrainingOnly(
  expr: Expr,
  kind: string,
  names: readonly string[],
  bad: (expected: string, found?: string, suggestion?: string) => undefined,
): string | undefined {
  const expected = `${kind} (${names.join(", ")}) or none`;
  const call = expr.kind === "Call" && expr.callee.kind === "Name" ? expr : undefined;
  const word = symbol(call ? call.callee : expr);
  if (word === undefined) return bad(expected);
  if (!call && (word === "none" || word === "None" || word === "null")) return "none";
  if (!names.includes(word)) return bad(expected, show(expr), didYouMean(word, names));
  if (!call) return word;
  const args = call.args.map((a) => (a.value.kind === "Number" ? `${a.keyword ? `${a.keyword.name}=` : ""}${a.value.text}` : undefined));
  if (args.some((a) => a === undefined)) return bad(`${word}(…) with number arguments`, show(expr));
  return `${word}(${args.join(", ")})`;
}

const INITIALIZER_NAMES = INITIALIZERS.flatMap((s) => [s.name, ...s.aliases]);

function coerceInitializer(expr: Expr, what: string, ctx: ArgumentContext): Initializer | undefined {
  const word = symbol(expr) ?? (expr.kind === "Call" && expr.callee.kind === "Name" ? expr.callee.name : undefined);
  const spec = word === undefined ? undefined : findInitializer(word);
  if (!spec) {
    ctx.say(Messages.badValue, expr.range, {
      what,
      expected: `an initializer (${INITIALIZERS.map((s) => s.name).join(", ")})`,
      found: show(expr),
      suggestion: word ? didYouMean(word, INITIALIZER_NAMES) : "",
    });
    return undefined;
  }
  const values = new Map<string, number>();
  if (expr.kind === "Call") {
    let index = 0;
    for (const arg of expr.args) {
      const argSpec = arg.keyword ? spec.args.find((a) => a.name === arg.keyword!.name) : spec.args[index++];
      if (!argSpec) {
        const args = spec.args.map((a) => a.name);
        ctx.say(Messages.initializerArgs, arg.range, {
          initializer: spec.name,
          args,
          suggestion: arg.keyword ? didYouMean(arg.keyword.name, args) : "",
        });
        return undefined;
      }
      const v = arg.value;
      if (v.kind !== "Number" || (argSpec.integer && !Number.isInteger(v.value))) {
        ctx.say(Messages.badValue, v.range, {
          what: `${spec.name}(${argSpec.name}=…)`,
          expected: argSpec.integer ? "an integer" : "a number",
          found: show(v),
        });
        return undefined;
      }
      values.set(argSpec.name, v.value);
    }
  }
  const missing = spec.args.find((a) => a.required && !values.has(a.name));
  if (missing) {
    ctx.say(Messages.initializerMissing, expr.range, { initializer: spec.name, arg: missing.name });
    return undefined;
  }
  return makeInitializer(spec, values);
}

// Binding a layer constructor's arguments to its parameters: positional order, keywords and their
// Keras aliases, defaults, and the value each kind of parameter accepts.
import { ACTIVATIONS, parseActivation } from "../types/activations.js";
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
import { Codes, type CatalogEntry } from "../source/catalog.js";
import type { Fix } from "../source/diagnostic.js";
import type { Range } from "../source/range.js";
import { didYouMean } from "../source/suggest.js";
import type { Argument, CallExpr, Expr } from "../syntax/ast.js";

export interface ArgumentContext {
  report(entry: CatalogEntry, range: Range, message: string, extra?: { fix?: Fix }): void;
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
        ctx.report(Codes.BadArgumentList, arg.range, `${def.name}() got ${param.name} twice.`);
        ctx.touch(arg.value);
        ok = false;
        continue;
      }
    } else {
      if (seenKeyword) {
        const meant = positional.find((p) => !given.has(p.name));
        ctx.report(
          Codes.BadArgumentList,
          arg.range,
          `A positional argument cannot follow keyword arguments in ${def.name}(); name it, e.g. ${meant?.name ?? "name"}=….`,
        );
        if (meant) given.add(meant.name);
        ctx.touch(arg.value);
        ok = false;
        continue;
      }
      param = positional[nextPositional++];
      if (!param) {
        ctx.touch(arg.value);
        const list = positional.map((p) => p.name).join(", ");
        ctx.report(
          Codes.BadArgumentList,
          arg.range,
          positional.length === 0
            ? `${def.name}() takes no positional arguments; give them by keyword.`
            : `${def.name}() takes ${positional.length} positional argument${positional.length === 1 ? "" : "s"} (${list}); give the others by keyword, e.g. seq=true.`,
        );
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
      ctx.report(Codes.MissingArgument, call.range, `${def.name}() needs ${param.name}: ${param.doc} For example ${exampleCall(def)}.`);
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
    ctx.report(
      Codes.UnknownKeyword,
      arg.keyword!.range,
      `${word}= is given when the layer is applied, not when it is built: ${def.name}(…)(x, ${callKeyword.name}=…).`,
    );
    return;
  }
  const names = def.params.flatMap((p) => [p.name, ...(p.aliases ?? [])]);
  ctx.report(
    Codes.UnknownKeyword,
    arg.keyword!.range,
    `${def.name}() has no keyword ${word}.${didYouMean(word, names)} It takes: ${def.params.map((p) => p.name).join(", ")}.`,
  );
}

function coerce(param: ParamSpec, expr: Expr, def: LayerDefinition, ctx: ArgumentContext): ParamValue | undefined {
  const bad = (message: string): undefined => {
    ctx.report(Codes.BadArgumentValue, expr.range, message);
    return undefined;
  };
  const what = `${def.name}(${param.name}=…)`;
  switch (param.kind) {
    case "int":
      if (expr.kind === "Number" && Number.isInteger(expr.value) && expr.value > 0) return expr.value;
      return bad(`${what} must be a positive integer; found ${show(expr)}.`);
    case "axis":
      if (expr.kind === "Number" && Number.isInteger(expr.value)) return expr.value;
      return bad(`${what} must be an integer axis (negative counts from the end); found ${show(expr)}.`);
    case "rate":
      if (expr.kind === "Number" && expr.value >= 0 && expr.value < 1) return expr.value;
      return bad(`${what} must be a rate in [0, 1); found ${show(expr)}.`);
    case "bool":
      if (expr.kind === "Bool") return expr.value;
      if (expr.kind === "Name" && (expr.name === "True" || expr.name === "False"))
        return bad(`${what} must be true or false (lower case); found ${expr.name}.`);
      return bad(`${what} must be true or false; found ${show(expr)}.`);
    case "string":
      if (expr.kind === "String") return expr.value;
      return bad(`${what} must be a string "…"; found ${show(expr)}.`);
    case "activation": {
      const word = symbol(expr);
      const activation = word === undefined ? undefined : parseActivation(word);
      if (activation) return activation;
      return bad(
        `${what} must be an activation (${ACTIVATIONS.join(", ")}); found ${show(expr)}.${word ? didYouMean(word, ACTIVATIONS) : ""}`,
      );
    }
    case "merge": {
      const word = symbol(expr);
      if (word !== undefined && MERGES.has(word)) return MERGES.get(word)!;
      return bad(`${what} must be concat, sum, mul, ave or none; found ${show(expr)}.${word ? didYouMean(word, MERGES.keys()) : ""}`);
    }
    case "initializer":
      return coerceInitializer(expr, what, ctx);
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

const INITIALIZER_NAMES = INITIALIZERS.flatMap((s) => [s.name, ...s.aliases]);

function coerceInitializer(expr: Expr, what: string, ctx: ArgumentContext): Initializer | undefined {
  const bad = (range: Range, message: string): undefined => {
    ctx.report(Codes.BadArgumentValue, range, message);
    return undefined;
  };
  const word = symbol(expr) ?? (expr.kind === "Call" && expr.callee.kind === "Name" ? expr.callee.name : undefined);
  const spec = word === undefined ? undefined : findInitializer(word);
  if (!spec) {
    return bad(
      expr.range,
      `${what} must be an initializer (${INITIALIZERS.map((s) => s.name).join(", ")}); found ${show(expr)}.${word ? didYouMean(word, INITIALIZER_NAMES) : ""}`,
    );
  }
  const values = new Map<string, number>();
  if (expr.kind === "Call") {
    let index = 0;
    for (const arg of expr.args) {
      const argSpec = arg.keyword ? spec.args.find((a) => a.name === arg.keyword!.name) : spec.args[index++];
      if (!argSpec) {
        const takes = spec.args.length ? `takes ${spec.args.map((a) => a.name).join(", ")}` : "takes no arguments";
        return bad(
          arg.range,
          `${spec.name} ${takes}.${
            arg.keyword
              ? didYouMean(
                  arg.keyword.name,
                  spec.args.map((a) => a.name),
                )
              : ""
          }`,
        );
      }
      const v = arg.value;
      if (v.kind !== "Number" || (argSpec.integer && !Number.isInteger(v.value))) {
        return bad(v.range, `${spec.name}(${argSpec.name}=…) must be ${argSpec.integer ? "an integer" : "a number"}; found ${show(v)}.`);
      }
      values.set(argSpec.name, v.value);
    }
  }
  const missing = spec.args.find((a) => a.required && !values.has(a.name));
  if (missing) return bad(expr.range, `${spec.name} needs ${missing.name}: ${spec.name}(0.1).`);
  return makeInitializer(spec, values);
}

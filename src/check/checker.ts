// The type checker: walks each model once, asks layers/ for each call's rule, and records the type of
// every expression, what each name refers to and each model's applications (what lowering and the
// editor read). Every mistake is reported once, where it is made, in the catalog's words; what depends
// on a mistake gets the error type and stays quiet. Its values are in values.ts; the order models are
// checked in, naming (bindings, Keras layer names), weight sizing and summary rows, and dim
// unification are in call-order.ts, naming.ts, rows.ts and types/unify.ts.
import { findLayer, layerNames } from "../layers/registry.js";
import {
  exampleCall,
  findCallKeyword,
  findParam,
  type ApplyContext,
  type LayerDefinition,
  type LayerInstance,
  type LayerOutput,
  type TensorArg,
} from "../layers/layer.js";
import { diagnose, makeDiagnostic, Messages, type CatalogEntry, type Message } from "../source/catalog.js";
import type { Diagnostic, Fix } from "../source/diagnostic.js";
import type { Range } from "../source/range.js";
import { didYouMean } from "../source/suggest.js";
import type { Argument, CallExpr, Expr, Identifier, InputDecl, ModelDecl, NameRef, PipeExpr, Statement } from "../syntax/ast.js";
import { drain, type ParseResult } from "../syntax/parse.js";
import {
  describeType,
  errorType,
  formatDims,
  formatType,
  MAX_RANK,
  tensor,
  tuple,
  type DType,
  type Dim,
  type TensorType,
  type Type,
} from "../types/types.js";
import type { Edition } from "../types/edition.js";
import { substitute, unifyInput, type DimBinding, type InputProblem } from "../types/unify.js";
import { bindArguments } from "./arguments.js";
import { fileEdition } from "./edition.js";
import { ApplicationBudget } from "./budget.js";
import { calleesFirst } from "./call-order.js";
import { LayerNames, Scope } from "./naming.js";
import { SummaryRows } from "./rows.js";
import { rebindFix, setKeywordFix } from "./fixes.js";
import { ERROR, spreadPiped, tupleVal, typeOf, type ModelState, type Val } from "./values.js";
import type { Application, Binding, CheckedFile, CheckedModel, Resolution, ValueId } from "./program.js";

/** What a name refers to while its model is checked (a binding in scope, a model, a layer constructor). */
type NameTarget =
  { kind: "binding"; binding: ScopedBinding } | { kind: "model"; model: ModelState } | { kind: "layer"; def: LayerDefinition };

/**
 * How many names "did you mean" may measure in one file, over all its unknown names. Each unknown
 * name is measured against every name in scope, so a file of thousands of bindings and unknown
 * names would cost their product; past this budget (never reached by a file a person wrote)
 * messages go without the suggestion, as TypeScript stops suggesting after its first few.
 */
export const SUGGESTION_BUDGET = 1_000_000;

// A Map: a user-written dtype like `constructor` must not find Object.prototype's.
const DTYPES = new Map<string, DType>(
  Object.entries({ f32: "f32", float: "f32", float32: "f32", i32: "i32", int: "i32", int32: "i32", bool: "bool" }),
);

export function checkFile(parse: ParseResult): CheckedFile {
  return drain(checkFileSteps(parse));
}

/**
 * `checkFile`, in slices: it yields after each model and every STATEMENTS_PER_SLICE statements of a
 * long one, so that a caller (the language server) can answer other requests in between, or stop.
 */
export function checkFileSteps(parse: ParseResult): Generator<void, CheckedFile> {
  return new FileChecker(parse).steps();
}

/** How many statements of one model are checked between two yields of `checkFileSteps`. */
const STATEMENTS_PER_SLICE = 512;

class FileChecker {
  readonly diagnostics: Diagnostic[] = [];
  readonly types = new Map<Expr, Type>();
  readonly resolved = new Map<NameRef, Resolution>();
  /** Names of models, resolved once every model is checked (a call may come before its callee's result). */
  readonly modelNames: [NameRef, ModelState][] = [];
  readonly layers = new Map<CallExpr, LayerInstance>();
  readonly models = new Map<string, ModelState>();
  nextLayerId = 1;
  readonly budget = new ApplicationBudget((entry, range, message) => this.report(entry, range, message));
  /** Ranges of syntax errors: semantic diagnostics inside a broken model would only echo them. */
  private readonly brokenModels = new Set<ModelDecl>();
  readonly edition: Edition;
  private suggestionBudget = SUGGESTION_BUDGET;

  constructor(readonly parse: ParseResult) {
    this.edition = fileEdition(parse.file, (message, range, args, extra) => this.say(message, range, args, extra));
  }

  *steps(): Generator<void, CheckedFile> {
    const { file } = this.parse;
    const duplicates: ModelDecl[] = [];
    for (const decl of file.models) {
      if (this.models.has(decl.name.name)) {
        this.say(Messages.duplicateModel, decl.name.range, { name: decl.name.name });
        duplicates.push(decl);
        continue;
      }
      this.models.set(decl.name.name, { decl, status: "pending" });
    }
    for (const decl of file.models) if (hasSyntaxErrorIn(this.parse.diagnostics, decl.range)) this.brokenModels.add(decl);
    for (const state of calleesFirst(this.models)) {
      if (state.status !== "done") yield* this.checkModelSteps(state);
      yield;
    }
    // A second model of a name is no part of the program, but the editor still shows its types and
    // what its names refer to: it is checked quietly (its mistakes wait for the rename).
    for (const decl of duplicates) this.quietly(() => new ModelChecker(this, { decl, status: "checking" }).run());
    const checked = [...this.models.values()].map((state) => state.result!);
    for (const [ref, state] of this.modelNames) this.resolved.set(ref, { kind: "model", model: state.result! });
    const diagnostics = [...this.parse.diagnostics, ...this.diagnostics].sort(
      (a, b) => a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset,
    );
    return {
      parse: this.parse,
      diagnostics,
      edition: this.edition,
      models: checked,
      types: this.types,
      resolved: this.resolved,
      layers: this.layers,
    };
  }

  /** " Did you mean 'x'?" among the candidates, or "" — also once the file's SUGGESTION_BUDGET is spent. */
  suggest(word: string, candidates: () => string[]): string {
    if (this.suggestionBudget <= 0) return "";
    const list = candidates();
    this.suggestionBudget -= list.length;
    return didYouMean(word, list);
  }

  /** Reports one of the checker's messages. */
  say<A>(message: Message<A>, range: Range, args: A, extra: { fix?: Fix; related?: Diagnostic["related"] } = {}): void {
    this.diagnostics.push(diagnose(message, range, args, extra));
  }

  /** Reports a message a layer worded (its shape rule or configuration). */
  report(entry: CatalogEntry, range: Range, message: string, extra: { fix?: Fix; related?: Diagnostic["related"] } = {}): void {
    this.diagnostics.push(makeDiagnostic(entry, range, message, extra));
  }

  checkModel(state: ModelState): CheckedModel {
    if (state.status === "done") return state.result!;
    return drain(this.checkModelSteps(state));
  }

  private *checkModelSteps(state: ModelState): Generator<void, CheckedModel> {
    state.status = "checking";
    const checker = new ModelChecker(this, state);
    let result: CheckedModel;
    if (this.brokenModels.has(state.decl)) {
      // Quietly, as `quietly` does, but in slices.
      const before = this.diagnostics.length;
      result = yield* checker.steps();
      this.diagnostics.length = before;
    } else result = yield* checker.steps();
    state.result = result;
    state.status = "done";
    return result;
  }

  /** Runs `f` keeping its types but dropping its diagnostics (the model has syntax errors, or a taken name). */
  private quietly<T>(f: () => T): T {
    const before = this.diagnostics.length;
    const result = f();
    this.diagnostics.length = before;
    return result;
  }

  /** The inputs of a model, resolved once; callers use them before the model's body is checked. */
  modelInputs(state: ModelState, report: boolean): { name: string; type: TensorType }[] {
    if (state.inputs) return state.inputs;
    const inputs: { name: string; type: TensorType }[] = [];
    for (const input of state.decl.inputs) {
      const type = this.inputType(input, report);
      inputs.push({ name: input.name.name, type: type ?? tensor("f32", []) });
    }
    state.inputs = inputs;
    return inputs;
  }

  private inputType(input: InputDecl, report: boolean): TensorType | undefined {
    const t = input.type;
    let dtype: DType = "f32";
    let ok = true;
    if (t.dtype) {
      const d = DTYPES.get(t.dtype.name);
      if (d) dtype = d;
      else {
        if (report)
          this.say(Messages.badDtypeName, t.dtype.range, { name: t.dtype.name, suggestion: didYouMean(t.dtype.name, DTYPES.keys()) });
        ok = false;
      }
    }
    const dims: Dim[] = [];
    for (const d of t.dims) {
      if (d.kind === "NamedDim") dims.push(d.name);
      else if (Number.isInteger(d.value) && d.value > 0) dims.push(d.value);
      else {
        if (report) this.say(Messages.badDim, d.range, { text: d.text });
        ok = false;
      }
    }
    if (t.dims.length === 0) {
      if (report) this.say(Messages.noDims, t.range, {});
      ok = false;
    } else if (t.dims.length > MAX_RANK) {
      if (report) this.say(Messages.tooManyDims, t.range, { max: MAX_RANK, count: t.dims.length });
      ok = false;
    }
    return ok ? tensor(dtype, dims) : undefined;
  }
}

/** A binding while its model is checked: its value and whether anything read it. */
type ScopedBinding = Binding & { val: Val; used: boolean };

class ModelChecker {
  private readonly scope = new Scope<ScopedBinding>();
  private readonly rows = new SummaryRows();
  private readonly layerNames = new LayerNames();
  private outputs: Type[] = [];
  private returns: ValueId[] = [];
  private readonly applications: Application[] = [];
  /** Values 0, 1, … are the inputs; each layer or model output gets the next. */
  private nextValue = 0;
  /** Names resolved to bindings of this model, recorded with the public binding once the model is done. */
  private readonly bindingNames: [NameRef, ScopedBinding][] = [];
  /** Where this model's diagnostics start in the file's list: they decide whether it is ok. */
  private errorsAtStart = 0;

  constructor(
    private readonly file: FileChecker,
    private readonly state: ModelState,
  ) {}

  private get decl(): ModelDecl {
    return this.state.decl;
  }

  run(): CheckedModel {
    return drain(this.steps());
  }

  *steps(): Generator<void, CheckedModel> {
    this.errorsAtStart = this.file.diagnostics.length;
    this.declareInputs();
    let returned: Statement | undefined;
    let sinceYield = 0;
    for (const statement of this.decl.body) {
      if (++sinceYield === STATEMENTS_PER_SLICE) {
        sinceYield = 0;
        yield;
      }
      if (returned) {
        const line = returned.range.start.line + 1;
        if (statement.kind === "Return") this.file.say(Messages.secondReturn, statement.range, { model: this.decl.name.name, line });
        else this.file.say(Messages.afterReturn, statement.range, { line });
        for (const e of statement.kind === "Assign" ? [statement.value] : statement.values) this.reach(e, false);
        continue;
      }
      if (statement.kind === "Assign") this.assign(statement.targets, statement.value);
      else {
        this.return(statement.values);
        returned = statement;
      }
    }
    if (!returned) {
      const close = this.decl.range.end;
      this.file.say(
        Messages.missingReturn,
        this.decl.name.range,
        { model: this.decl.name.name },
        { related: [{ range: { start: close, end: close }, message: "the model ends here" }] },
      );
    }
    const ok = !this.file.diagnostics.slice(this.errorsAtStart).some((d) => d.severity === "error");
    // In a model with errors, "unused" mostly means "its use was the mistake": stay quiet.
    if (ok) this.warnUnused();
    const bindings = new Map(this.scope.all.map((b) => [b, { name: b.name, decl: b.decl, type: b.type, kind: b.kind, uses: b.uses }]));
    const result: CheckedModel = {
      name: this.decl.name.name,
      decl: this.decl,
      inputs: this.file.modelInputs(this.state, false),
      outputs: this.outputs,
      bindings: [...bindings.values()],
      rows: this.rows.rows,
      params: this.rows.totalParams(),
      applications: this.applications,
      returns: this.returns,
      ok,
    };
    for (const [ref, b] of this.bindingNames) this.file.resolved.set(ref, { kind: "binding", binding: bindings.get(b)!, model: result });
    return result;
  }

  // ---- scope ----

  private declareInputs(): void {
    const seen = new Set<string>();
    const inputs = this.file.modelInputs(this.state, true);
    this.nextValue = inputs.length;
    this.decl.inputs.forEach((input, i) => {
      if (seen.has(input.name.name)) {
        this.file.say(Messages.duplicateInput, input.name.range, { model: this.decl.name.name, name: input.name.name });
        return;
      }
      seen.add(input.name.name);
      const type = inputs[i]!.type;
      const val: Val = type.dims.length === 0 ? ERROR : { kind: "tensor", id: i, type, mask: false };
      this.bind(input.name, val, "input");
    });
  }

  private bind(decl: Identifier, val: Val, kind: "input" | "binding", unpacked = false): void {
    if (decl.name === "_") return;
    if (val.kind === "layer") this.layerNames.atBinding(val.layer, decl.name);
    const binding = { name: decl.name, decl, type: typeOf(val), kind, uses: [], val, used: unpacked };
    this.scope.bind(binding);
  }

  private warnUnused(): void {
    for (const b of this.scope.unused()) this.warnUnusedBinding(b);
  }

  private warnUnusedBinding(b: ScopedBinding): void {
    // An erroneous value was reported where it was made; "unused" would only add noise.
    if (b.name.startsWith("_") || b.val.kind === "error") return;
    const what = b.kind === "input" ? "input" : b.val.kind === "layer" ? "layer" : "binding";
    this.file.say(Messages.unused, b.decl.range, { what, name: b.name });
  }

  // ---- statements ----

  private assign(targets: Identifier[], value: Expr): void {
    const val = this.eval(value);
    if (targets.length === 1) {
      this.bind(targets[0]!, val, "binding");
      return;
    }
    if (val.kind === "error") {
      for (const t of targets) this.bind(t, ERROR, "binding");
      return;
    }
    if (val.kind !== "tuple") {
      this.reportSingleValueDestructured(targets, val);
      for (const t of targets) this.bind(t, ERROR, "binding");
      return;
    }
    if (val.items.length !== targets.length) {
      const labels = val.labels ?? val.items.map((_, i) => `v${i + 1}`);
      const source = val.source?.text ?? "This expression";
      const fix = rebindFix(targets, labels, this.scope);
      const range = { start: targets[0]!.range.start, end: targets[targets.length - 1]!.range.end };
      this.file.say(Messages.tupleArity, range, { source, labels, targets: targets.length, rewrite: fix.edits[0]!.newText }, { fix });
      for (const t of targets) this.bind(t, ERROR, "binding");
      return;
    }
    // As pyflakes does, unpacked names are not reported unused: every slot must be bound to something.
    targets.forEach((t, i) => this.bind(t, val.items[i]!, "binding", true));
  }

  private reportSingleValueDestructured(targets: Identifier[], val: Val): void {
    const range = { start: targets[0]!.range.start, end: targets[targets.length - 1]!.range.end };
    const states = val.kind === "tensor" ? val.origin?.def.stateOutputs?.(val.origin) : undefined;
    if (val.kind === "tensor" && states && !states.returned) {
      const layer = val.origin!;
      const text = layer.def.describe(layer.config);
      this.file.say(
        Messages.stateless,
        range,
        { layer: text, targets: targets.length, values: [...states.outputs, ...states.labels] },
        { fix: this.fixSetKeyword(states.call, "state", "true") },
      );
      return;
    }
    this.file.say(
      Messages.oneValue,
      range,
      { value: describeType(typeOf(val)), targets: targets.length },
      { fix: { title: "Bind one name", edits: [{ range, newText: targets[0]!.name }] } },
    );
  }

  private return(values: Expr[]): void {
    // `return (a, b)` is `return a, b`, as in Python.
    const only = values.length === 1 ? values[0]! : undefined;
    const items = only?.kind === "Tuple" ? only.items : values;
    this.outputs = items.map((e) => {
      const v = this.tensorOf(this.eval(e), e.range, "A model returns tensors");
      if (v) this.returns.push(v.id);
      return v ? v.arg.type : errorType;
    });
    if (only?.kind === "Tuple") this.file.types.set(only, tuple(this.outputs));
  }

  // ---- expressions ----

  private eval(expr: Expr): Val {
    const val = this.evalInner(expr);
    this.file.types.set(expr, typeOf(val));
    return val;
  }

  private evalInner(expr: Expr): Val {
    switch (expr.kind) {
      case "Number":
        return { kind: "scalar", type: { kind: "scalar", scalar: "number" } };
      case "String":
        return { kind: "scalar", type: { kind: "scalar", scalar: "string" } };
      case "Bool":
        return { kind: "scalar", type: { kind: "scalar", scalar: "bool" } };
      case "Error":
        return ERROR;
      case "Name":
        return this.lookup(expr);
      case "Tuple": {
        const items = expr.items.map((e) => this.eval(e));
        return items.some((i) => i.kind === "error") ? ERROR : tupleVal(items);
      }
      case "Call":
        return this.evalCallChain(expr);
      case "Pipe":
        return this.evalPipeChain(expr);
    }
  }

  private lookup(ref: NameRef): Val {
    if (ref.name === "_") {
      this.file.say(Messages.discardRead, ref.range, {});
      return ERROR;
    }
    const found = this.resolveName(ref);
    if (found) {
      this.record(ref, found, true);
      if (found.kind === "binding") return found.binding.val;
      if (found.kind === "model") return { kind: "model", model: found.model };
      return { kind: "constructor", def: found.def, name: ref.name };
    }
    this.file.say(Messages.unknownName, ref.range, {
      name: ref.name,
      model: this.decl.name.name,
      suggestion: this.file.suggest(ref.name, () => [...this.scope.names(), ...this.file.models.keys(), ...layerNames()]),
    });
    return ERROR;
  }

  /** The one rule for what a name is: a binding in scope, else a model, else a layer constructor. */
  private resolveName(ref: NameRef): NameTarget | undefined {
    const binding = this.scope.get(ref.name);
    if (binding) return { kind: "binding", binding };
    const model = this.file.models.get(ref.name);
    if (model) return { kind: "model", model };
    const def = findLayer(ref.name);
    return def ? { kind: "layer", def } : undefined;
  }

  /** Records what a name refers to; a read of a binding (`use`) also counts as its use. */
  private record(ref: NameRef, target: NameTarget, use: boolean): void {
    if (target.kind === "binding") {
      if (!use) return; // unreachable code reads nothing: its names are not uses of the binding
      target.binding.used = true;
      target.binding.uses.push(ref.range);
      this.bindingNames.push([ref, target.binding]);
    } else if (target.kind === "model") this.file.modelNames.push([ref, target.model]);
    else this.file.resolved.set(ref, { kind: "layer", def: target.def });
  }

  /** Marks the bindings an expression names as used, without evaluating it (it was rejected). */
  private touch(expr: Expr): void {
    this.reach(expr, true);
  }

  /** Resolves every name in an expression without evaluating it; `use` counts binding reads as uses. */
  private reach(expr: Expr, use: boolean): void {
    const pending: Expr[] = [expr];
    while (pending.length > 0) {
      const e = pending.pop()!;
      if (e.kind === "Name") {
        const target = this.resolveName(e);
        if (target) this.record(e, target, use);
      } else if (e.kind === "Tuple") pending.push(...e.items);
      else if (e.kind === "Call") pending.push(e.callee, ...e.args.map((a) => a.value));
      else if (e.kind === "Pipe") pending.push(e.left, e.right);
    }
  }

  /** `f(a)(b)(c)`: the chain is walked with a loop so that long chains need no deep recursion. */
  private evalCallChain(outer: CallExpr): Val {
    const chain: CallExpr[] = [];
    let e: Expr = outer;
    while (e.kind === "Call") {
      chain.push(e);
      e = e.callee;
    }
    chain.reverse();
    let callee: Val;
    const first = chain[0]!;
    if (e.kind === "Name" && this.resolveName(e) === undefined) {
      const candidates = () => [...layerNames(), ...this.file.models.keys(), ...this.scope.names()];
      this.file.say(Messages.unknownLayer, e.range, { name: e.name, suggestion: this.file.suggest(e.name, candidates) });
      callee = ERROR;
    } else {
      callee = this.eval(e);
    }
    for (const call of chain) {
      const result = this.call(callee, call, call === first ? e.range : call.callee.range);
      this.file.types.set(call, typeOf(result));
      callee = result;
    }
    return callee;
  }

  /** `a |> f |> g`: the left spine is walked with a loop, like call chains. */
  private evalPipeChain(outer: Expr): Val {
    const pipes: PipeExpr[] = [];
    let e: Expr = outer;
    while (e.kind === "Pipe") {
      pipes.push(e);
      e = e.left;
    }
    pipes.reverse();
    let value = this.eval(e);
    for (const pipe of pipes) {
      const f = this.eval(pipe.right);
      const failed = value.kind === "error";
      value = this.applyValue(f, pipe.right, failed ? [] : spreadPiped(value, f, pipe.left.range), [], pipe.range, failed);
      this.file.types.set(pipe, typeOf(value));
    }
    return value;
  }

  private call(callee: Val, call: CallExpr, calleeRange: Range): Val {
    switch (callee.kind) {
      case "error":
        for (const a of call.args) this.eval(a.value);
        return ERROR;
      case "constructor":
        return this.construct(callee.def, call);
      case "layer":
      case "model": {
        const positional: { val: Val; range: Range }[] = [];
        const keywords: Argument[] = [];
        for (const a of call.args) {
          if (a.keyword) keywords.push(a);
          else positional.push({ val: this.eval(a.value), range: a.value.range });
        }
        if (positional.some((p) => p.val.kind === "error")) {
          for (const k of keywords) this.eval(k.value);
          return ERROR;
        }
        return this.applyValue(callee, call, positional, keywords, call.range, false);
      }
      default:
        for (const a of call.args) this.eval(a.value);
        this.file.say(Messages.notCallable, calleeRange, { value: describeType(typeOf(callee)), toTensors: false });
        return ERROR;
    }
  }

  /** A layer constructor call `lstm(3, seq=true)`; `concat(a, b)` builds and applies at once. */
  private construct(def: LayerDefinition, call: CallExpr): Val {
    const direct = def.appliesDirectly && call.args.some((a) => !a.keyword);
    const constructorArgs = direct ? call.args.filter((a) => a.keyword) : call.args;
    const layer = this.build(def, call, constructorArgs);
    if (!direct) {
      if (!layer) return ERROR;
      return { kind: "layer", layer };
    }
    const inputs = call.args.filter((a) => !a.keyword).map((a) => ({ val: this.eval(a.value), range: a.value.range }));
    if (!layer || inputs.some((i) => i.val.kind === "error")) return ERROR;
    return this.applyLayer(layer, inputs, [], call.range, call);
  }

  private build(def: LayerDefinition, call: CallExpr, args: Argument[]): LayerInstance | undefined {
    const bound = bindArguments(def, call, args, {
      edition: this.file.edition,
      say: (message, range, args) => this.file.say(message, range, args),
      touch: (expr) => this.touch(expr),
      evalLayer: (expr, param, owner) => {
        const v = this.eval(expr);
        if (v.kind === "layer") return v.layer;
        if (v.kind === "constructor") {
          this.file.say(Messages.constructorAsLayerArgument, expr.range, {
            what: `${owner.name}(${param.name}=…)`,
            name: v.name,
            example: exampleCall(v.def),
          });
        } else if (v.kind !== "error") {
          this.file.say(Messages.notALayerArgument, expr.range, { what: `${owner.name}(${param.name}=…)`, found: describeType(typeOf(v)) });
        }
        return undefined;
      },
    });
    if (!bound) return undefined;
    let ok = true;
    const config = def.configure(bound.values, {
      error: (param, entry, message) => {
        ok = false;
        this.file.report(entry, bound.ranges.get(param) ?? call.range, message);
      },
    });
    if (!ok || config === undefined) return undefined;
    const layer: LayerInstance = { kind: "layer-instance", id: this.file.nextLayerId++, def, config, constructorCall: call };
    const explicitName = bound.values.get("name");
    if (typeof explicitName === "string") layer.explicitName = explicitName;
    layer.argRanges = bound.ranges;
    if (!this.layerNames.atBuild(layer)) {
      this.file.say(Messages.duplicateLayerName, bound.ranges.get("name") ?? call.range, {
        model: this.decl.name.name,
        name: layer.explicitName!,
      });
    }
    this.file.layers.set(call, layer);
    return layer;
  }

  /** Applies a layer or model value to positional inputs and call keywords. */
  private applyValue(f: Val, node: Expr, inputs: { val: Val; range: Range }[], keywords: Argument[], range: Range, silent: boolean): Val {
    if (silent || f.kind === "error") {
      for (const k of keywords) this.eval(k.value);
      return ERROR;
    }
    if (f.kind === "layer") return this.applyLayer(f.layer, inputs, keywords, range, node.kind === "Call" ? node : undefined);
    if (f.kind === "model") return this.applyModel(f.model, node, inputs, keywords, range);
    if (f.kind === "constructor") {
      this.file.say(Messages.constructorApplied, node.range, { name: f.name, example: exampleCall(f.def) });
      return ERROR;
    }
    this.file.say(Messages.notCallable, node.range, { value: describeType(typeOf(f)), toTensors: true });
    return ERROR;
  }

  private applyLayer(
    layer: LayerInstance,
    inputs: { val: Val; range: Range }[],
    keywordArgs: Argument[],
    range: Range,
    application: CallExpr | undefined,
  ): Val {
    const def = layer.def;
    const text = def.describe(layer.config);
    // Call keywords first, so that their expressions are typed even when the inputs are wrong.
    const keywords = new Map<string, { values: TensorArg[]; range: Range }>();
    const keywordIds = new Map<string, ValueId[]>();
    let ok = true;
    for (const arg of keywordArgs) {
      const word = arg.keyword!.name;
      const spec = findCallKeyword(def, word);
      const v = this.eval(arg.value);
      if (!spec) {
        this.file.say(Messages.unknownApplyKeyword, arg.keyword!.range, {
          layer: text,
          name: def.name,
          word,
          isParam: findParam(def, word) !== undefined,
          suggestion: didYouMean(
            word,
            def.callKeywords.flatMap((k) => [k.name, ...(k.aliases ?? [])]),
          ),
          callKeywords: def.callKeywords.map((k) => k.name),
        });
        ok = false;
        continue;
      }
      const items =
        spec.kind === "tensors" && v.kind === "tuple"
          ? v.items.map((val) => ({
              val,
              range: arg.value.kind === "Tuple" ? arg.value.items[v.items.indexOf(val)]!.range : arg.value.range,
            }))
          : [{ val: v, range: arg.value.range }];
      const values: TensorArg[] = [];
      const ids: ValueId[] = [];
      for (const item of items) {
        const t = this.tensorOf(item.val, item.range, `${spec.name}= takes tensors`);
        if (!t) ok = false;
        else {
          values.push(t.arg);
          ids.push(t.id);
        }
      }
      keywords.set(spec.name, { values, range: arg.value.range });
      keywordIds.set(spec.name, ids);
    }
    if (inputs.length < def.inputs.min || inputs.length > def.inputs.max) {
      this.file.say(Messages.layerInputCount, range, { layer: text, min: def.inputs.min, max: def.inputs.max, found: inputs.length });
      return ERROR;
    }
    const tensors: TensorArg[] = [];
    const inputIds: ValueId[] = [];
    for (const input of inputs) {
      const t = this.tensorOf(input.val, input.range, `${text} takes tensors`);
      if (!t) ok = false;
      else {
        tensors.push(t.arg);
        inputIds.push(t.id);
      }
    }
    if (!ok) return ERROR;
    const out = this.runApply(layer, { inputs: tensors, keywords, range });
    if (!out) return ERROR;
    if (application) this.file.layers.set(application, layer);
    if (this.sizeWeights(layer, tensors[0]!.type, out, range)) this.rows.layerApplied(layer, out);
    this.file.budget.layer(this.decl, range);
    const items = out.items.map((slot): Val => ({ kind: "tensor", id: this.nextValue++, type: slot.type, mask: slot.mask, origin: layer }));
    this.applied({ kind: "layer", layer }, inputIds, keywordIds, items, range);
    if (!out.tuple) return items[0]!;
    return tupleVal(
      items,
      out.items.map((s) => s.label),
      { text: layer.def.describe(layer.config), layer },
    );
  }

  /** Records an application whose inputs and outputs all are tensors, for lowering. */
  private applied(callee: Application["callee"], inputs: ValueId[], keywords: Map<string, ValueId[]>, outputs: Val[], range: Range): void {
    const tensors = outputs.flatMap((v) => (v.kind === "tensor" ? [v] : []));
    this.applications.push({
      callee,
      inputs,
      keywords,
      outputs: tensors.map((v) => v.id),
      outputMasks: tensors.map((v) => v.mask),
      outputTypes: tensors.map((v) => v.type),
      range,
    });
  }

  private runApply(layer: LayerInstance, args: Parameters<LayerDefinition["apply"]>[1]): LayerOutput | undefined {
    const ctx: ApplyContext = {
      edition: this.file.edition,
      report: (entry, range, message, extra) => this.file.report(entry, range, message, extra),
      fixSetKeyword: (call, keyword, value) => this.fixSetKeyword(call, keyword, value),
      fixNamedDim: (name, value) => this.fixNamedDim(name, value),
      applyInner: (inner, input, range) => {
        const out = this.runApply(inner, { inputs: [input], keywords: new Map(), range });
        return out && this.sizeWeights(inner, input.type, out, range) ? out : undefined;
      },
    };
    return layer.def.apply(layer, args, ctx);
  }

  /**
   * Sizes a layer's weights at its first application; a later application (a shared layer) must fit
   * them, as in Keras. False when it does not (reported).
   */
  private sizeWeights(layer: LayerInstance, input: TensorType, out: LayerOutput, range: Range): boolean {
    const misfit = this.rows.sizeWeights(layer, input, out);
    if (!misfit) return true;
    const b = misfit.built.weight;
    const w = misfit.needed.weight;
    this.file.say(Messages.sharedLayerMisfit, range, {
      layer: layer.name ?? layer.def.name,
      builtFor: formatType(misfit.built.input),
      builtWeight: b && `${b.name} ${formatDims(b.shape)}`,
      input: formatType(input),
      neededWeight: w && `${w.name} ${formatDims(w.shape)}`,
    });
    return false;
  }

  private applyModel(model: ModelState, node: Expr, inputs: { val: Val; range: Range }[], keywords: Argument[], range: Range): Val {
    const name = model.decl.name.name;
    for (const k of keywords) {
      this.eval(k.value);
      this.file.say(Messages.modelKeyword, k.keyword!.range, { model: name, inputs: model.decl.inputs.map((i) => i.name.name) });
    }
    if (keywords.length) return ERROR;
    if (model.decl === this.decl || (model.status !== "done" && (model.cyclic || model.status === "checking"))) {
      this.file.say(Messages.recursiveModel, node.range, { model: name, caller: this.decl.name.name, direct: model.decl === this.decl });
      return ERROR;
    }
    const params = this.file.modelInputs(model, false);
    if (inputs.length !== params.length) {
      this.file.say(Messages.modelInputCount, range, {
        model: name,
        inputs: params.map((p) => `${p.name}: ${formatType(p.type)}`),
        found: inputs.length,
      });
      return ERROR;
    }
    // The callee's dim names are its own: bind them to the caller's dims, consistently.
    const subst: DimBinding = new Map();
    const inputIds: ValueId[] = [];
    let ok = true;
    inputs.forEach((input, i) => {
      const param = params[i]!;
      const found = this.tensorOf(input.val, input.range, `${name} takes tensors`);
      if (!found) {
        ok = false;
        return;
      }
      inputIds.push(found.id);
      const t = found.arg;
      const problem = unifyInput(param.type, t.type, subst);
      if (problem) {
        this.reportInputProblem(problem, input.range, {
          model: name,
          input: param.name,
          expected: formatType(param.type),
          found: formatType(t.type),
        });
        ok = false;
      }
    });
    if (!ok) return ERROR;
    const result = this.file.checkModel(model);
    this.file.budget.call(this.decl, model.decl, range);
    if (!result.ok) return ERROR;
    const outputs: Val[] = result.outputs.map((t) =>
      t.kind === "tensor" ? { kind: "tensor", id: this.nextValue++, type: substitute(t, subst), mask: false } : ERROR,
    );
    this.applied({ kind: "model", model: result }, inputIds, new Map(), outputs, range);
    const out: Val = outputs.length === 1 ? outputs[0]! : tupleVal(outputs, outputLabels(result), { text: `${name}(…)` });
    this.rows.modelApplied(name, typeOf(out), result.params);
    return out;
  }

  private reportInputProblem(
    problem: InputProblem,
    range: Range,
    args: { model: string; input: string; expected: string; found: string },
  ): void {
    switch (problem.kind) {
      case "dtype":
        return this.file.say(Messages.modelInputDtype, range, args);
      case "rank":
        return this.file.say(Messages.modelInputRank, range, { ...args, expectedRank: problem.expected, foundRank: problem.found });
      case "size": {
        const foundName = typeof problem.found === "string" ? problem.found : undefined;
        return this.file.say(Messages.modelInputDim, range, { ...args, index: problem.index, size: problem.expected, foundName });
      }
      case "bound":
        return this.file.say(Messages.modelInputBoundDim, range, {
          ...args,
          index: problem.index,
          name: problem.name,
          bound: String(problem.bound),
        });
    }
  }

  /** The tensor a value must be here, and its value id; reports what it is instead (once) and gives undefined. */
  private tensorOf(val: Val, range: Range, context: string): { arg: TensorArg; id: ValueId } | undefined {
    switch (val.kind) {
      case "tensor": {
        const arg: TensorArg = val.origin
          ? { type: val.type, mask: val.mask, range, origin: val.origin }
          : { type: val.type, mask: val.mask, range };
        return { arg, id: val.id };
      }
      case "error":
        return undefined;
      case "tuple": {
        const labels = val.labels ?? val.items.map((_, i) => `v${i + 1}`);
        const layer = val.source?.layer;
        const states = layer?.def.stateOutputs?.(layer);
        const fix = states?.returned ? this.dropStateFix(states.call) : undefined;
        this.file.say(
          Messages.tupleAsTensor,
          range,
          { context, labels, stateSource: states?.returned ? val.source!.text : undefined },
          fix ? { fix } : {},
        );
        return undefined;
      }
      case "layer":
        this.file.say(Messages.layerAsTensor, range, {
          context,
          layer: val.layer.def.describe(val.layer.config),
          name: val.layer.def.name,
        });
        return undefined;
      case "constructor":
        this.file.say(Messages.constructorAsTensor, range, { context, name: val.name, example: exampleCall(val.def) });
        return undefined;
      case "model":
        this.file.say(Messages.modelAsTensor, range, { context, model: val.model.decl.name.name });
        return undefined;
      case "scalar":
        this.file.say(Messages.valueAsTensor, range, { context, value: describeType(val.type) });
        return undefined;
    }
  }

  /** For a tuple from `state=true` used as a tensor: the fix that drops the states. */
  private dropStateFix(call: CallExpr): Fix | undefined {
    const arg = call.args.find((a) => a.keyword && (a.keyword.name === "state" || a.keyword.name === "return_state"));
    if (!arg) return undefined;
    return { title: `Remove ${arg.keyword!.name}=… (use only the output)`, edits: [{ range: arg.value.range, newText: "false" }] };
  }

  /** Declares the named dim `name` as `value` wherever this model's input types use it (a stateful layer's batch). */
  private fixNamedDim(name: string, value: string): Fix | undefined {
    const dims = this.decl.inputs.flatMap((i) => i.type.dims.filter((d) => d.kind === "NamedDim" && d.name === name));
    if (dims.length === 0) return undefined;
    return {
      title: `Declare ${name} as ${value}`,
      edits: dims.map((d) => ({ range: d.range, newText: value })),
    };
  }

  private fixSetKeyword(call: CallExpr, keyword: string, value: string): Fix {
    const def = call.callee.kind === "Name" ? findLayer(call.callee.name) : undefined;
    return setKeywordFix(this.file.parse.lineIndex, call, def, keyword, value);
  }
}

/** Whether a syntax diagnostic (sorted by start, as parse sorts them) starts within `range`: a binary search. */
function hasSyntaxErrorIn(diagnostics: readonly Diagnostic[], range: Range): boolean {
  let lo = 0;
  let hi = diagnostics.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (diagnostics[mid]!.range.start.offset < range.start.offset) lo = mid + 1;
    else hi = mid;
  }
  const first = diagnostics[lo];
  return first !== undefined && first.range.start.offset <= range.end.offset;
}

function outputLabels(model: CheckedModel): string[] {
  const returnStatement = model.decl.body.find((s) => s.kind === "Return");
  return model.outputs.map((_, i) => {
    const e = returnStatement?.kind === "Return" ? returnStatement.values[i] : undefined;
    return e?.kind === "Name" ? e.name : `output${i + 1}`;
  });
}

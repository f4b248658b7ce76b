// Checked program → graph. The checker has typed and validated everything: this walk follows the
// same evaluation order, takes each layer instance the checker built, and asks the layer's own file
// to lower its applications. Called models are inlined, their weights found under `Model/layer`.
import type { CheckedFile, CheckedModel } from "../check/program.js";
import { GraphBuilder, NONE, type Graph } from "../ir/graph.js";
import { findCallKeyword, type LayerInstance, type LoweredTensor } from "../layers/layer.js";
import { findLayer } from "../layers/registry.js";
import type { Argument, CallExpr, Expr, PipeExpr } from "../syntax/ast.js";
import type { TensorData } from "../types/tensor-data.js";

/** A value while lowering: a tensor, a tuple of them, a layer, or a model to call. */
type Lowered =
  | { kind: "tensor"; tensor: LoweredTensor }
  | { kind: "tuple"; items: Lowered[] }
  | { kind: "layer"; layer: LayerInstance }
  | { kind: "model"; model: CheckedModel };

/** Lowers `model` (which must have checked clean) with its bound weights, keyed by layer path. */
export function lowerModel(checked: CheckedFile, model: CheckedModel, weights: ReadonlyMap<string, TensorData[]>): Graph {
  const builder = new GraphBuilder();
  const inputs = model.inputs.map((i) => ({ value: builder.input(i.name, i.type.dtype, [...i.type.dims]), mask: NONE }));
  const lowerer = new Lowerer(checked, builder, weights);
  builder.graph.outputs = lowerer.lowerBody(model, inputs, "").map((t) => t.value);
  return builder.graph;
}

class Lowerer {
  private readonly models = new Map<string, CheckedModel>();
  /** Each called model is inlined once per call, but its weights are shared: one constant per weight. */
  private readonly constants = new Map<string, number>();

  constructor(
    private readonly checked: CheckedFile,
    private readonly builder: GraphBuilder,
    private readonly weights: ReadonlyMap<string, TensorData[]>,
  ) {
    for (const m of checked.models) this.models.set(m.name, m);
  }

  lowerBody(model: CheckedModel, args: LoweredTensor[], prefix: string): LoweredTensor[] {
    const scope = new Map<string, Lowered>();
    model.inputs.forEach((input, i) => scope.set(input.name, { kind: "tensor", tensor: args[i]! }));
    const weightOf = this.weightOwners(model, prefix);
    const ctx = { scope, prefix, weightOf };
    for (const statement of model.decl.body) {
      if (statement.kind === "Assign") {
        const value = this.eval(statement.value, ctx);
        const targets = statement.targets;
        if (targets.length === 1) this.bind(scope, targets[0]!.name, value);
        else targets.forEach((t, i) => this.bind(scope, t.name, (value as Extract<Lowered, { kind: "tuple" }>).items[i]!));
      } else {
        const only = statement.values.length === 1 ? statement.values[0]! : undefined;
        const exprs = only?.kind === "Tuple" ? only.items : statement.values;
        return exprs.map((e) => this.tensor(this.eval(e, ctx)));
      }
    }
    throw new Error(`model ${model.name} has no return`); // the checker rejects this
  }

  /** Where each layer's weights are: its row's path, or the time_distributed row wrapping it. */
  private weightOwners(model: CheckedModel, prefix: string): Map<LayerInstance, string> {
    const paths = new Map<LayerInstance, string>();
    for (const row of model.rows) {
      if (!("layer" in row)) continue;
      paths.set(row.layer, prefix + row.name);
    }
    for (const row of model.rows) {
      if (!("layer" in row)) continue;
      const owner = row.layer.def.weightOwner?.(row.layer);
      if (owner && !paths.has(owner)) paths.set(owner, prefix + row.name);
    }
    return paths;
  }

  private bind(scope: Map<string, Lowered>, name: string, value: Lowered): void {
    if (name !== "_") scope.set(name, value);
  }

  private tensor(v: Lowered): LoweredTensor {
    if (v.kind !== "tensor") throw new Error("expected a tensor"); // the checker guarantees one
    return v.tensor;
  }

  private eval(expr: Expr, ctx: LowerScope): Lowered {
    switch (expr.kind) {
      case "Name": {
        const bound = ctx.scope.get(expr.name);
        if (bound) return bound;
        const model = this.models.get(expr.name);
        if (model) return { kind: "model", model };
        throw new Error(`unbound name ${expr.name}`);
      }
      case "Tuple":
        return { kind: "tuple", items: expr.items.map((e) => this.eval(e, ctx)) };
      case "Call":
        return this.evalCall(expr, ctx);
      case "Pipe":
        return this.evalPipe(expr, ctx);
      default:
        throw new Error(`cannot lower ${expr.kind}`);
    }
  }

  private evalCall(outer: CallExpr, ctx: LowerScope): Lowered {
    const chain: CallExpr[] = [];
    let e: Expr = outer;
    while (e.kind === "Call") {
      chain.push(e);
      e = e.callee;
    }
    chain.reverse();
    let callee: Lowered | undefined;
    for (const call of chain) {
      if (callee === undefined && e.kind === "Name" && !ctx.scope.has(e.name) && !this.models.has(e.name) && findLayer(e.name)) {
        callee = this.construct(call, ctx);
        continue;
      }
      callee ??= this.eval(e, ctx);
      const positional = call.args.filter((a) => !a.keyword).map((a) => this.eval(a.value, ctx));
      callee = this.apply(
        callee,
        positional,
        call.args.filter((a) => a.keyword),
        ctx,
      );
    }
    return callee!;
  }

  /** A constructor call: the layer the checker built, or for `concat(a, b)` its application. */
  private construct(call: CallExpr, ctx: LowerScope): Lowered {
    const layer = this.checked.layers.get(call);
    if (!layer) throw new Error("a constructor call the checker did not build");
    const tensors = call.args.filter((a) => !a.keyword);
    if (layer.def.appliesDirectly && tensors.length > 0) {
      return this.apply(
        { kind: "layer", layer },
        tensors.map((a) => this.eval(a.value, ctx)),
        [],
        ctx,
      );
    }
    return { kind: "layer", layer };
  }

  private evalPipe(outer: PipeExpr, ctx: LowerScope): Lowered {
    const pipes: PipeExpr[] = [];
    let e: Expr = outer;
    while (e.kind === "Pipe") {
      pipes.push(e);
      e = e.left;
    }
    pipes.reverse();
    let value = this.eval(e, ctx);
    for (const pipe of pipes) {
      const f = this.eval(pipe.right, ctx);
      const spread = value.kind === "tuple" && f.kind === "layer" && f.layer.def.inputs.max > 1;
      value = this.apply(f, spread ? (value as Extract<Lowered, { kind: "tuple" }>).items : [value], [], ctx);
    }
    return value;
  }

  private apply(f: Lowered, positional: Lowered[], keywordArgs: Argument[], ctx: LowerScope): Lowered {
    const inputs = positional.map((p) => this.tensor(p));
    if (f.kind === "model") {
      const outputs = this.lowerBody(f.model, inputs, `${ctx.prefix}${f.model.name}/`);
      return outputs.length === 1
        ? { kind: "tensor", tensor: outputs[0]! }
        : { kind: "tuple", items: outputs.map((tensor) => ({ kind: "tensor", tensor })) };
    }
    if (f.kind !== "layer") throw new Error("applying something that is not a layer");
    const layer = f.layer;
    const keywords = new Map<string, LoweredTensor[]>();
    for (const arg of keywordArgs) {
      const spec = findCallKeyword(layer.def, arg.keyword!.name)!;
      const v = this.eval(arg.value, ctx);
      keywords.set(spec.name, v.kind === "tuple" ? v.items.map((i) => this.tensor(i)) : [this.tensor(v)]);
    }
    const outputs = this.lowerLayer(layer, inputs, keywords, ctx, ctx.weightOf.get(layer));
    const tuple = layer.built?.output.tuple ?? outputs.length > 1;
    return tuple
      ? { kind: "tuple", items: outputs.map((tensor) => ({ kind: "tensor", tensor })) }
      : { kind: "tensor", tensor: outputs[0]! };
  }

  private lowerLayer(
    layer: LayerInstance,
    inputs: LoweredTensor[],
    keywords: Map<string, LoweredTensor[]>,
    ctx: LowerScope,
    path: string | undefined,
  ): LoweredTensor[] {
    const first = this.builder.graph.nodes.length;
    const outputs = layer.def.lower(
      layer,
      { inputs, keywords },
      {
        builder: this.builder,
        weight: (index) => this.weightConstant(path, index, layer),
        lowerInner: (inner, input) => this.lowerLayer(inner, [input], new Map(), ctx, path),
      },
    );
    // Each node knows its layer, so that a run too big for memory can say which layer makes it so.
    for (let i = first; i < this.builder.graph.nodes.length; i++) this.builder.graph.nodes[i]!.layer ??= path ?? layer.name;
    return outputs;
  }

  private weightConstant(path: string | undefined, index: number, layer: LayerInstance): number {
    const key = `${path}#${index}`;
    const existing = this.constants.get(key);
    if (existing !== undefined) return existing;
    const data = path === undefined ? undefined : this.weights.get(path)?.[index];
    if (!data) throw new Error(`no weight ${index} for layer ${path ?? layer.name}`); // the binder guarantees them
    const id = this.builder.constant(data, `${path}[${index}]`);
    this.constants.set(key, id);
    return id;
  }
}

/** What lowering one model's body needs: its names, its weight path prefix, its layers' weight paths. */
interface LowerScope {
  scope: Map<string, Lowered>;
  prefix: string;
  weightOf: Map<LayerInstance, string>;
}

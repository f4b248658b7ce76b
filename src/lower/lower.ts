// Checked program → graph. The checker recorded each model's applications in evaluation order, with
// every input, call keyword and output resolved to a value of the model; lowering maps over them,
// asking each layer's own file to lower its application. Called models are inlined, their weights
// found under `Model/layer`.
import type { CheckedFile, CheckedModel } from "../check/program.js";
import { GraphBuilder, NONE, type Graph } from "../ir/graph.js";
import type { LayerInstance, LoweredTensor } from "../layers/layer.js";
import type { Edition } from "../types/edition.js";
import type { TensorData } from "../types/tensor-data.js";

/** Lowers `model` of `checked` (which must have checked clean) with its bound weights, keyed by layer path. */
export function lowerModel(checked: CheckedFile, model: CheckedModel, weights: ReadonlyMap<string, TensorData[]>): Graph {
  const builder = new GraphBuilder();
  const inputs = model.inputs.map((i) => ({ value: builder.input(i.name, i.type.dtype, [...i.type.dims]), mask: NONE }));
  const lowerer = new Lowerer(builder, weights, checked.edition);
  const returned = lowerer.lowerBody(model, inputs, "").map((t) => t.value);
  // Carried states' new values come after the model's outputs: who runs the graph keeps them (ir/states.ts).
  builder.graph.outputs = [...returned, ...builder.graph.states.map((s) => s.final)];
  return builder.graph;
}

class Lowerer {
  /** Each called model is inlined once per call, but its weights are shared: one constant per weight. */
  private readonly constants = new Map<string, number>();

  constructor(
    private readonly builder: GraphBuilder,
    private readonly weights: ReadonlyMap<string, TensorData[]>,
    private readonly edition: Edition,
  ) {}

  /** Lowers a model's applications in order; `args` are its inputs, which are its values 0, 1, …. */
  lowerBody(model: CheckedModel, args: LoweredTensor[], prefix: string): LoweredTensor[] {
    const values: LoweredTensor[] = [...args];
    const weightOf = weightOwners(model, prefix);
    for (const application of model.applications) {
      const inputs = application.inputs.map((id) => values[id]!);
      const { callee } = application;
      let outputs: LoweredTensor[];
      if (callee.kind === "model") {
        outputs = this.lowerBody(callee.model, inputs, `${prefix}${callee.model.name}/`);
      } else {
        const keywords = new Map([...application.keywords].map(([name, ids]) => [name, ids.map((id) => values[id]!)]));
        outputs = this.lowerLayer(callee.layer, inputs, keywords, weightOf.get(callee.layer));
      }
      application.outputs.forEach((id, i) => (values[id] = outputs[i]!));
    }
    return model.returns.map((id) => values[id]!);
  }

  private lowerLayer(
    layer: LayerInstance,
    inputs: LoweredTensor[],
    keywords: Map<string, LoweredTensor[]>,
    path: string | undefined,
  ): LoweredTensor[] {
    const first = this.builder.graph.nodes.length;
    const outputs = layer.def.lower(
      layer,
      { inputs, keywords },
      {
        builder: this.builder,
        edition: this.edition,
        weight: (index) => this.weightConstant(path, index, layer),
        lowerInner: (inner, input) => this.lowerLayer(inner, [input], new Map(), path),
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

/** Where each layer's weights are: its row's path, or the time_distributed row wrapping it. */
function weightOwners(model: CheckedModel, prefix: string): Map<LayerInstance, string> {
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

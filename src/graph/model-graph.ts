// A checked model as a picture's graph: its inputs, one node per layer (a shared layer is one node
// called more than once, as Keras's plot_model draws it), its outputs, an edge per tensor handed on,
// and a cluster per called model. Read from the checker's applications, as lowering reads them, so the
// picture is the program that runs. The renderers (DOT, Mermaid, SVG) only print this structure.
import type { CheckedFile, CheckedModel } from "../check/program.js";
import { isLayerRow } from "../check/program.js";
import type { LayerInstance } from "../layers/layer.js";
import { echo } from "../source/echo.js";
import { formatType } from "../types/types.js";

export interface GraphNode {
  /** Unique in the graph, readable: `input:src`, `lstm_1`, `Encoder/lstm`, `output:0`. */
  id: string;
  kind: "input" | "layer" | "output";
  /** The layer's name (as `summary` lists it), the input's name, or `output_0`, …. */
  name: string;
  /** The Keras class (`LSTM`), `InputLayer` for an input, `Output` for a returned value. */
  kerasClass: string;
  /** The layer as written in rnnc (`lstm(64, seq=true)`); absent for inputs and outputs. */
  call?: string;
  /** Its output types as `rnnc shapes` prints them, per call: `types[k][slot]`. */
  types: string[][];
  /** The labels of a layer's outputs (`output`, `h`, `c`) when it returns more than one. */
  slots: string[];
  /** How many times it is applied: more than one is a shared layer (one set of weights). */
  calls: number;
  /** The id of the called-model cluster it belongs to; absent at the top level. */
  cluster?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** `state`: an `initial=` state hand-off; `mask`: a `mask=` tensor; `tensor`: an ordinary input. */
  kind: "tensor" | "state" | "mask";
  /** Whether a Keras mask rides on the tensor (the checker's own answer). */
  masked: boolean;
  /** The output of a multi-output layer it comes from (`h`, `c`). */
  slot?: string;
  /** Which call of its source (1-based), when the source is shared. */
  fromCall?: number;
  /** Which call of its target (1-based), when the target is shared. */
  toCall?: number;
}

/** A called model: its inputs and layers are the nodes whose `cluster` is its id. */
export interface GraphCluster {
  id: string;
  model: string;
  /** The cluster it is drawn inside, for a model called from a called model. */
  parent?: string;
  calls: number;
}

export interface ModelGraph {
  model: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  clusters: GraphCluster[];
}

/** Why a graph cannot be drawn (no such model, a model with errors): one line for the user. */
export class GraphError extends Error {}

/** The graph of `modelName` (default: the file's first model). */
export function modelGraph(checked: CheckedFile, modelName?: string): ModelGraph {
  const model = pickModel(checked, modelName);
  return new GraphBuilder().build(model);
}

function pickModel(checked: CheckedFile, name: string | undefined): CheckedModel {
  if (checked.models.length === 0) throw new GraphError("the file defines no model");
  const model = name === undefined ? checked.models[0]! : checked.models.find((m) => m.name === name);
  if (!model) throw new GraphError(`no model named ${echo(name!)} (models: ${checked.models.map((m) => echo(m.name)).join(", ")})`);
  if (!model.ok) throw new GraphError(`model ${echo(model.name)} has errors; fix them to draw it`);
  return model;
}

/** Where a value of a model body comes from: the node, which of its outputs, and on which call. */
interface Source {
  node: GraphNode;
  slot: number;
  call: number;
  masked: boolean;
}

/** A model body drawn once: its input nodes and the sources of its returned values. */
interface Body {
  inputs: GraphNode[];
  returns: Source[];
  cluster?: GraphCluster;
}

class GraphBuilder {
  private readonly graph: ModelGraph = { model: "", nodes: [], edges: [], clusters: [] };
  /** Edges whose labels need the final call counts, resolved at the end. */
  private readonly pending: { edge: GraphEdge; from: Source; to: GraphNode; toCall: number }[] = [];

  build(model: CheckedModel): ModelGraph {
    this.graph.model = model.name;
    const body = this.body(model, "", undefined);
    model.returns.forEach((_, i) => {
      const node = this.node({
        id: `output:${i}`,
        kind: "output",
        name: `output_${i}`,
        kerasClass: "Output",
        types: [[formatType(model.outputs[i]!)]],
        slots: [],
        calls: 1,
      });
      this.connect(body.returns[i]!, node, 1, "tensor");
    });
    for (const { edge, from, to, toCall } of this.pending) {
      if (from.node.calls > 1) edge.fromCall = from.call;
      if (to.calls > 1) edge.toCall = toCall;
    }
    return this.graph;
  }

  /** Draws a model body once under `prefix`; a model called again reuses it (its layers are shared). */
  private body(model: CheckedModel, prefix: string, cluster: GraphCluster | undefined): Body {
    const inputs = model.inputs.map((input) =>
      this.node({
        id: `${prefix}input:${input.name}`,
        kind: "input",
        name: input.name,
        kerasClass: "InputLayer",
        types: [[formatType(input.type)]],
        slots: [],
        calls: 1,
        cluster: cluster?.id,
      }),
    );
    const values: Source[] = inputs.map((node) => ({ node, slot: 0, call: 1, masked: false }));
    const layerNodes = new Map<LayerInstance, GraphNode>();
    const bodies = new Map<CheckedModel, Body>();
    const names = new Map(model.rows.filter(isLayerRow).map((r) => [r.layer, r.name]));
    for (const application of model.applications) {
      const { callee } = application;
      if (callee.kind === "model") {
        let called = bodies.get(callee.model);
        if (!called) {
          const id = `${prefix}${callee.model.name}`;
          const inner: GraphCluster = { id, model: callee.model.name, calls: 0, ...(cluster ? { parent: cluster.id } : {}) };
          this.graph.clusters.push(inner);
          called = this.body(callee.model, `${id}/`, inner);
          bodies.set(callee.model, called);
        }
        const call = ++called.cluster!.calls;
        for (const input of called.inputs) input.calls = called.cluster!.calls;
        application.inputs.forEach((id, i) => this.connect(values[id]!, called.inputs[i]!, call, "tensor"));
        application.outputs.forEach((id, i) => (values[id] = { ...called.returns[i]!, masked: application.outputMasks[i] ?? false }));
        continue;
      }
      const layer = callee.layer;
      let node = layerNodes.get(layer);
      if (!node) {
        const name = names.get(layer) ?? layer.name ?? layer.def.name;
        const labels = layer.built?.output.items.map((s) => s.label) ?? [];
        node = this.node({
          id: `${prefix}${name}`,
          kind: "layer",
          name,
          kerasClass: layer.def.kerasClass,
          call: layer.def.describe(layer.config),
          types: [],
          slots: application.outputs.length > 1 ? labels : [],
          calls: 0,
          cluster: cluster?.id,
        });
        layerNodes.set(layer, node);
      }
      const call = ++node.calls;
      node.types.push(application.outputTypes.map(formatType));
      for (const id of application.inputs) this.connect(values[id]!, node, call, "tensor");
      for (const [keyword, ids] of application.keywords) {
        for (const id of ids)
          this.connect(values[id]!, node, call, keyword === "initial" ? "state" : keyword === "mask" ? "mask" : "tensor");
      }
      application.outputs.forEach((id, slot) => (values[id] = { node, slot, call, masked: application.outputMasks[slot] ?? false }));
    }
    return { inputs, returns: model.returns.map((id) => values[id]!), cluster };
  }

  private node(node: GraphNode): GraphNode {
    if (node.cluster === undefined) delete node.cluster;
    this.graph.nodes.push(node);
    return node;
  }

  private connect(from: Source, to: GraphNode, toCall: number, kind: GraphEdge["kind"]): void {
    const edge: GraphEdge = { from: from.node.id, to: to.id, kind, masked: from.masked };
    const slot = from.node.slots[from.slot];
    if (slot !== undefined) edge.slot = slot;
    this.graph.edges.push(edge);
    this.pending.push({ edge, from, to, toCall });
  }
}

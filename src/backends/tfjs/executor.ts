// The TensorFlow.js backend: the graph lowered to tfjs-core ops, on whatever tfjs backend the caller's
// `tf` has active (cpu, wasm, webgl, webgpu, …), prepared by prepareGraph without hoisting. Weights
// are uploaded once and kept until dispose(); a run makes its input tensors, runs every op inside one
// tf.tidy, copies the outputs out with dataSync() and releases every tensor it made.
import { evaluateNode } from "../cpu/executor.js";
import { ATTENTION_INPUTS, convGeometry, NONE, recurrentInputs, type Graph, type Node } from "../../ir/graph.js";
import { prepareInputs, type TensorInput } from "../../ir/inputs.js";
import { prepareGraph } from "../../ir/passes.js";
import { DataError, type TensorData } from "../../types/tensor-data.js";
import type { DType } from "../../types/types.js";
import { activate } from "./activations.js";
import { TfContext } from "./context.js";
import { layoutFor, RecurrentProgram, type Lane } from "./recurrent.js";
import type { TfDType, TfjsCore, TfjsOps, TfTensor } from "./tfjs-core.js";

type Env = (TfTensor | undefined)[];
type Step = (env: Env) => void;

const TF_DTYPE: Record<DType, TfDType> = { f32: "float32", i32: "int32", bool: "bool" };

export class TfjsBackend {
  private readonly graph: Graph;
  private readonly ctx: TfContext;
  private readonly tf: TfjsOps;
  /** Per value: its tensor when it is a constant (the template of every run's environment). */
  private readonly constants: Env = [];
  private readonly steps: Step[] = [];
  /** Embedding lookups of a model input: ids checked against the vocabulary before the run. */
  private readonly idChecks: { input: number; vocab: number }[] = [];
  private disposed = false;

  /** `tf`: the caller's @tensorflow/tfjs (or tfjs-core with a backend registered); its active backend runs the model. */
  constructor(graph: Graph, tf: TfjsCore) {
    // No hoisting: the loop projects the input itself (both directions of a pair in one matMul).
    this.graph = prepareGraph(graph, { evaluate: (node, inputs) => evaluateNode(graph, node, inputs), hoistInputProjection: false });
    this.ctx = new TfContext(tf);
    this.tf = this.ctx.tf;
    try {
      this.build();
    } catch (error) {
      this.ctx.dispose();
      throw error;
    }
  }

  /** Runs the model; the results are fresh arrays the caller owns. Leaves no tensor behind. */
  run(inputs: Readonly<Record<string, TensorInput>>): TensorData[] {
    if (this.disposed) throw new Error("rnnc: this model's tfjs tensors were disposed");
    const data = prepareInputs(this.graph, inputs);
    for (const check of this.idChecks) {
      const at = this.graph.inputs.findIndex((i) => i.value === check.input);
      checkIds(data[at]!.data, check.vocab);
    }
    const { tf, graph } = this;
    const results: TfTensor[] = [];
    tf.tidy(() => {
      const env = this.constants.slice();
      graph.inputs.forEach((input, i) => (env[input.value] = tf.tensor(data[i]!.data, data[i]!.shape, TF_DTYPE[input.dtype])));
      for (const step of this.steps) step(env);
      for (const v of graph.outputs) {
        const t = env[v]!;
        if (!this.ctx.owns(t) && !results.includes(t)) tf.keep(t);
        results.push(t);
      }
    });
    try {
      return readOutputs(graph, results);
    } finally {
      for (const t of new Set(results)) if (!this.ctx.owns(t)) t.dispose();
    }
  }

  /** Releases the weights' tensors; the model cannot run afterwards. */
  dispose(): void {
    this.disposed = true;
    this.ctx.dispose();
  }

  /** Uploads the constants, groups the recurrent ops into programs, and makes one step per node. */
  private build(): void {
    const { graph, ctx } = this;
    const producer = new Map<number, Node>();
    for (const node of graph.nodes) for (const v of node.outputs) producer.set(v, node);
    const constant = (v: number): TensorData | undefined => {
      const op = v === NONE ? undefined : producer.get(v)?.op;
      return op?.kind === "const" ? op.data : undefined;
    };
    for (const node of graph.nodes) {
      if (node.op.kind !== "const") continue;
      const { data, shape } = node.op.data;
      this.constants[node.outputs[0]!] = ctx.upload(data, shape, TF_DTYPE[graph.values[node.outputs[0]!]!.dtype]);
    }

    // The scalars of hard_sigmoid (both editions') and of masking, made now so that runs make no kept tensor.
    for (const value of [0.2, 0.5, 1, 3, 6]) ctx.scalar(value);

    // The recurrent ops, with their constant weights.
    const lanes = new Map<Node, { lane: Lane; features: number }>();
    for (const node of graph.nodes) {
      if (node.op.kind !== "recurrent") continue;
      const inputs = recurrentInputs(node);
      const kernel = inputs.kernel === undefined ? undefined : constant(inputs.kernel);
      const recurrentKernel = constant(inputs.recurrentKernel);
      if (node.op.projected || !kernel || !recurrentKernel) {
        throw new Error("tfjs backend: a recurrent op needs its input unprojected and constant weights");
      }
      const biasData = (v: number | undefined) => {
        if (v === undefined) return undefined;
        const d = constant(v);
        if (!d) throw new Error("tfjs backend: recurrent biases must be constants");
        return d.data as Float32Array;
      };
      lanes.set(node, {
        features: kernel.shape[0]!,
        lane: {
          op: node.op,
          x: inputs.x,
          mask: inputs.mask ?? NONE,
          h0: inputs.h0 ?? NONE,
          c0: inputs.c0 ?? NONE,
          outputs: node.outputs,
          weights: {
            kernel: kernel.data as Float32Array,
            inputBias: biasData(inputs.inputBias),
            recurrentKernel: recurrentKernel.data as Float32Array,
            recurrentBias: biasData(inputs.recurrentBias),
          },
        },
      });
    }

    // A bidirectional layer's two directions (the same `pair`) run as one program, at the later one's place.
    const layout = layoutFor(this.tf.getBackend());
    const programAt = new Map<Node, RecurrentProgram | null>(); // null: runs as part of a later program
    const recurrent = [...lanes.keys()];
    for (let i = 0; i < recurrent.length; i++) {
      const a = recurrent[i]!;
      if (programAt.has(a)) continue;
      const la = lanes.get(a)!;
      const pair = la.lane.op.pair;
      const partner =
        pair === undefined
          ? undefined
          : recurrent.slice(i + 1).find((b) => {
              const lb = lanes.get(b)!;
              return !programAt.has(b) && lb.lane.op.pair === pair && RecurrentProgram.canFuse(la.lane.op, lb.lane.op);
            });
      const group = partner ? [a, partner] : [a];
      programAt.set(
        group[group.length - 1]!,
        new RecurrentProgram(
          ctx,
          layout,
          group.map((n) => lanes.get(n)!.lane),
          la.features,
        ),
      );
      if (partner) programAt.set(a, null);
    }

    for (const node of graph.nodes) {
      if (node.op.kind === "input" || node.op.kind === "const") continue;
      if (node.op.kind === "recurrent") {
        const program = programAt.get(node);
        if (program) this.steps.push((env) => program.run(env));
        continue;
      }
      this.steps.push(this.stepFor(node));
    }
  }

  /** The step that computes one (non-recurrent) node. */
  private stepFor(node: Node): Step {
    const { tf, ctx } = this;
    const op = node.op;
    const out = node.outputs[0]!;
    const [a, b] = node.inputs as [number, number];
    switch (op.kind) {
      case "matmul": {
        const bias = node.inputs.length > 2 ? node.inputs[2]! : NONE;
        return (env) => {
          const x = env[a]!;
          const w = env[b]!;
          const k = x.shape[x.shape.length - 1]!;
          const n = w.shape[1]!;
          const rows = x.shape.length === 2 ? x : tf.reshape(x, [x.shape.reduce((p, d) => p * d, 1) / k, k]);
          let y = tf.matMul(rows, w);
          if (bias !== NONE) y = tf.add(y, env[bias]!);
          y = activate(ctx, op.activation, y);
          env[out] = x.shape.length === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), n]);
        };
      }
      case "activation":
        return (env) => (env[out] = activate(ctx, op.fn, env[a]!));
      case "add":
        return node.inputs.length === 2
          ? (env) => (env[out] = tf.add(env[a]!, env[b]!))
          : (env) => (env[out] = tf.addN(node.inputs.map((v) => env[v]!)));
      case "mul":
        return (env) => (env[out] = tf.mul(env[a]!, env[b]!));
      case "scale": {
        const factor = ctx.scalar(op.factor);
        return (env) => (env[out] = tf.mul(env[a]!, factor));
      }
      case "concat":
        return (env) => {
          const parts = node.inputs.map((v) => env[v]!);
          const rank = parts[0]!.shape.length;
          env[out] = tf.concat(parts, op.axis < 0 ? rank + op.axis : op.axis);
        };
      case "gather": {
        // Ids straight from an input are checked before the run; others here, from their data.
        const checkedBefore = this.graph.inputs.some((i) => i.value === a);
        const vocab = () => this.constants[b]?.shape[0];
        if (checkedBefore && vocab() !== undefined) this.idChecks.push({ input: a, vocab: vocab()! });
        return (env) => {
          const ids = env[a]!;
          const table = env[b]!;
          if (!checkedBefore || vocab() === undefined) checkIds(ids.dataSync(), table.shape[0]!);
          env[out] = tf.gather(table, ids, 0);
        };
      }
      case "maskNotZero": {
        const zero = ctx.upload(new Int32Array([0]), [], "int32");
        return (env) => (env[out] = tf.notEqual(env[a]!, zero));
      }
      case "maskAnd":
        return (env) => (env[out] = node.inputs.slice(1).reduce((m, v) => tf.logicalAnd(m, env[v]!), env[a]!));
      case "maskOr":
        return (env) => (env[out] = node.inputs.slice(1).reduce((m, v) => tf.logicalOr(m, env[v]!), env[a]!));
      case "repeat":
        return (env) => {
          const [batch, features] = env[a]!.shape as [number, number];
          env[out] = tf.tile(tf.reshape(env[a]!, [batch, 1, features]), [1, op.n, 1]);
        };
      case "row":
        return (env) => {
          const cols = env[a]!.shape[1]!;
          env[out] = tf.reshape(tf.slice(env[a]!, [op.index, 0], [1, cols]), [cols]);
        };
      case "mergeTime":
        return (env) => {
          const [batch, time, ...rest] = env[a]!.shape as number[];
          env[out] = tf.reshape(env[a]!, [batch! * time!, ...rest]);
        };
      case "splitTime":
        return (env) => {
          const [, ...rest] = env[a]!.shape;
          const [batch, time] = env[b]!.shape as [number, number];
          env[out] = tf.reshape(env[a]!, [batch, time, ...rest]);
        };
      // ---- layers-a ----
      case "maskNotEqual": {
        const masked = ctx.scalar(op.value);
        return (env) => (env[out] = tf.any(tf.notEqual(env[a]!, masked), -1));
      }
      case "applyMask":
        return (env) => {
          const mask = tf.cast(env[b]!, "float32");
          env[out] = tf.mul(env[a]!, tf.reshape(mask, [...mask.shape, 1]));
        };
      case "layerNorm": {
        const [, gamma, beta] = node.inputs as [number, number, number];
        const epsilon = ctx.scalar(op.epsilon);
        return (env) => {
          // Keras's arithmetic: inv = gamma / sqrt(var + epsilon), then x·inv − mean·inv + beta.
          const x = env[a]!;
          const mean = tf.mean(x, -1, true);
          const centered = tf.sub(x, mean);
          const variance = tf.mean(tf.mul(centered, centered), -1, true);
          let inv = tf.rsqrt(tf.add(variance, epsilon));
          if (gamma !== NONE) inv = tf.mul(inv, env[gamma]!);
          const y = tf.sub(tf.mul(x, inv), tf.mul(mean, inv));
          env[out] = beta !== NONE ? tf.add(y, env[beta]!) : y;
        };
      }
      case "im2col":
        return (env) => {
          const x = env[a]!;
          const [batch, steps, features] = x.shape as [number, number, number];
          const { outSteps, padLeft } = convGeometry(op, steps);
          // Step steps of the padded input is a zero row: every position outside x reads it.
          const padded = tf.pad(x, [
            [0, 0],
            [0, 1],
            [0, 0],
          ]);
          const positions = new Int32Array(outSteps * op.kernelSize);
          for (let t = 0; t < outSteps; t++) {
            for (let j = 0; j < op.kernelSize; j++) {
              const s = t * op.strides + j * op.dilation - padLeft;
              positions[t * op.kernelSize + j] = s < 0 || s >= steps ? steps : s;
            }
          }
          const patches = tf.gather(padded, tf.tensor(positions, [positions.length], "int32"), 1);
          env[out] = tf.reshape(patches, [batch, outSteps, op.kernelSize * features]);
        };
      case "poolTime": {
        const mask = node.inputs.length > 1 ? node.inputs[1]! : NONE;
        if (op.mode === "max") return (env) => (env[out] = tf.max(env[a]!, 1));
        if (mask === NONE) return (env) => (env[out] = tf.mean(env[a]!, 1));
        return (env) => {
          const m = tf.cast(env[mask]!, "float32");
          const kept = tf.mul(env[a]!, tf.reshape(m, [...m.shape, 1]));
          env[out] = tf.div(tf.sum(kept, 1), tf.reshape(tf.sum(m, 1), [m.shape[0]!, 1]));
        };
      }
      case "flatten":
        return (env) => {
          const [batch, ...rest] = env[a]!.shape;
          env[out] = tf.reshape(env[a]!, [batch!, rest.reduce((p, d) => p * d, 1)]);
        };
      case "input":
      case "const":
      case "recurrent":
        throw new Error(`${op.kind} has no step of its own`);
      case "maximum":
        return (env) => (env[out] = node.inputs.slice(1).reduce((m, v) => tf.maximum(m, env[v]!), env[a]!));
      case "divide": {
        const divisor = ctx.scalar(op.divisor);
        return (env) => (env[out] = tf.div(env[a]!, divisor));
      }
      case "where": {
        const fill = op.fill === undefined ? undefined : ctx.scalar(op.fill);
        const otherwise = node.inputs[2];
        return (env) => {
          const x = env[a]!;
          const m = env[b]!;
          const mask = tf.broadcastTo(tf.reshape(m, [...m.shape, ...x.shape.slice(m.shape.length).map(() => 1)]), x.shape);
          env[out] = tf.where(mask, x, fill ? tf.broadcastTo(fill, x.shape) : env[otherwise!]!);
        };
      }
      case "attention":
        return attentionStep(ctx, node);
    }
  }
}

/** Keras's Attention on tfjs ops: scores, hidden steps at `score - 1e9`, softmax, the weighted values, masked queries zeroed. */
function attentionStep(ctx: TfContext, node: Node): Step {
  const { tf } = ctx;
  const op = node.op;
  if (op.kind !== "attention") throw new Error("not an attention node");
  const at = ATTENTION_INPUTS;
  const input = (i: number) => (node.inputs[i] === undefined || node.inputs[i] === NONE ? undefined : node.inputs[i]!);
  const [scaleV, weightV, queryMaskV, valueMaskV] = [at.scale, at.concatWeight, at.queryMask, at.valueMask].map(input);
  const hidden = ctx.scalar(1e9);
  const one = ctx.scalar(1);
  return (env) => {
    const q = env[node.inputs[at.query]!]!;
    const k = env[node.inputs[at.key]!]!;
    const v = env[node.inputs[at.value]!]!;
    const [batch, tq, dim] = q.shape as [number, number, number];
    const tv = k.shape[1]!;
    const scale = scaleV === undefined ? undefined : env[scaleV]!;
    let scores: TfTensor;
    if (op.score === "dot") {
      scores = tf.matMul(q, k, false, true);
      if (scale) scores = tf.mul(scores, scale);
    } else {
      // [B, Tq, 1, D] + [B, 1, Tv, D]
      let sum = tf.add(tf.reshape(q, [batch, tq, 1, dim]), tf.reshape(k, [batch, 1, tv, dim]));
      if (op.score === "concat") {
        if (scale) sum = tf.mul(scale, sum);
        scores = tf.mul(env[weightV!]!, tf.sum(tf.tanh(sum), -1));
      } else {
        const t = tf.tanh(sum);
        scores = tf.sum(scale ? tf.mul(scale, t) : t, -1);
      }
    }
    // 1 where a step is hidden from a query: the value mask's false steps, the causal mask's future.
    let hide: TfTensor | undefined;
    if (valueMaskV !== undefined) hide = tf.sub(one, tf.reshape(tf.cast(env[valueMaskV]!, "float32"), [batch, 1, tv]));
    if (op.causal) {
      const future = new Float32Array(tq * tv);
      for (let i = 0; i < tq; i++) for (let j = i + 1; j < tv; j++) future[i * tv + j] = 1;
      const causal = tf.tensor(future, [1, tq, tv], "float32");
      hide = hide ? tf.maximum(hide, causal) : causal;
    }
    if (hide) scores = tf.sub(scores, tf.mul(hide, hidden));
    const weights = tf.softmax(scores);
    let output = tf.matMul(weights, v);
    if (queryMaskV !== undefined) output = tf.mul(output, tf.reshape(tf.cast(env[queryMaskV]!, "float32"), [batch, tq, 1]));
    env[node.outputs[0]!] = output;
    env[node.outputs[1]!] = weights;
  };
}

/** Token ids must index the embedding table (the CPU backend's message). */
function checkIds(ids: ArrayLike<number>, vocab: number): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= vocab) {
      throw new DataError(`token id ${id} at index ${i} is outside the embedding's vocabulary 0..${vocab - 1}`);
    }
  }
}

/** Copies the outputs out of tfjs: the float32 ones into one fresh block, the others into their own arrays. */
function readOutputs(graph: Graph, tensors: TfTensor[]): TensorData[] {
  const values = tensors.map((t) => t.dataSync());
  let floats = 0;
  graph.outputs.forEach((v, i) => {
    if (graph.values[v]!.dtype === "f32") floats += values[i]!.length;
  });
  const block = new Float32Array(floats);
  let at = 0;
  return graph.outputs.map((v, i) => {
    const shape = tensors[i]!.shape.slice();
    const source = values[i]!;
    const dtype = graph.values[v]!.dtype;
    if (dtype === "i32") return { shape, data: Int32Array.from(source) };
    if (dtype === "bool") return { shape, data: Uint8Array.from(source) };
    const data = block.subarray(at, at + source.length);
    data.set(source);
    at += source.length;
    return { shape, data };
  });
}

// The code of one model: its plan function (the buffer layout, the weights copied in, the work
// done once per plan) and the run function it returns (the inputs copied in, one block of code per
// graph node, the outputs copied out). Every shape, size, offset and loop bound is a literal where
// the model's dims are numbers; named dims are variables, bound once per plan.
import { ATTENTION_INPUTS, convGeometry, NONE, recurrentInputs, type Node } from "../ir/graph.js";
import { Arena } from "../backends/cpu/wasm/arena.js";
import type { DType } from "../types/types.js";
import { literal } from "./names.js";
import { lengthOf, type ModelPlan } from "./plan.js";
import { copy, fill, inPlace, loop, matmulCode, type RuntimeName } from "../backends/cpu/kernels/js-code.js";
import { renderRecurrent, type ScratchLength } from "../backends/cpu/kernels/recurrent-code.js";
import { code, isStatic, mul, product, shapeCode, size, value, type Size } from "./sizes.js";

export type { RuntimeName };

interface BufferDecl {
  id: string;
  dtype: DType;
  length: Size;
  comment: string;
}

const BYTES: Record<DType, number> = { f32: 4, i32: 4, bool: 1 };

const VIEW: Record<DType, RuntimeName> = { f32: "f32", i32: "i32", bool: "u8" };

/** Writes one model's code; its ops' kernels (this file's, and backends/cpu/kernels/recurrent-code.ts's step) add to it through this. */
export class ModelEmitter {
  private readonly buffers: BufferDecl[] = [];
  private readonly packedBytes: number[] = [];
  private readonly bufferOf: string[] = [];
  /** Values sharing a buffer with another (reshapes): never overwritten in place. */
  private readonly aliased = new Set<number>();
  /** Statements run once per plan (after the weights are copied in) and on every run. */
  readonly setup: string[] = [];
  readonly steps: string[] = [];

  constructor(
    readonly plan: ModelPlan,
    private readonly runtime: Set<RuntimeName>,
  ) {}

  /** `$name`, recording that the module needs it. */
  rt(name: RuntimeName): string {
    this.runtime.add(name);
    return `$${name}`;
  }

  shape(value: number): Size[] {
    return this.plan.shapes[value]!;
  }

  length(value: number): Size {
    return lengthOf(this.plan, value);
  }

  buffer(value: number): string {
    const id = this.bufferOf[value];
    if (id === undefined) throw new Error(`value ${value} has no buffer yet`);
    return id;
  }

  /** A type for comments: `f32[1,4,3]`, `f32[B,T,3]` (dim names are identifiers: safe in a comment). */
  typeOf(value: number): string {
    const names = new Map(this.plan.dims.map((d) => [d.variable, d.name]));
    const dim = (s: Size) =>
      isStatic(s) ? String(s.coef) : [...s.vars.map((v) => names.get(v)!), ...(s.coef === 1 ? [] : [s.coef])].join("·");
    const text = `${this.plan.graph.values[value]!.dtype}[${this.shape(value).map(dim).join(",")}]`;
    if (!/^[A-Za-z0-9_·[\],]*$/.test(text)) throw new Error(`unexpected characters in a type: ${literal(text)}`);
    return text;
  }

  /** Gives a value its own buffer in the plan's arena. */
  allocate(value: number, comment: string): string {
    const id = `v${value}`;
    this.bufferOf[value] = id;
    this.buffers.push({ id, dtype: this.plan.graph.values[value]!.dtype, length: this.length(value), comment });
    return id;
  }

  /** Whether `value` is read by exactly one node and is not an output (its reader may overwrite it). */
  readOnlyHere(value: number): boolean {
    const graph = this.plan.graph;
    if (graph.outputs.includes(value) || this.aliased.has(value)) return false;
    return graph.nodes.filter((n) => n.inputs.includes(value)).length === 1;
  }

  /** A value that is another's data under a new shape (time_distributed's reshapes): the same buffer. */
  alias(value: number, of: number): void {
    this.aliased.add(of);
    this.aliased.add(value);
    this.bufferOf[value] = this.buffer(of);
  }

  /** A kernel's scratch buffer. */
  scratch(id: string, dtype: DType, length: Size, comment: string): string {
    this.buffers.push({ id, dtype, length, comment });
    return id;
  }

  /** A constant weight w [k, n] laid out for the SIMD matmul, once per plan; `undefined` without SIMD. */
  packed(id: string, weight: string, k: number, n: number): string {
    this.packedBytes.push(Arena.bytesFor([Arena.packedFloats(k, n) * 4]));
    this.setup.push(`const ${id} = arena.packStrips(${weight}, ${k}, ${n});`);
    return id;
  }

  /** out[i, :] += x[i, :] · w on views (offsets and strides in floats), the arena's matmul. */
  matmul(
    x: string,
    xOffset: string,
    xStride: string,
    m: string,
    k: string,
    w: string,
    n: string,
    out: string,
    outOffset: string,
    outStride: string,
    packed: string,
  ): string {
    return matmulCode(x, xOffset, xStride, m, k, w, n, out, outOffset, outStride, packed);
  }

  /** The plan function: `(consts, kernels, dims) => run`. */
  planFunction(): string {
    const plan = this.plan;
    const graph = plan.graph;
    const inputs = graph.inputs.map((input) => this.allocate(input.value, `input ${literal(input.name)}: ${this.typeOf(input.value)}`));
    const copies = plan.consts.map((c, i) => {
      const id = this.allocate(c.value, `weight ${literal(c.path)}[${c.index}]: ${this.typeOf(c.value)}`);
      return `${id}.set(consts[${i}]);`;
    });
    // Each node's work in a function of its own (which the JIT optimises on its own), called in order.
    const kernels: string[] = [];
    for (const [index, node] of graph.nodes.entries()) {
      if (node.op.kind === "input" || node.op.kind === "const") continue;
      const phase = plan.phases[node.outputs[0]!];
      const header = `// ${describeNode(this, node)}${phase === "create" ? " (from weights alone: once per plan)" : ""}`;
      const body = this.node(node, index);
      if (phase === "create" || node.op.kind === "mergeTime" || node.op.kind === "splitTime" || node.op.kind === "flatten") {
        (phase === "create" ? this.setup : this.steps).push(header, ...body);
        continue;
      }
      const name = `${node.op.kind === "recurrent" ? node.op.cell : node.op.kind}${index}`;
      kernels.push(header, `function ${name}() {`, ...body, "}");
      this.steps.push(`${name}();`);
    }
    const layout = this.layout();
    const outputs = this.outputs();
    const copyIn = (source: (i: number) => string) => inputs.map((id, i) => `${id}.set(${source(i)});`);
    if (plan.dims.length > 0) {
      // Named dims: the runtime has checked the inputs (prepareInputs) and picked this plan by their sizes.
      return [
        `(consts, kernels, dims) => {`,
        `const [${plan.dims.map((d) => d.variable).join(", ")}] = dims;`,
        ...layout,
        ...(copies.length > 0 ? ["// The weights.", ...copies] : []),
        ...this.setup,
        ...kernels,
        `return (inputs) => {`,
        ...copyIn((i) => `inputs[${i}].data`),
        ...this.steps,
        ...outputs,
        `};`,
        `}`,
      ].join("\n");
    }
    return [
      `(consts, kernels, dims, prepare) => {`,
      ...layout,
      ...(copies.length > 0 ? ["// The weights.", ...copies] : []),
      ...this.setup,
      ...kernels,
      ...this.exactInputs(inputs),
      `return (given) => {`,
      `if (!takeExact(given)) {`,
      `// Anything else is converted and checked, with the interpreter's messages.`,
      `const inputs = prepare(given);`,
      ...copyIn((i) => `inputs[${i}].data`),
      `}`,
      ...this.steps,
      ...outputs,
      `};`,
      `}`,
    ].join("\n");
  }

  /**
   * `takeExact(given)`: copies the inputs in when each is `{ data, shape }` with data of its dtype's
   * typed array and exactly its declared shape, and nothing else is given — what prepareInputs would
   * accept as it is; otherwise false, and the run goes through prepareInputs.
   */
  private exactInputs(buffers: string[]): string[] {
    const inputs = this.plan.graph.inputs;
    const ARRAY: Record<DType, string> = { f32: "Float32Array", i32: "Int32Array", bool: "Uint8Array" };
    const checks = inputs.flatMap((input, i) => {
      const dims = input.dims as number[];
      const shape = [`s${i}.length !== ${dims.length}`, ...dims.map((d, axis) => `s${i}[${axis}] !== ${d}`)];
      return [
        `const t${i} = given[${literal(input.name)}];`,
        `if (typeof t${i} !== "object" || t${i} === null || Array.isArray(t${i})) return false;`,
        `const s${i} = t${i}.shape;`,
        `if (!(t${i}.data instanceof ${ARRAY[input.dtype]}) || t${i}.data.length !== ${dims.reduce((a, b) => a * b, 1)} || !Array.isArray(s${i})) return false;`,
        `if (${shape.join(" || ")}) return false;`,
      ];
    });
    return [
      "/** Inputs given as typed arrays of exactly the declared shapes (and nothing else) are copied in as they are. */",
      "function takeExact(given) {",
      `for (const name in given) if (${inputs.map((input) => `name !== ${literal(input.name)}`).join(" && ")}) return false;`,
      ...checks,
      ...buffers.flatMap((id, i) => copy(id, `t${i}.data`, String(inputs[i]!.dims.reduce((a, b) => (a as number) * (b as number), 1)))),
      "return true;",
      "}",
    ];
  }

  /** Allocates a node's outputs and writes its kernel. */
  private node(node: Node, index: number): string[] {
    const op = node.op;
    if (op.kind === "mergeTime" || op.kind === "splitTime" || op.kind === "flatten") {
      this.alias(node.outputs[0]!, node.inputs[0]!);
      return [`// ${this.buffer(node.outputs[0]!)} is ${this.buffer(node.inputs[0]!)} as ${this.typeOf(node.outputs[0]!)}: no copy.`];
    }
    if (op.kind === "recurrent") {
      node.outputs.forEach((v, i) => {
        if (op.used[i]) this.allocate(v, `${["output", "h", "c"][i]} ${this.typeOf(v)}`);
      });
      return this.recurrent(node, index);
    }
    const out = this.allocate(node.outputs[0]!, this.typeOf(node.outputs[0]!));
    if (op.kind === "attention") return this.attention(node, out, index);
    return emitOp(this, node, out, index);
  }

  /** An attention node: a call of the CPU backend's own kernel (kernels/attention.ts), bundled into the module. */
  private attention(node: Node, out: string, index: number): string[] {
    const op = node.op;
    if (op.kind !== "attention") throw new Error("not an attention node");
    const weights = this.allocate(node.outputs[1]!, `attention weights ${this.typeOf(node.outputs[1]!)}`);
    const at = ATTENTION_INPUTS;
    const input = (i: number) => (node.inputs[i] === undefined || node.inputs[i] === NONE ? "undefined" : this.buffer(node.inputs[i]!));
    const [batch, tq, dim] = this.shape(node.inputs[at.query]!).map(code);
    const [, tv, valueDim] = this.shape(node.inputs[at.value]!).map(code);
    const io = `io${index}`;
    this.setup.push(
      `const ${io} = { query: ${input(at.query)}, key: ${input(at.key)}, value: ${input(at.value)}, scale: ${input(at.scale)}, ` +
        `concatWeight: ${input(at.concatWeight)}, queryMask: ${input(at.queryMask)}, valueMask: ${input(at.valueMask)}, ` +
        `output: ${out}, weights: ${weights} };`,
    );
    return [`${this.rt("attention")}(${literal(op.score)}, ${op.causal}, ${batch}, ${tq}, ${tv}, ${dim}, ${valueDim}, ${io});`];
  }

  /** A recurrent node: the CPU backend's step text (recurrent-code.ts) on this plan's buffers. */
  private recurrent(node: Node, index: number): string[] {
    const op = node.op;
    if (op.kind !== "recurrent") throw new Error("not a recurrent node");
    const inputs = recurrentInputs(node);
    const x = inputs.x;
    const [batch, steps] = this.shape(x);
    const input = (name: keyof typeof inputs) => (inputs[name] === undefined ? undefined : this.buffer(inputs[name]));
    const [output, h, c] = node.outputs.map((v, i) => (op.used[i] ? this.buffer(v) : undefined));
    const length = (l: ScratchLength): Size =>
      l === "projection" ? this.length(x) : "perSample" in l ? mul(batch!, size(l.perSample)) : size(l.floats);
    const target = {
      rt: (name: RuntimeName) => this.rt(name),
      scratch: (id: string, l: ScratchLength, comment: string) => this.scratch(id, "f32", length(l), comment),
      packed: (id: string, weight: string, k: number, n: number) => this.packed(id, weight, k, n),
      setup: this.setup,
    };
    return renderRecurrent(target, {
      op,
      batch: code(batch!),
      steps: code(steps!),
      projected: this.buffer(x),
      recurrentKernel: input("recurrentKernel")!,
      recurrentBias: input("recurrentBias"),
      mask: input("mask"),
      h0: input("h0"),
      c0: input("c0"),
      output,
      h,
      c,
      ownsProjection: this.readOnlyHere(x),
      suffix: String(index),
    });
  }

  /** Every buffer at its offset in one arena block: literal offsets, or computed once per plan from the dims. */
  private layout(): string[] {
    const packed = this.packedBytes.reduce((a, b) => a + b, 0);
    // Buffers of static size first, at literal offsets; those sized by named dims after them.
    const fixed = this.buffers.filter((b) => isStatic(b.length));
    const sized = this.buffers.filter((b) => !isStatic(b.length));
    let at = 0;
    const views = fixed.map((b) => {
      const line = `const ${b.id} = ${this.rt(VIEW[b.dtype])}(block, ${at}, ${value(b.length)}); // ${b.comment}`;
      at += Arena.bytesFor([value(b.length) * BYTES[b.dtype]]);
      return line;
    });
    if (sized.length === 0)
      return [`const arena = new ${this.rt("Arena")}(${at + packed}, kernels);`, `const block = arena.u8(${at});`, ...views];
    const lines = ["// Buffers sized by the dims follow the fixed ones: their offsets, once per plan.", `let bytes = ${at};`];
    for (const b of sized) {
      lines.push(
        `const at_${b.id} = bytes;`,
        `bytes += ${this.rt("align")}(${code(product([b.length, { coef: BYTES[b.dtype], vars: [] }]))});`,
      );
    }
    lines.push(`const arena = new ${this.rt("Arena")}(bytes + ${packed}, kernels);`, `const block = arena.u8(bytes);`, ...views);
    for (const b of sized) lines.push(`const ${b.id} = ${this.rt(VIEW[b.dtype])}(block, at_${b.id}, ${code(b.length)}); // ${b.comment}`);
    return lines;
  }

  /** The results, copied out of the arena: f32 ones into one fresh block, others each their own copy. */
  private outputs(): string[] {
    const graph = this.plan.graph;
    const floats = graph.outputs.filter((v) => graph.values[v]!.dtype === "f32");
    const lines: string[] = [];
    const offsets = new Map<number, string>();
    let at: string[] = [];
    const sum = (terms: string[]) => (terms.length === 0 ? "0" : terms.join(" + "));
    floats.forEach((v, i) => {
      offsets.set(i, sum(at));
      at = [...at, code(this.length(v))];
    });
    if (floats.length > 0) lines.push(`const out = new Float32Array(${sum(at)});`);
    let k = 0;
    const items = graph.outputs.map((v) => {
      const shape = shapeCode(this.shape(v));
      if (graph.values[v]!.dtype !== "f32") return `{ shape: ${shape}, data: ${this.buffer(v)}.slice() }`;
      const from = offsets.get(k++)!;
      lines.push(...copy("out", this.buffer(v), code(this.length(v)), from));
      return `{ shape: ${shape}, data: out.subarray(${from}, ${from === "0" ? "" : `${from} + `}${code(this.length(v))}) }`;
    });
    lines.push(`return [${items.join(", ")}];`);
    return lines;
  }
}

/** A node, for the comment above its code. */
function describeNode(e: ModelEmitter, node: Node): string {
  const op = node.op;
  const outs = node.outputs.map((v) => `${e.typeOf(v)}`).join(", ");
  const weight = node.inputs.map((v) => e.plan.consts.find((c) => c.value === v)).find((c) => c !== undefined);
  const layer = weight ? ` of layer ${literal(weight.path)}` : "";
  switch (op.kind) {
    case "matmul":
      return `matmul${layer}${op.activation !== "linear" ? `, then ${op.activation}` : ""} → ${outs}`;
    case "recurrent":
      return `${op.cell}${layer}${op.goBackwards ? ", backwards" : ""}, ${op.units} units → ${outs}`;
    case "activation":
      return `${op.fn} → ${outs}`;
    case "scale":
      return `× ${op.factor} → ${outs}`;
    case "concat":
      return `concat on axis ${op.axis} → ${outs}`;
    case "row":
      return `row ${op.index}${layer} → ${outs}`;
    case "repeat":
      return `repeat ${op.n} times → ${outs}`;
    default:
      return `${op.kind}${layer} → ${outs}`;
  }
}

// ---- the kernels of the element-wise and data-movement ops ----

function emitOp(e: ModelEmitter, node: Node, out: string, index: number): string[] {
  const op = node.op;
  const input = (i: number) => e.buffer(node.inputs[i]!);
  const n = code(e.length(node.outputs[0]!));
  switch (op.kind) {
    case "matmul": {
      const x = e.shape(node.inputs[0]!);
      const k = x[x.length - 1]!;
      const m = product(x.slice(0, -1));
      const w = e.shape(node.inputs[1]!);
      const cols = code(w[1]!);
      const packed = e.packed(`packed${index}`, input(1), value(w[0]!), value(w[1]!));
      const hasBias = node.inputs.length > 2 && node.inputs[2] !== NONE;
      const init = hasBias
        ? isStatic(m) && value(m) === 1
          ? copy(out, input(2), cols)
          : loop("i", code(m), copy(out, input(2), cols, `i * ${cols}`))
        : fill(out, "0", n, "0", true);
      return [
        ...init,
        e.matmul(input(0), "0", code(k), code(m), code(k), input(1), cols, out, "0", cols, packed),
        ...inPlace((name) => e.rt(name), op.activation, out, "0", n, cols),
      ];
    }
    case "activation": {
      const s = e.shape(node.inputs[0]!);
      return [...copy(out, input(0), n), ...inPlace((name) => e.rt(name), op.fn, out, "0", n, code(s[s.length - 1]!))];
    }
    case "add": {
      // The first two summed, then each further one added (as the interpreter does, rounding each sum).
      const lines = loop("i", n, [`${out}[i] = ${input(0)}[i] + ${input(1)}[i];`]);
      for (let k = 2; k < node.inputs.length; k++) lines.push(...loop("i", n, [`${out}[i] = ${out}[i] + ${input(k)}[i];`]));
      return node.inputs.length === 1 ? copy(out, input(0), n) : lines;
    }
    case "mul":
      return loop("i", n, [`${out}[i] = ${input(0)}[i] * ${input(1)}[i];`]);
    case "scale":
      return loop("i", n, [`${out}[i] = ${input(0)}[i] * ${numberCode(op.factor)};`]);
    case "concat": {
      const shapes = node.inputs.map((v) => e.shape(v));
      const axis = op.axis < 0 ? shapes[0]!.length + op.axis : op.axis;
      const outer = product(shapes[0]!.slice(0, axis));
      const inner = shapes.map((s) => product(s.slice(axis)));
      const total = code(product(e.shape(node.outputs[0]!).slice(axis)));
      let at = "";
      const body = inner.flatMap((len, k) => {
        const lines = loop("j", code(len), [`${out}[o * ${total}${at} + j] = ${input(k)}[o * ${code(len)} + j];`]);
        at += ` + ${code(len)}`;
        return lines;
      });
      return loop("o", code(outer), body);
    }
    case "gather": {
      const [vocab, dim] = e.shape(node.inputs[1]!).map(code);
      return loop("i", code(e.length(node.inputs[0]!)), [
        `const id = ${input(0)}[i];`,
        `if (id < 0 || id >= ${vocab}) throw new ${e.rt("DataError")}("token id " + id + " at index " + i + " is outside the embedding's vocabulary 0.." + (${vocab} - 1));`,
        `${out}.set(${input(1)}.subarray(id * ${dim}, (id + 1) * ${dim}), i * ${dim});`,
      ]);
    }
    case "maskNotZero":
      return loop("i", n, [`${out}[i] = ${input(0)}[i] !== 0 ? 1 : 0;`]);
    case "maskAnd":
    case "maskOr": {
      const bit = op.kind === "maskAnd" ? "&" : "|";
      const lines = loop("i", n, [`${out}[i] = ${input(0)}[i] ${bit} ${input(1)}[i];`]);
      for (let k = 2; k < node.inputs.length; k++) lines.push(...loop("i", n, [`${out}[i] = ${out}[i] ${bit} ${input(k)}[i];`]));
      return node.inputs.length === 1 ? copy(out, input(0), n) : lines;
    }
    case "repeat": {
      const [b, f] = e.shape(node.inputs[0]!).map(code);
      return loop("b", b!, loop("k", String(op.n), copy(out, input(0), f!, `(b * ${op.n} + k) * ${f}`, `b * ${f}`)));
    }
    case "row": {
      const cols = code(e.shape(node.inputs[0]!)[1]!);
      return [`${out}.set(${input(0)}.subarray(${op.index} * ${cols}, ${op.index + 1} * ${cols}));`];
    }
    // ---- layers-a: sequence-ops.ts's kernels, the very functions the CPU backend runs ----
    case "maskNotEqual": {
      const s = e.shape(node.inputs[0]!);
      return [`${e.rt("maskNotEqual")}(${input(0)}, ${code(s[s.length - 1]!)}, ${numberCode(op.value)}, ${out});`];
    }
    case "applyMask": {
      const s = e.shape(node.inputs[0]!);
      return [`${e.rt("applyMask")}(${input(0)}, ${input(1)}, ${code(s[s.length - 1]!)}, ${out});`];
    }
    case "layerNorm": {
      const s = e.shape(node.inputs[0]!);
      const gamma = node.inputs[1] !== NONE ? input(1) : "undefined";
      const beta = node.inputs[2] !== NONE ? input(2) : "undefined";
      return [`${e.rt("layerNorm")}(${input(0)}, ${code(s[s.length - 1]!)}, ${numberCode(op.epsilon)}, ${gamma}, ${beta}, ${out});`];
    }
    case "im2col": {
      const [b, t, f] = e.shape(node.inputs[0]!);
      const outSteps = e.shape(node.outputs[0]!)[1]!;
      // The left padding does not depend on the length where the length is a name (the conv keeps it).
      const { padLeft } = convGeometry(op, isStatic(t!) ? value(t!) : op.kernelSize * op.dilation);
      const args = [input(0), code(b!), code(t!), code(f!), op.kernelSize, op.strides, op.dilation, padLeft, code(outSteps), out];
      return [`${e.rt("im2col")}(${args.join(", ")});`];
    }
    case "poolTime": {
      const [b, t, f] = e.shape(node.inputs[0]!).map(code);
      const mask = node.inputs.length > 1 && node.inputs[1] !== NONE ? input(1) : "undefined";
      return [`${e.rt("poolTime")}(${input(0)}, ${b}, ${t}, ${f}, ${literal(op.mode)}, ${mask}, ${out});`];
    }
    case "flatten":
    case "mergeTime":
    case "splitTime":
    case "recurrent":
    case "input":
    case "const":
    case "attention":
      throw new Error(`${op.kind} is not an element-wise op`);
    case "maximum": {
      // Folded left to right, as tensor-ops.ts's maximum.
      const lines = loop("i", n, [`${out}[i] = Math.max(${input(0)}[i], ${input(1)}[i]);`]);
      for (let k = 2; k < node.inputs.length; k++) lines.push(...loop("i", n, [`${out}[i] = Math.max(${out}[i], ${input(k)}[i]);`]));
      return lines;
    }
    case "divide":
      return loop("i", n, [`${out}[i] = ${input(0)}[i] / ${numberCode(op.divisor)};`]);
    case "where": {
      const block = product(e.shape(node.inputs[0]!).slice(e.shape(node.inputs[1]!).length));
      const y = op.fill === undefined ? input(2) : "undefined";
      return [`${e.rt("where")}(${input(0)}, ${input(1)}, ${code(block)}, ${y}, ${numberCode(op.fill ?? 0)}, ${out});`];
    }
  }
}

function numberCode(x: number): string {
  return Object.is(x, -0) ? "-0" : x < 0 ? `(${x})` : String(x);
}

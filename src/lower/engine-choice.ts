// `backend: "auto"`: which engine runs a call, rnnc's CPU kernels or ONNX Runtime, from a cost model
// of the graph at the call's input shapes. Each engine's time is a fixed cost per call plus the
// graph's floating-point work at that engine's rate; the cheaper estimate wins. Small models are
// dominated by ORT's per-call overhead (tensor wrapping, session dispatch), large ones by its faster
// recurrent and matmul kernels.
import { ATTENTION_INPUTS, recurrentInputs, type Graph } from "../ir/graph.js";
import { gateCount } from "../ir/cells.js";
import { inferShapes, numbers } from "../ir/shapes.js";
import { sizeOf } from "../types/tensor-data.js";

export type Engine = "cpu" | "ort";

/** One engine's cost: a fixed time per call and a rate of floating-point work. */
export interface EngineCost {
  fixedMs: number;
  gflops: number;
}

/**
 * Fitted to this machine (2× AMD EPYC cores; load average 1.75 at the start, 1.78 at the end) on
 * 2026-12-07, after the kernels' SIMD gates (issue 14), by
 *   BENCH_ENGINES=rnnc-cpu,rnnc-ort BENCH_JSON=fit.json npm run bench:runtime
 *   node bench/fit-engine-costs.mjs fit.json
 * which printed cpu { fixedMs: 0.00308, gflops: 40.5 } and ort { fixedMs: 0.0247, gflops: 194 }:
 * the fixed cost is workload S's median (its work is negligible), the rate the geometric mean of
 * each larger workload's work over its time. The two cross at about 1.1 MFLOP per call. See
 * docs/decisions.md ("ONNX Runtime backend and auto").
 */
export const COSTS: Record<Engine, EngineCost> = {
  cpu: { fixedMs: 0.00308, gflops: 40.5 },
  ort: { fixedMs: 0.0247, gflops: 194 },
};

/** What auto chose for one set of input shapes, and why. */
export interface EngineChoice {
  engine: Engine;
  /** One line: the estimate of each engine, or why ORT was not an option. */
  reason: string;
  /** The graph's estimated floating-point operations for these shapes. */
  flops: number;
}

/** The engine the cost model picks for `flops` of work; `ortUnavailable` (a reason) leaves only the CPU. */
export function chooseEngine(flops: number, ortUnavailable?: string): EngineChoice {
  if (ortUnavailable !== undefined)
    return { engine: "cpu", reason: `auto chose cpu: ONNX Runtime cannot run this model (${ortUnavailable})`, flops };
  const cpu = estimateMs(COSTS.cpu, flops);
  const ort = estimateMs(COSTS.ort, flops);
  const engine: Engine = ort < cpu ? "ort" : "cpu";
  const [won, lost] = engine === "ort" ? [ort, cpu] : [cpu, ort];
  return {
    engine,
    reason: `auto chose ${engine}: ${formatFlops(flops)} per call, estimated ${formatMs(won)} on ${engine} against ${formatMs(lost)} on ${engine === "ort" ? "cpu" : "ort"}`,
    flops,
  };
}

export function estimateMs(cost: EngineCost, flops: number): number {
  return cost.fixedMs + flops / (cost.gflops * 1e6);
}

/**
 * The floating-point operations of one run of `graph` on inputs of `inputShapes`: a multiply-add is
 * two; matmuls, recurrences and attention by their products, every other op one per output value.
 */
export function estimateFlops(graph: Graph, inputShapes: readonly (readonly number[])[]): number {
  const shapes: number[][] = [];
  graph.inputs.forEach((input, i) => (shapes[input.value] = [...inputShapes[i]!]));
  let flops = 0;
  for (const node of graph.nodes) {
    const op = node.op;
    if (op.kind === "input") continue;
    if (op.kind === "const") {
      shapes[node.outputs[0]!] = [...op.data.shape];
      continue;
    }
    const outShapes = inferShapes(node, shapes, numbers);
    node.outputs.forEach((v, i) => (shapes[v] = outShapes[i]!));
    if (op.kind === "matmul") {
      const k = shapes[node.inputs[1]!]![0]!;
      flops += 2 * sizeOf(outShapes[0]!) * k;
    } else if (op.kind === "recurrent") {
      const [batch, steps, features] = shapes[recurrentInputs(node).x]!;
      const width = gateCount(op.cell) * op.units;
      const input = op.projected ? 0 : features!;
      // The input and recurrent matmuls, and about ten operations per gate value for the cell itself.
      flops += batch! * steps! * width * (2 * (input + op.units) + 10);
    } else if (op.kind === "attention") {
      const [batch, tq, d] = shapes[node.inputs[ATTENTION_INPUTS.query]!]!;
      const [, tv, dv] = shapes[node.inputs[ATTENTION_INPUTS.value]!]!;
      flops += 2 * batch! * tq! * tv! * (d! + dv!);
    } else {
      for (const s of outShapes) flops += sizeOf(s);
    }
  }
  return flops;
}

function formatFlops(flops: number): string {
  const units = ["FLOP", "kFLOP", "MFLOP", "GFLOP", "TFLOP"];
  let value = flops;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toPrecision(3)} ${units[unit]}`;
}

function formatMs(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toPrecision(3)} µs` : `${ms.toPrecision(3)} ms`;
}

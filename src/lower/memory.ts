// The memory guard: before anything is allocated, rnnc estimates what a model needs — its weights
// at load, then per set of input shapes every buffer a run plans (the CPU backend keeps every value
// of the graph, the weights and the inputs in one arena, and copies the outputs out) — and refuses
// past a budget with one line naming the layer and the estimate, instead of dying inside an
// allocation. A failed allocation that slips past the estimate gets the same message.
import { Arena } from "../backends/cpu/wasm/arena.js";
import { recurrentStep } from "../backends/cpu/executor.js";
import type { CheckedModel } from "../check/program.js";
import { isLayerRow } from "../check/program.js";
import { gateCount } from "../ir/cells.js";
import { recurrentInputs } from "../ir/graph.js";
import type { Graph } from "../ir/graph.js";
import { inferShapes, numbers } from "../ir/shapes.js";
import { echo } from "../source/echo.js";
import { DataError, formatShape, sizeOf } from "../types/tensor-data.js";
import type { DType } from "../types/types.js";

/** The default budget: this share of the machine's physical memory. */
export const DEFAULT_MEMORY_SHARE = 0.5;

/** WebAssembly's 4 GiB: the CPU backend's arena can never be larger, whatever the machine has. */
const WASM_MEMORY_LIMIT = 4 * 1024 ** 3;

/**
 * The default budget for a machine of `machineBytes` of memory. Without Node's os.totalmem (the
 * library in a browser; the Node entry passes it) the machine's is what the browser tells
 * (navigator.deviceMemory, in GiB, in Chromium-based browsers) or else WebAssembly's 4 GiB.
 */
export function defaultMemoryBudget(machineBytes: number = browserMemory()): number {
  return Math.floor(machineBytes * DEFAULT_MEMORY_SHARE);
}

function browserMemory(): number {
  const gib = (globalThis as { navigator?: { deviceMemory?: unknown } }).navigator?.deviceMemory;
  return typeof gib === "number" && gib > 0 ? gib * 1024 ** 3 : WASM_MEMORY_LIMIT;
}

/** A run (or a load) that would need more memory than the budget allows. */
export class MemoryBudgetError extends DataError {}

/** What an estimate found: the total, and the biggest single part and where it comes from. */
export interface MemoryEstimate {
  bytes: number;
  largest: { bytes: number; what: string };
}

const BYTES: Record<DType, number> = { f32: 4, i32: 4, bool: 1 };

/**
 * The weights of `model` and every model it calls, before any is made: each float32 is held three
 * times while the model runs (the bound copy, the arena's and the SIMD kernel's packed copy), and
 * an initializer drawing the largest works in float64 on a copy of it (orthogonal's QR). A layer too
 * big to run is refused before its initializer fills gigabytes.
 */
export function estimateWeights(model: CheckedModel, models: ReadonlyMap<string, CheckedModel>, initializing: boolean): MemoryEstimate {
  const largest = { bytes: 0, what: "" };
  const visit = (m: CheckedModel, prefix: string, depth: number): void => {
    for (const row of m.rows) {
      if (!isLayerRow(row)) {
        const called = models.get(row.model);
        if (called && depth < 1000) visit(called, `${prefix}${row.model}/`, depth + 1);
        continue;
      }
      for (const w of row.weights) {
        const bytes = 4 * sizeOf(w.shape);
        if (bytes > largest.bytes) {
          largest.bytes = bytes;
          largest.what = `${w.name} ${formatShape(w.shape)} in layer ${echo(prefix + row.name)}`;
        }
      }
    }
  };
  visit(model, "", 0);
  return { bytes: 3 * 4 * model.params + (initializing ? 4 * largest.bytes : 0), largest };
}

/** Every buffer a run of `graph` on inputs of `inputShapes` plans, as the CPU backend lays them out. */
export function estimateRun(graph: Graph, inputShapes: readonly (readonly number[])[]): MemoryEstimate {
  const shapes: number[][] = [];
  graph.inputs.forEach((input, i) => (shapes[input.value] = [...inputShapes[i]!]));
  let bytes = 0;
  const largest = { bytes: 0, what: "" };
  const note = (size: number, what: () => string): void => {
    bytes += size;
    if (size > largest.bytes) {
      largest.bytes = size;
      largest.what = what();
    }
  };
  for (const input of graph.inputs) {
    // The caller's copy and the arena's.
    const size = sizeOf(shapes[input.value]!) * BYTES[input.dtype];
    note(2 * size, () => `input ${echo(input.name)} ${formatShape(shapes[input.value]!)}`);
  }
  for (const node of graph.nodes) {
    const op = node.op;
    if (op.kind === "input") continue;
    // "lstm output [1,5,16000] in layer encoder", or just "repeat_vector [1,1000000000,4]" when the note names it.
    const where = (what: string, shape: readonly number[]) =>
      `${what} ${formatShape(shape)}${node.layer === undefined || node.layer === what ? "" : ` in layer ${echo(node.layer)}`}`;
    if (op.kind === "const") {
      shapes[node.outputs[0]!] = [...op.data.shape];
      // Held twice: the bound weights and the arena's copy.
      note(2 * op.data.data.byteLength, () => where("weight", op.data.shape));
      continue;
    }
    const outShapes = inferShapes(node, shapes, numbers);
    node.outputs.forEach((v, i) => {
      shapes[v] = outShapes[i]!;
      const size = sizeOf(outShapes[i]!) * BYTES[graph.values[v]!.dtype];
      note(size, () => where(graph.values[v]!.note, outShapes[i]!));
    });
    if (op.kind === "matmul") {
      const [k, n] = shapes[node.inputs[1]!]!;
      note(4 * Arena.packedFloats(k!, n!), () => where("packed weight", [k!, n!]));
    }
    if (op.kind === "recurrent") {
      // A graph the tfjs backend runs keeps its input projection inside the op: estimate it as the CPU
      // backend would lay it out (projected first), an upper bound for tfjs.
      const [batch, steps] = shapes[recurrentInputs(node).x]!;
      if (!op.projected)
        note(4 * batch! * steps! * gateCount(op.cell) * op.units, () =>
          where("input projection", [batch!, steps!, gateCount(op.cell) * op.units]),
        );
      const projected = op.projected ? node : { ...node, op: { ...op, projected: true } };
      const scratch = recurrentStep(graph, projected, shapes)
        .arenaFloats()
        .reduce((a, b) => a + b, 0);
      note(4 * scratch, () => where(`${op.cell} scratch`, [scratch]));
    }
  }
  // The results are copied out of the arena.
  for (const v of graph.outputs) bytes += sizeOf(shapes[v]!) * BYTES[graph.values[v]!.dtype];
  return { bytes, largest };
}

/** Throws a MemoryBudgetError when `estimate` is past `budget`; `what` says what needs it. */
export function enforceBudget(estimate: MemoryEstimate, budget: number, what: string): void {
  if (estimate.bytes <= budget) return;
  throw new MemoryBudgetError(
    `${describeNeed(estimate, what)}, more than the memory budget of ${formatBytes(budget)}; raise it with --max-memory (loadModel's maxMemory) if the machine has the memory`,
  );
}

/** Runs `f`; an allocation that fails inside it (the estimate was too low) gets the budget's kind of message. */
export function allocating<T>(estimate: MemoryEstimate, what: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (!isAllocationFailure(error)) throw error;
    throw new MemoryBudgetError(
      `${describeNeed(estimate, what)}, and allocating it failed (${echo((error as Error).message)}); lower the sizes, or run on a machine with more memory`,
    );
  }
}

/** "running M on x [1,4] needs about 14.9 GB (the largest part: …)". */
function describeNeed(estimate: MemoryEstimate, what: string): string {
  const largest = estimate.largest.bytes > 0 ? ` (the largest part: ${estimate.largest.what}, ${formatBytes(estimate.largest.bytes)})` : "";
  return `${what} needs about ${formatBytes(estimate.bytes)}${largest}`;
}

/** Whether `error` is an allocation that failed: a WebAssembly memory or an array buffer too big. */
function isAllocationFailure(error: unknown): boolean {
  if (!(error instanceof RangeError)) return false;
  return /WebAssembly\.Memory|Array buffer allocation failed|Invalid typed array length|Invalid array buffer length|out of memory/i.test(
    error.message,
  );
}

export function formatBytes(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * A size as the user writes it: bytes, or a number with K, M, G or T (powers of 1024; `B`, `iB`
 * and `b` suffixes accepted: 512M, 2G, 1.5GiB). Undefined when it is not one.
 */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const power = ["", "k", "m", "g", "t"].indexOf(m[2]!.toLowerCase());
  const bytes = Math.floor(Number(m[1]) * 1024 ** power);
  return bytes > 0 && Number.isFinite(bytes) ? bytes : undefined;
}

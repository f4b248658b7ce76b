// The arena's SIMD recurrent step kernels (lstm_gates, gru_gates, gru_reset + gru_update, rnn_gates)
// where the float64 JavaScript loop was the only path before: unit counts that are not a multiple of
// 4, Keras's masking, GRU reset_after=false, SimpleRNN. Each kernel against the float64 formulas
// (and the memory around its rows left alone), the step text calling it, and whole models taking it
// (counted) with the numbers of the JS loop (`simd: false`) to 1e-5.
import { afterEach, describe, expect, it, vi } from "vitest";
import { sigmoid, tanh } from "../../src/backends/cpu/kernels/activations.js";
import { MIN_SIMD_UNITS, renderRecurrent } from "../../src/backends/cpu/kernels/recurrent-code.js";
import { RecurrentStep } from "../../src/backends/cpu/kernels/recurrent.js";
import { Arena, type StepMask } from "../../src/backends/cpu/wasm/arena.js";
import { check, loadModel } from "../../src/index.js";
import type { RecurrentOp } from "../../src/ir/graph.js";
import type { TensorData } from "../../src/types/tensor-data.js";
import { recurrentOp } from "./recurrent-op.js";

/** Deterministic uniform floats in [-1, 1) (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

/** What the kernels must leave alone: the padding after each row and after each buffer. */
const SENTINEL = 12345.5;
const UNITS = [1, 2, 3, 5, 6, 7, 8, 13];
const BATCH = 4;
/** Sample 1 is masked (its mask byte 0), the others run. */
const MASK_ROW = [1, 0, 1, 1];

/** One step kernel's problem: gate rows `width + 3` floats apart (the padding SENTINEL), states [BATCH, u] plus padding. */
interface Problem {
  u: number;
  gates: Float32Array;
  gOffset: number;
  gStride: number;
  /** A buffer per state or input row block, BATCH·u (or BATCH·3u for part) floats then 4 of SENTINEL. */
  rows: Record<string, Float32Array>;
  /** The mask [BATCH, 2] read at column 1 (offset 1, stride 2). */
  mask: Uint8Array;
  /** Copies of everything before the call. */
  before: Record<string, Float32Array>;
}

function problem(arena: Arena, u: number, blocks: number, rowNames: Record<string, number>, seed: number): Problem {
  const r = rng(seed);
  const gStride = blocks * u + 3;
  const gOffset = 2;
  const gates = arena.f32(gOffset + BATCH * gStride + 4);
  gates.fill(SENTINEL);
  for (let s = 0; s < BATCH; s++) for (let i = 0; i < blocks * u; i++) gates[gOffset + s * gStride + i] = i % 7 === 0 ? 40 * r() : 4 * r();
  const rows: Record<string, Float32Array> = {};
  for (const [name, perSample] of Object.entries(rowNames)) {
    const row = arena.f32(BATCH * perSample * u + 4);
    row.fill(SENTINEL);
    for (let i = 0; i < BATCH * perSample * u; i++) row[i] = 2 * r();
    rows[name] = row;
  }
  const mask = arena.u8(2 * BATCH);
  MASK_ROW.forEach((m, s) => ((mask[2 * s] = 1 - m), (mask[2 * s + 1] = m)));
  const before: Record<string, Float32Array> = { gates: Float32Array.from(gates) };
  for (const [name, row] of Object.entries(rows)) before[name] = Float32Array.from(row);
  return { u, gates, gOffset, gStride, rows, mask, before };
}

/** Gate block `block`, unit j of sample s, before the call. */
const gate = (p: Problem, s: number, block: number, j: number) => p.before.gates![p.gOffset + s * p.gStride + block * p.u + j]!;

/**
 * Checks that each state row holds `expected(s, j)` (per name) to 1e-6 where sample s runs; where it
 * is masked, its states as they were and its output zeros (zero) or as it was; and that nothing else
 * (padding, the gates, the masked rows) changed.
 */
function verify(p: Problem, masked: boolean, zero: boolean, expected: Record<string, (s: number, j: number) => number>): string[] {
  const problems: string[] = [];
  for (const [name, row] of Object.entries(p.rows)) {
    const was = p.before[name]!;
    for (let i = 0; i < row.length; i++) {
      const s = Math.floor(i / p.u);
      const f = expected[name];
      let want: number;
      if (!f || s >= BATCH) want = was[i]!;
      else if (masked && MASK_ROW[s] === 0) want = name === "prev" && zero ? 0 : was[i]!;
      else {
        const value = f(s, i % p.u);
        if (!(Math.abs(row[i]! - value) <= 1e-6)) problems.push(`${name}[${s},${i % p.u}] = ${row[i]}, expected ${value}`);
        continue;
      }
      if (!Object.is(row[i], want)) problems.push(`${name}[${i}] = ${row[i]}, expected it left at ${want}`);
    }
  }
  p.gates.forEach((v, i) => {
    if (!Object.is(v, p.before.gates![i])) problems.push(`gates[${i}] was written: ${v}`);
  });
  return problems.slice(0, 5);
}

/** The kernels' mask arguments: the problem's mask read at column 1 of 2, or none. */
const stepMask = (p: Problem, masked: boolean, zero: boolean): StepMask => (masked ? [p.mask, 1, 2, zero] : [undefined, 0, 0, false]);

const MASKINGS = [
  { label: "no mask", masked: false, zero: false },
  { label: "masked, previous output", masked: true, zero: false },
  { label: "masked, zero output", masked: true, zero: true },
];

describe("the SIMD step kernels against the float64 formulas: any units, masked samples, the padding untouched", () => {
  for (const { label, masked, zero } of MASKINGS) {
    it(`lstmGates, ${label}`, () => {
      const failures: string[] = [];
      for (const u of UNITS) {
        const arena = new Arena(1 << 16);
        const p = problem(arena, u, 4, { c: 1, h: 1, prev: 1 }, u);
        const { c, h, prev } = p.rows as Record<string, Float32Array>;
        const m = stepMask(p, masked, zero);
        arena.lstmGates!(p.gates, p.gOffset, p.gStride, c!, h!, prev!, u, BATCH, ...m);
        const cNew = (s: number, j: number) =>
          sigmoid(gate(p, s, 1, j)) * p.before.c![s * u + j]! + sigmoid(gate(p, s, 0, j)) * tanh(gate(p, s, 2, j));
        const hNew = (s: number, j: number) => sigmoid(gate(p, s, 3, j)) * tanh(cNew(s, j));
        failures.push(...verify(p, masked, zero, { c: cNew, h: hNew, prev: hNew }).map((f) => `u${u}: ${f}`));
      }
      expect(failures).toEqual([]);
    });

    it(`gruGates (reset_after), ${label}`, () => {
      const failures: string[] = [];
      for (const u of UNITS) {
        const arena = new Arena(1 << 16);
        const p = problem(arena, u, 3, { part: 3, h: 1, prev: 1 }, 100 + u);
        const { part, h, prev } = p.rows as Record<string, Float32Array>;
        const m = stepMask(p, masked, zero);
        arena.gruGates!(p.gates, p.gOffset, p.gStride, part!, h!, prev!, u, BATCH, ...m);
        const pt = (s: number, block: number, j: number) => p.before.part![s * 3 * u + block * u + j]!;
        const hNew = (s: number, j: number) => {
          const z = sigmoid(gate(p, s, 0, j) + pt(s, 0, j));
          const candidate = tanh(gate(p, s, 2, j) + sigmoid(gate(p, s, 1, j) + pt(s, 1, j)) * pt(s, 2, j));
          return z * p.before.h![s * u + j]! + (1 - z) * candidate;
        };
        failures.push(...verify(p, masked, zero, { h: hNew, prev: hNew }).map((f) => `u${u}: ${f}`));
      }
      expect(failures).toEqual([]);
    });

    it(`gruUpdate (reset_after=false), ${label}`, () => {
      const failures: string[] = [];
      for (const u of UNITS) {
        const arena = new Arena(1 << 16);
        const p = problem(arena, u, 3, { h: 1, prev: 1 }, 200 + u);
        const { h, prev } = p.rows as Record<string, Float32Array>;
        const m = stepMask(p, masked, zero);
        arena.gruUpdate!(p.gates, p.gOffset, p.gStride, h!, prev!, u, BATCH, ...m);
        const hNew = (s: number, j: number) => {
          const z = sigmoid(gate(p, s, 0, j));
          return z * p.before.h![s * u + j]! + (1 - z) * tanh(gate(p, s, 2, j));
        };
        failures.push(...verify(p, masked, zero, { h: hNew, prev: hNew }).map((f) => `u${u}: ${f}`));
      }
      expect(failures).toEqual([]);
    });

    it(`rnnGates (SimpleRNN), ${label}`, () => {
      const failures: string[] = [];
      for (const u of UNITS) {
        const arena = new Arena(1 << 16);
        const p = problem(arena, u, 1, { h: 1, prev: 1 }, 300 + u);
        const { h, prev } = p.rows as Record<string, Float32Array>;
        const m = stepMask(p, masked, zero);
        arena.rnnGates!(p.gates, p.gOffset, p.gStride, h!, prev!, u, BATCH, ...m);
        const hNew = (s: number, j: number) => tanh(gate(p, s, 0, j));
        failures.push(...verify(p, masked, zero, { h: hNew, prev: hNew }).map((f) => `u${u}: ${f}`));
      }
      expect(failures).toEqual([]);
    });
  }

  it("gruReset (reset_after=false): r∘h = σ(r)·h for every sample, masked or not (its candidate is discarded)", () => {
    const failures: string[] = [];
    for (const u of UNITS) {
      const arena = new Arena(1 << 16);
      const p = problem(arena, u, 3, { h: 1, reset: 1 }, 400 + u);
      const { h, reset } = p.rows as Record<string, Float32Array>;
      arena.gruReset!(p.gates, p.gOffset, p.gStride, h!, reset!, u, BATCH);
      const r = (s: number, j: number) => sigmoid(gate(p, s, 1, j)) * p.before.h![s * u + j]!;
      failures.push(...verify(p, false, false, { reset: r }).map((f) => `u${u}: ${f}`));
    }
    expect(failures).toEqual([]);
  });

  it("are absent without SIMD", () => {
    const arena = new Arena(Arena.bytesFor([64]), { simd: false });
    expect([arena.lstmGates, arena.gruGates, arena.gruReset, arena.gruUpdate, arena.rnnGates]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

// ---- the step text ----

/** Five units: a tail of one past a multiple of 4. */
const op = (cell: RecurrentOp["cell"], extra: Partial<RecurrentOp> = {}): RecurrentOp => recurrentOp(cell, { units: 5, ...extra });

function text(o: RecurrentOp, mask?: string): string {
  const rt = (name: string) => `$${name}`;
  return renderRecurrent(
    { rt, scratch: (id) => id, packed: (id) => id, setup: [] },
    { op: o, batch: "2", steps: "7", projected: "p", recurrentKernel: "r", output: "y", h: "hOut", ownsProjection: true, suffix: "", mask },
  ).join("\n");
}

describe("the step text calls the SIMD kernels", () => {
  const cases: [string, RecurrentOp, string[]][] = [
    ["lstm, 5 units", op("lstm"), ["lstmGates"]],
    ["gru reset_after, 5 units", op("gru"), ["gruGates"]],
    ["gru reset_after=false", op("gru", { resetAfter: false }), ["gruReset", "gruUpdate"]],
    ["simple_rnn", op("simple_rnn"), ["rnnGates"]],
    ["simple_rnn with a recurrent_activation it does not use", op("simple_rnn", { recurrentActivation: "hard_sigmoid" }), ["rnnGates"]],
  ];
  for (const [label, o, kernels] of cases) {
    it(`${label}: unmasked and masked (the mask's step t, stride T, zero_output_for_mask passed on)`, () => {
      for (const k of kernels) {
        expect(text(o)).toContain(`if (arena.${k} !== undefined) {`);
        expect(text(o, "m")).toContain(`if (arena.${k} !== undefined) {`);
      }
      const last = kernels[kernels.length - 1]!;
      expect(text(o)).toMatch(new RegExp(`arena\\.${last}\\([^)]*, 5, 2, undefined, 0, 0, false\\);`));
      expect(text(o, "m")).toMatch(new RegExp(`arena\\.${last}\\([^)]*, 5, 2, m, t, 7, false\\);`));
      expect(text({ ...o, zeroOutputForMask: true }, "m")).toMatch(new RegExp(`arena\\.${last}\\([^)]*, m, t, 7, true\\);`));
    });
  }

  it("other activations keep the JavaScript loop alone", () => {
    for (const o of [
      op("lstm", { recurrentActivation: "hard_sigmoid" }),
      op("gru", { activation: "relu" }),
      op("gru", { resetAfter: false, recurrentActivation: "linear" }),
      op("simple_rnn", { activation: "relu" }),
      op("lstm", { activation: "softmax" }),
    ])
      expect(text(o)).not.toContain("arena.");
  });
});

// ---- whole models ----

/** Which SIMD step kernels ran, counted per kernel, in plans built while `counting` is on. */
let calls: Record<string, number> = {};
const KERNELS = ["lstmGates", "gruGates", "gruReset", "gruUpdate", "rnnGates"] as const;

afterEach(() => {
  vi.restoreAllMocks();
});

/** Counts the step kernels' calls in every recurrent step instantiated from now on. */
function countKernels(): void {
  calls = {};
  const instantiate = RecurrentStep.prototype.instantiate;
  // A plan's recurrent steps share its arena: its kernels are wrapped once.
  const counted = new WeakSet<Arena>();
  vi.spyOn(RecurrentStep.prototype, "instantiate").mockImplementation(function (this: RecurrentStep, arena, io) {
    const kernels = arena as unknown as Record<string, ((...args: unknown[]) => void) | undefined>;
    for (const name of counted.has(arena) ? [] : KERNELS) {
      const kernel = kernels[name];
      if (kernel)
        kernels[name] = (...args: unknown[]) => {
          calls[name] = (calls[name] ?? 0) + 1;
          kernel(...args);
        };
    }
    counted.add(arena);
    return instantiate.call(this, arena, io);
  });
}

interface ModelCase {
  label: string;
  layer: string;
  /** The SIMD kernels each step calls. */
  kernels: string[];
}

const LAYERS: ModelCase[] = [
  { label: "lstm", layer: "lstm", kernels: ["lstmGates"] },
  { label: "gru (reset_after)", layer: "gru", kernels: ["gruGates"] },
  { label: "gru reset_after=false", layer: "gru", kernels: ["gruReset", "gruUpdate"] },
  { label: "simple_rnn", layer: "rnn", kernels: ["rnnGates"] },
];

/** [B, T] masks: holes, a sample masked throughout, one kept throughout, leading and trailing masked steps. */
function maskData(B: number, T: number): Uint8Array {
  const r = rng(B * 31 + T);
  const mask = new Uint8Array(B * T);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) mask[b * T + t] = b === 1 ? 0 : b === 2 ? 1 : t === 0 || t === T - 1 ? 0 : r() < 0.6 ? 1 : 0;
  return mask;
}

function runBoth(source: string, inputs: Record<string, TensorData>): { simd: TensorData[]; js: TensorData[] } {
  const checked = check(source);
  expect(checked.diagnostics.map((d) => d.message)).toEqual([]);
  const js = loadModel(checked, { simd: false }).run(inputs);
  countKernels();
  const simd = loadModel(checked).run(inputs);
  return { simd, js };
}

function worst(a: TensorData[], b: TensorData[]): number {
  let apart = 0;
  a.forEach((t, i) => t.data.forEach((v, j) => (apart = Math.max(apart, Math.abs(Number(v) - Number(b[i]!.data[j]))))));
  return apart;
}

describe("models run the SIMD steps with the JS loop's numbers to 1e-5", () => {
  const [B, T, F] = [5, 9, 6];
  const r = rng(5);
  const x: TensorData = { shape: [B, T, F], data: Float32Array.from({ length: B * T * F }, () => 2 * r()) };
  for (const { label, layer, kernels } of LAYERS) {
    // From MIN_SIMD_UNITS (4): exactly 4, tails of 1 and 2 past a multiple of 4, and a big layer.
    for (const u of [4, 5, 6, 130]) {
      for (const masking of ["no mask", "mask", "mask, zero_output_for_mask", "mask, backwards"] as const) {
        it(`${label}, ${u} units, ${masking}`, () => {
          const options = [
            String(u),
            "seq=true",
            "state=true",
            ...(label.includes("reset_after=false") ? ["reset_after=false"] : []),
            ...(masking.includes("zero") ? ["zero_output_for_mask=true"] : []),
            ...(masking.includes("backwards") ? ["backwards=true"] : []),
          ];
          const masked = masking !== "no mask";
          const outputs = layer === "lstm" ? "y, h, c" : "y, h";
          const source =
            `model M(x: [${B}, ${T}, ${F}]${masked ? `, m: bool[${B}, ${T}]` : ""}) {\n` +
            `  ${outputs} = ${layer}(${options.join(", ")}, name="l")(x${masked ? ", mask=m" : ""})\n` +
            `  return ${outputs}\n}\n`;
          const inputs: Record<string, TensorData> = masked ? { x, m: { shape: [B, T], data: maskData(B, T) } } : { x };
          const { simd, js } = runBoth(source, inputs);
          expect(calls, "each step calls its kernels once").toEqual(Object.fromEntries(kernels.map((k) => [k, T])));
          expect(worst(simd, js)).toBeLessThanOrEqual(1e-5);
          if (masked && masking.includes("zero")) {
            // Sample 1 is masked throughout: its outputs are zeros, its states the initial zeros.
            const y = simd[0]!.data;
            for (let i = T * u; i < 2 * T * u; i++) expect(y[i]).toBe(0);
          }
        });
      }
    }
  }

  it("a bidirectional masked GRU (reset_after=false) calls the kernels in both directions", () => {
    const source = `model M(x: [${B}, ${T}, ${F}], m: bool[${B}, ${T}]) {\n  return bigru(7, seq=true, reset_after=false, name="b")(x, mask=m)\n}\n`;
    const { simd, js } = runBoth(source, { x, m: { shape: [B, T], data: maskData(B, T) } });
    expect(calls).toEqual({ gruReset: 2 * T, gruUpdate: 2 * T });
    expect(worst(simd, js)).toBeLessThanOrEqual(1e-5);
  });

  it(`layers of fewer than ${MIN_SIMD_UNITS} units keep the JS loop (Keras's float32 digits exactly): no kernel runs`, () => {
    const source = `model M(x: [${B}, ${T}, ${F}]) {\n  a = lstm(3, seq=true, name="a")(x)\n  return gru(2, name="g")(a)\n}\n`;
    const { simd, js } = runBoth(source, { x });
    expect(calls).toEqual({});
    expect(worst(simd, js)).toBeLessThanOrEqual(1e-5);
  });

  it("hard_sigmoid gates keep the JS loop: no kernel runs", () => {
    const source = `model M(x: [${B}, ${T}, ${F}]) {\n  return lstm(6, recurrent_activation=hard_sigmoid, name="l")(x)\n}\n`;
    const { simd, js } = runBoth(source, { x });
    expect(calls).toEqual({});
    expect(worst(simd, js)).toBeLessThanOrEqual(1e-5);
  });
});

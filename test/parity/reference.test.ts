// Validates the float64 reference (reference.ts) against tfjs-layers 4.22 before anything is compared
// with it: SimpleRNN, LSTM and GRU (reset_after=false, the only GRU tfjs has) in every seq/state
// combination, plain, backwards and bidirectional in every merge mode, with and without initial
// states, every activation, use_bias=false — to 1e-5. With masks tfjs-layers follows another rule
// (KERAS-SEMANTICS.md §6, §9.6): the reference run with that rule must match tfjs everywhere, and with
// Keras's rule wherever the two rules agree.
import { beforeAll, describe, expect, it } from "vitest";
import { compareOutputs } from "./compare.js";
import { maskAgreement, randomData, referenceOutputs, Rng, seedOf, tfjsOutputs, type RecurrentSpec } from "./generate.js";
import { activate, conv1d, denseSeq, flatten, type Activation, type CellKind, type Merge } from "./reference.js";
import { sequenceLayerCases } from "./sequence-cases.js";
import { runTfjsDense, tfjsReady, tfjsTensorCount } from "./tfjs.js";

const TOL = 1e-5;
const CELLS: { cell: CellKind; resetAfter: boolean }[] = [
  { cell: "simple_rnn", resetAfter: false },
  { cell: "lstm", resetAfter: false },
  { cell: "gru", resetAfter: false },
];
const MODES: { label: string; merge?: Merge; backwards: boolean }[] = [
  { label: "forward", backwards: false },
  { label: "backwards", backwards: true },
  ...(["concat", "sum", "mul", "ave", "none"] as const).map((merge) => ({ label: `bidirectional ${merge}`, merge, backwards: false })),
];
const ACTIVATIONS: Activation[] = ["tanh", "sigmoid", "relu", "softmax", "linear", "hard_sigmoid"];

function randomSpec(rng: Rng, fixed: Partial<RecurrentSpec> & Pick<RecurrentSpec, "cell">): RecurrentSpec {
  return {
    units: rng.int(1, 4),
    seq: rng.bool(),
    state: rng.bool(),
    backwards: false,
    activation: "tanh",
    recurrentActivation: "sigmoid",
    useBias: rng.bool(0.8),
    resetAfter: false,
    B: rng.int(1, 3),
    T: rng.int(1, 6),
    F: rng.int(1, 5),
    initial: rng.bool(0.5),
    mask: false,
    ...fixed,
  };
}

interface Case {
  name: string;
  spec: RecurrentSpec;
}

const unmasked: Case[] = [];
for (const { cell } of CELLS) {
  for (const mode of MODES) {
    for (const seq of [false, true]) {
      for (const state of [false, true]) {
        const name = `${cell} ${mode.label} seq=${seq} state=${state}`;
        const rng = new Rng(seedOf(name));
        const spec = randomSpec(rng, { cell, seq, state, backwards: mode.backwards, ...(mode.merge ? { merge: mode.merge } : {}) });
        unmasked.push({ name: `${name} [B${spec.B} T${spec.T} F${spec.F} u${spec.units}${spec.initial ? " initial" : ""}]`, spec });
      }
    }
  }
  for (const activation of ACTIVATIONS) {
    const name = `${cell} activation=${activation}`;
    const rng = new Rng(seedOf(name));
    unmasked.push({ name, spec: randomSpec(rng, { cell, activation, merge: rng.pick([undefined, "concat"] as const) }) });
    if (cell !== "simple_rnn") {
      const rname = `${cell} recurrent_activation=${activation}`;
      const rrng = new Rng(seedOf(rname));
      unmasked.push({ name: rname, spec: randomSpec(rrng, { cell, recurrentActivation: activation, backwards: rrng.bool() }) });
    }
  }
  for (const merge of [undefined, "concat"] as const) {
    const name = `${cell} use_bias=false ${merge ?? "plain"}`;
    const rng = new Rng(seedOf(name));
    unmasked.push({ name, spec: randomSpec(rng, { cell, useBias: false, initial: true, ...(merge ? { merge } : {}) }) });
  }
}
// Random everything.
{
  const rng = new Rng(20240611);
  for (let i = 0; i < 30; i++) {
    const { cell } = rng.pick(CELLS);
    const merge = rng.pick([undefined, undefined, "concat", "sum", "mul", "ave", "none"] as const);
    const spec = randomSpec(rng, {
      cell,
      backwards: merge === undefined && rng.bool(),
      activation: rng.pick(ACTIVATIONS),
      recurrentActivation: rng.pick(ACTIVATIONS),
      ...(merge ? { merge } : {}),
    });
    unmasked.push({ name: `random ${i}: ${cell} ${merge ?? (spec.backwards ? "backwards" : "forward")}`, spec });
  }
}

const masked: Case[] = [];
{
  for (const { cell } of CELLS) {
    for (const mode of MODES) {
      for (const seq of [false, true]) {
        const name = `masked ${cell} ${mode.label} seq=${seq}`;
        const rng = new Rng(seedOf(name));
        const spec = randomSpec(rng, {
          cell,
          seq,
          state: true,
          mask: true,
          B: 3,
          T: rng.int(2, 6),
          backwards: mode.backwards,
          ...(mode.merge ? { merge: mode.merge } : {}),
        });
        masked.push({ name: `${name}${spec.initial ? " initial" : ""}`, spec });
      }
    }
  }
}

describe("the float64 reference agrees with tfjs-layers", () => {
  beforeAll(async () => {
    await tfjsReady();
  });

  it(`has at least 60 unmasked cases (${unmasked.length}) and masked ones (${masked.length})`, () => {
    expect(unmasked.length).toBeGreaterThanOrEqual(60);
  });

  it.each(unmasked)("$name", async ({ name, spec }) => {
    const data = randomData(spec, new Rng(seedOf(`data ${name}`)));
    const tfjs = await tfjsOutputs(spec, data);
    expect(compareOutputs(tfjs, referenceOutputs(spec, data), TOL)).toEqual([]);
  });

  describe("masks", () => {
    it.each(masked)("$name: tfjs's rule everywhere, Keras's where the rules agree", async ({ name, spec }) => {
      const data = randomData(spec, new Rng(seedOf(`data ${name}`)));
      const tfjs = await tfjsOutputs(spec, data);
      expect(compareOutputs(tfjs, referenceOutputs(spec, data, "tfjs"), TOL)).toEqual([]);
      expect(compareOutputs(tfjs, referenceOutputs(spec, data, "keras"), TOL, maskAgreement(spec, data))).toEqual([]);
    });

    it("the two rules really differ on these cases (the comparison above is not vacuous)", () => {
      let differing = 0;
      let skipped = 0;
      for (const { name, spec } of masked) {
        const data = randomData(spec, new Rng(seedOf(`data ${name}`)));
        const keras = referenceOutputs(spec, data, "keras");
        const tfjs = referenceOutputs(spec, data, "tfjs");
        if (compareOutputs(keras, tfjs, TOL).length > 0) differing++;
        skipped += maskAgreement(spec, data)
          .flat()
          .filter((v) => !v).length;
      }
      expect(differing).toBeGreaterThan(masked.length / 3);
      expect(skipped).toBeGreaterThan(0);
    });

    it("a masked step keeps the states; a bidirectional sequence is zero there; tfjs repeats h0", async () => {
      // One LSTM unit, hand-checkable: every weight 0.5, the first step masked, h0 = 0.25.
      const spec: RecurrentSpec = {
        cell: "lstm",
        units: 1,
        seq: true,
        state: true,
        backwards: false,
        activation: "tanh",
        recurrentActivation: "sigmoid",
        useBias: true,
        resetAfter: false,
        B: 1,
        T: 3,
        F: 1,
        initial: true,
        mask: true,
      };
      const w = (shape: number[]) => ({ shape, data: new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0.5) });
      const data = {
        weights: [w([1, 4]), w([1, 4]), w([4])],
        x: [[[1], [1], [1]]],
        initial: [[[0.25]], [[0.5]]],
        mask: [[false, true, true]],
      };
      const keras = referenceOutputs(spec, data).map((o) => flatten(o).data);
      const tfjsRule = referenceOutputs(spec, data, "tfjs").map((o) => flatten(o).data);
      const tfjs = (await tfjsOutputs(spec, data)).map((o) => Array.from(o.data));
      expect(keras[0]![0]).toBe(0); // Keras: zeros before the first used step
      expect(tfjsRule[0]![0]).toBe(0.25); // tfjs: the previous h, here h0
      expect(tfjs[0]![0]).toBeCloseTo(0.25, 6);
      // By hand: step 1 from (h, c) = (0.25, 0.5): z = 0.5 + 0.125 + 0.5 = 1.125 for every gate.
      const s = 1 / (1 + Math.exp(-1.125));
      const c1 = s * 0.5 + s * Math.tanh(1.125);
      const h1 = s * Math.tanh(c1);
      expect(keras[0]![1]).toBeCloseTo(h1, 12);
      expect(tfjs[0]![1]).toBeCloseTo(h1, 6);
      // Bidirectional, seq=true: masked positions are exactly zero in both halves.
      const bi: RecurrentSpec = { ...spec, merge: "concat", initial: false };
      const biData = { ...data, weights: [...data.weights, ...data.weights], initial: undefined, mask: [[true, false, true]] };
      const y = flatten(referenceOutputs(bi, biData)[0]!).data;
      expect(y.slice(2, 4)).toEqual([0, 0]);
      expect(y[0]).not.toBe(0);
    });
  });

  it("dense on rank 3 and rank 2, every activation, with and without bias", async () => {
    for (const activation of ACTIVATIONS) {
      for (const useBias of [true, false]) {
        const rng = new Rng(seedOf(`dense ${activation} ${useBias}`));
        const B = rng.int(1, 3);
        const T = rng.int(1, 4);
        const F = rng.int(1, 5);
        const u = rng.int(1, 4);
        const x = Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: F }, () => rng.float(-1, 1))));
        const kernel = { shape: [F, u], data: Array.from({ length: F * u }, () => rng.float(-0.5, 0.5)) };
        const bias = { shape: [u], data: Array.from({ length: u }, () => rng.float(-0.5, 0.5)) };
        const weights = useBias ? [kernel, bias] : [kernel];
        const ref = denseSeq(x, weights, activation);
        const out = await runTfjsDense(u, activation, useBias, weights, flatten(x));
        expect(compareOutputs([out], [ref], TOL), `${activation} bias=${useBias}`).toEqual([]);
        const out2 = await runTfjsDense(u, activation, useBias, weights, flatten(x[0]!));
        expect(compareOutputs([out2], [ref[0]!], TOL), `${activation} bias=${useBias} rank 2`).toEqual([]);
      }
    }
  });

  it("hard_sigmoid is clip(0.2x + 0.5, 0, 1); softmax sums to 1", () => {
    expect(activate("hard_sigmoid", [-3, -2.5, 0, 1, 2.5, 3])).toEqual([0, 0, 0.5, 0.7, 1, 1]);
    const s = activate("softmax", [1, 2, 3]);
    expect(s.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });

  it("Keras 3's hard_sigmoid is relu6(x + 3) / 6, i.e. clip(x/6 + 0.5, 0, 1)", () => {
    expect(activate("hard_sigmoid3", [-4, -3, -1.5, 0, 1.5, 3, 4])).toEqual([0, 0, 0.25, 0.5, 0.75, 1, 1]);
  });

  it("the harness leaves no tensor behind", async () => {
    const before = tfjsTensorCount();
    const { spec } = unmasked[0]!;
    await tfjsOutputs(spec, randomData(spec, new Rng(1)));
    await tfjsOutputs(masked[3]!.spec, randomData(masked[3]!.spec, new Rng(1)));
    expect(tfjsTensorCount()).toBe(before);
  });
});

// The reference's masking, activation, layer_norm, conv1d, pooling and flatten, against tfjs-layers on
// every case of sequence-cases.ts that tfjs computes (masks aside: tfjs's recurrent masking differs).
describe("the sequence layers' reference against tfjs-layers", () => {
  beforeAll(async () => {
    await tfjsReady();
  });
  const cases = sequenceLayerCases().filter((c) => c.tfjs !== undefined);

  it("covers every layer tfjs-layers has", () => {
    expect(new Set(cases.map((c) => c.group))).toEqual(
      new Set(["conv1d", "layer_norm", "activation layer", "global pooling", "flatten", "masking"]),
    );
  });

  for (const c of cases) {
    it(c.name, async () => {
      expect(compareOutputs(await c.tfjs!(), c.reference(), TOL)).toEqual([]);
    });
  }

  it("a causal conv1d is a valid one on the input with (k-1)·d zero steps in front", () => {
    const x = [[[1], [2], [3]]];
    const kernel = { shape: [2, 1, 1], data: [10, 1] };
    const cfg = { kernelSize: 2, strides: 1, dilation: 1, activation: "linear" as const };
    expect(conv1d(x, [kernel], { ...cfg, padding: "causal" })).toEqual([[[1], [12], [23]]]);
    expect(conv1d(x, [kernel], { ...cfg, padding: "valid" })).toEqual([[[12], [23]]]);
    expect(conv1d(x, [kernel], { ...cfg, padding: "same" })).toEqual([[[12], [23], [30]]]);
  });
});

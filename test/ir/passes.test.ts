// The graph passes (src/ir/passes.ts) on graphs lowered from real sources: hoisting the input
// projection out of every recurrent op, folding the GRU's bias rows into constants, dropping dead
// work and telling recurrent ops which of their outputs are read — and that none of it changes a
// model's numbers.
import { describe, expect, it } from "vitest";
import { CpuBackend } from "../../src/backends/cpu/executor.js";
import { check, loadModel, parseKerasWeights, type TensorData, type WeightSet } from "../../src/index.js";
import { NONE, recurrentInputs, type Graph, type Node, type Op, type RecurrentOp } from "../../src/ir/graph.js";
import { eliminateDeadCode, foldConstants, hoistInputProjection } from "../../src/ir/passes.js";
import { lowerModel } from "../../src/lower/lower.js";
import { bindWeights } from "../../src/lower/weights.js";

/** The graph of model `name` (default: the first) of `src`, which must check without errors, as lowered: no pass has run. */
function lowered(src: string, name?: string, weights?: WeightSet): Graph {
  const checked = check(src);
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`${errors.map((d) => `${d.code} ${d.message}`).join("\n")}\n${src}`);
  const model = name === undefined ? checked.models[0]! : checked.models.find((m) => m.name === name)!;
  const models = new Map(checked.models.map((m) => [m.name, m]));
  return lowerModel(checked, model, bindWeights(model, models, weights));
}

/** The graph after every pass, as the CPU backend runs it (its constructor runs them in place). */
function optimized(src: string, name?: string, weights?: WeightSet): Graph {
  const graph = lowered(src, name, weights);
  new CpuBackend(graph, { simd: false });
  return graph;
}

const kinds = (g: Graph) => g.nodes.map((n) => n.op.kind);
const recurrentNodes = (g: Graph) => g.nodes.filter((n): n is Node & { op: RecurrentOp } => n.op.kind === "recurrent");
/** The node that produces value `v`, and its position. */
function producer(g: Graph, v: number): { node: Node; index: number } {
  const index = g.nodes.findIndex((n) => n.outputs.includes(v));
  expect(index, `a node producing value ${v}`).toBeGreaterThanOrEqual(0);
  return { node: g.nodes[index]!, index };
}
const constData = (g: Graph, v: number): TensorData => {
  const op: Op = producer(g, v).node.op;
  if (op.kind !== "const") throw new Error(`value ${v} comes from ${op.kind}, not a constant`);
  return op.data;
};

/** Every value read by a node is produced by an earlier node (or is a graph input); every output is produced. */
function expectWellFormed(g: Graph): void {
  const produced = new Set<number>();
  for (const node of g.nodes) {
    for (const v of node.inputs) if (v !== NONE) expect(produced.has(v), `value ${v} read before it is produced`).toBe(true);
    for (const v of node.outputs) produced.add(v);
  }
  for (const v of g.outputs) expect(produced.has(v)).toBe(true);
  for (const input of g.inputs) expect(produced.has(input.value)).toBe(true);
}

/** Deterministic weights in [-0.5, 0.5) of the given shapes, nested as a Keras JSON file holds them. */
function nested(shape: readonly number[], seed: number): unknown {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  const build = (depth: number): unknown =>
    depth === shape.length ? next() : Array.from({ length: shape[depth]! }, () => build(depth + 1));
  return build(0);
}

function randomInput(shape: readonly number[], seed: number): TensorData {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: size }, (_, i) => Math.sin(seed * 13.1 + i * 0.7) * 1.5);
  return { shape: [...shape], data };
}

// A variety of recurrent layers: every cell, bias or not, both directions, masks, stacking, a called model.
const HOISTING_SOURCES: Record<string, string> = {
  rnn: "model M(x: [2, 5, 3]) {\n  return rnn(4)(x)\n}\n",
  lstm: "model M(x: [2, 5, 3]) {\n  return lstm(4, seq=true)(x)\n}\n",
  "gru reset_after=true": "model M(x: [2, 5, 3]) {\n  return gru(4)(x)\n}\n",
  "gru reset_after=false": "model M(x: [2, 5, 3]) {\n  return gru(4, reset_after=false)(x)\n}\n",
  "lstm use_bias=false": "model M(x: [2, 5, 3]) {\n  return lstm(4, use_bias=false)(x)\n}\n",
  "gru use_bias=false": "model M(x: [2, 5, 3]) {\n  return gru(4, use_bias=false)(x)\n}\n",
  "bilstm with states": "model M(x: [2, 5, 3]) {\n  y, fh, fc, bh, bc = bilstm(4, seq=true, state=true)(x)\n  return y, fh, bc\n}\n",
  "bigru backwards layer": "model M(x: [2, 5, 3]) {\n  return bigru(2, merge=sum)(x) \n}\n",
  "backwards rnn": "model M(x: [2, 5, 3]) {\n  return rnn(3, backwards=true)(x)\n}\n",
  stacked:
    "model M(ids: int[2, 6]) {\n  return ids\n    |> embedding(9, 4, mask_zero=true)\n    |> lstm(5, seq=true)\n    |> bigru(3, seq=true)\n    |> rnn(2)\n    |> dense(2)\n}\n",
  "called model with initial state":
    "model Enc(x: [2, 5, 3]) {\n  _, h, c = lstm(4, state=true)(x)\n  return h, c\n}\n" +
    "model M(x: [2, 5, 3], y: [2, 4, 2]) {\n  h, c = Enc(x)\n  return lstm(4, seq=true)(y, initial=(h, c))\n}\n",
};

describe("hoistInputProjection", () => {
  for (const [label, src] of Object.entries(HOISTING_SOURCES)) {
    const model = label.startsWith("called model") ? "M" : undefined;

    it(`${label}: every recurrent op becomes projected, reading a matmul of x, its kernel and its input bias`, () => {
      const graph = lowered(src, model);
      const before = recurrentNodes(graph).map((n) => ({ op: n.op, inputs: recurrentInputs(n) }));
      expect(before.length).toBeGreaterThan(0);
      for (const b of before) expect(b.op.projected).toBe(false);
      const matmulsBefore = kinds(graph).filter((k) => k === "matmul").length;

      hoistInputProjection(graph);

      const after = recurrentNodes(graph);
      expect(after).toHaveLength(before.length);
      expect(kinds(graph).filter((k) => k === "matmul").length).toBe(matmulsBefore + before.length);
      after.forEach((node, i) => {
        const original = before[i]!;
        const inputs = recurrentInputs(node);
        expect({ ...node.op, inputNames: undefined }).toEqual({ ...original.op, projected: true, inputNames: undefined });
        // The kernel and the input bias moved into the matmul; the rest stayed.
        expect(inputs.kernel).toBeUndefined();
        expect(inputs.inputBias).toBeUndefined();
        for (const k of ["recurrentKernel", "recurrentBias", "mask", "h0", "c0"] as const) expect(inputs[k]).toBe(original.inputs[k]);
        const { node: matmul, index } = producer(graph, inputs.x);
        expect(index).toBeLessThan(graph.nodes.indexOf(node));
        expect(matmul.op).toEqual({ kind: "matmul", activation: "linear" });
        const bias = original.inputs.inputBias;
        expect(matmul.inputs).toEqual(
          bias === undefined ? [original.inputs.x, original.inputs.kernel] : [original.inputs.x, original.inputs.kernel, bias],
        );
        expect(matmul.outputs).toHaveLength(1);
        expect(graph.values[matmul.outputs[0]!]!.dtype).toBe("f32");
      });
      expectWellFormed(graph);
    });

    it(`${label}: after every pass, as the backend runs it, still every recurrent op is projected after its matmul`, () => {
      const graph = optimized(src, model);
      const recurrent = recurrentNodes(graph);
      expect(recurrent.length).toBeGreaterThan(0);
      for (const node of recurrent) {
        expect(node.op.projected).toBe(true);
        const { node: matmul, index } = producer(graph, recurrentInputs(node).x);
        expect(matmul.op.kind).toBe("matmul");
        expect(index).toBeLessThan(graph.nodes.indexOf(node));
      }
      expectWellFormed(graph);
    });
  }

  it("is idempotent: a projected op is left alone", () => {
    const graph = lowered(HOISTING_SOURCES["bilstm with states"]!);
    hoistInputProjection(graph);
    const once = JSON.stringify(graph.nodes);
    const values = graph.values.length;
    hoistInputProjection(graph);
    expect(JSON.stringify(graph.nodes)).toBe(once);
    expect(graph.values.length).toBe(values);
  });

  it("both directions of a bidirectional layer project the same x separately", () => {
    const graph = lowered("model M(x: [2, 5, 3]) {\n  return bilstm(4)(x)\n}\n");
    const x = graph.inputs[0]!.value;
    hoistInputProjection(graph);
    const matmuls = recurrentNodes(graph).map((n) => producer(graph, recurrentInputs(n).x).node);
    expect(matmuls).toHaveLength(2);
    expect(matmuls[0]).not.toBe(matmuls[1]);
    for (const m of matmuls) expect(m.inputs[0]).toBe(x);
    expect(matmuls[0]!.inputs[1]).not.toBe(matmuls[1]!.inputs[1]);
  });
});

describe("foldConstants: GRU reset_after=true's bias rows", () => {
  const u = 3;
  const F = 2;
  const bias = [Array.from({ length: 3 * u }, (_, i) => i + 1), Array.from({ length: 3 * u }, (_, i) => 100 + i)];
  const weights = (names: string[]) =>
    parseKerasWeights(Object.fromEntries(names.map((n) => [n, [nested([F, 3 * u], 1), nested([u, 3 * u], 2), bias]])), "test");

  it("lowering slices Keras's [2, 3u] bias with two row ops", () => {
    const graph = lowered(`model M(x: [1, 4, ${F}]) {\n  return gru(${u}, name="g")(x)\n}\n`, undefined, weights(["g"]));
    const rows = graph.nodes.filter((n) => n.op.kind === "row");
    expect(rows.map((n) => n.op)).toEqual([
      { kind: "row", index: 0 },
      { kind: "row", index: 1 },
    ]);
    const [gru] = recurrentNodes(graph);
    expect(recurrentInputs(gru!).inputBias).toBe(rows[0]!.outputs[0]);
    expect(recurrentInputs(gru!).recurrentBias).toBe(rows[1]!.outputs[0]);
    expect(constData(graph, rows[0]!.inputs[0]!).shape).toEqual([2, 3 * u]);
  });

  it("after the passes there is no row op: row 0 is the projection's bias, row 1 the recurrent bias, both constants", () => {
    const graph = optimized(`model M(x: [1, 4, ${F}]) {\n  return gru(${u}, name="g")(x)\n}\n`, undefined, weights(["g"]));
    expect(kinds(graph)).not.toContain("row");
    const [gru] = recurrentNodes(graph);
    const recurrentBias = constData(graph, recurrentInputs(gru!).recurrentBias!);
    expect(recurrentBias.shape).toEqual([3 * u]);
    expect(Array.from(recurrentBias.data)).toEqual(bias[1]);
    const matmul = producer(graph, recurrentInputs(gru!).x).node;
    const inputBias = constData(graph, matmul.inputs[2]!);
    expect(inputBias.shape).toEqual([3 * u]);
    expect(Array.from(inputBias.data)).toEqual(bias[0]);
    // The [2, 3u] constant is read by nothing now: dead code elimination dropped it.
    const flat = bias.flat();
    for (const node of graph.nodes) if (node.op.kind === "const") expect(Array.from(node.op.data.data)).not.toEqual(flat);
    expect(graph.nodes.filter((n) => n.op.kind === "const")).toHaveLength(4); // kernel, recurrent kernel, two bias rows
  });

  it("bidirectional and stacked GRUs: every row op folds", () => {
    const src =
      `model M(x: [1, 4, ${F}]) {\n  a = bigru(${u}, seq=true, merge=sum, name="b")(x)\n` +
      `  return gru(${u}, name="g")(dense(${F}, name="d")(a))\n}\n`;
    const raw = lowered(src);
    expect(kinds(raw).filter((k) => k === "row")).toHaveLength(6);
    const graph = optimized(src);
    expect(kinds(graph)).not.toContain("row");
    for (const gru of recurrentNodes(graph)) expect(producer(graph, recurrentInputs(gru).recurrentBias!).node.op.kind).toBe("const");
  });

  it("reset_after=false has one [3u] bias and no row op", () => {
    const graph = lowered(`model M(x: [1, 4, ${F}]) {\n  return gru(${u}, reset_after=false)(x)\n}\n`);
    expect(kinds(graph)).not.toContain("row");
    const [gru] = recurrentNodes(graph);
    expect(recurrentInputs(gru!).recurrentBias).toBeUndefined();
    expect(constData(graph, recurrentInputs(gru!).inputBias!).shape).toEqual([3 * u]);
  });

  it("evaluates only ops whose inputs are all constant, never a matmul or a recurrent op", () => {
    const graph = lowered(`model M(x: [1, 4, ${F}]) {\n  return gru(${u}, name="g")(x) |> dense(2)\n}\n`, undefined, undefined);
    const evaluated: string[] = [];
    foldConstants(graph, (node, inputs) => {
      evaluated.push(node.op.kind);
      if (node.op.kind !== "row") throw new Error(`unexpected fold of ${node.op.kind}`);
      const t = inputs[0]!;
      const cols = t.shape[1]!;
      const index = node.op.index;
      return [{ shape: [cols], data: t.data.slice(index * cols, (index + 1) * cols) }];
    });
    expect(evaluated).toEqual(["row", "row"]);
    expect(kinds(graph)).not.toContain("row");
    // Folding replaces nodes in place: the values keep their ids, so every reader still finds them.
    expectWellFormed(graph);
  });
});

describe("eliminateDeadCode", () => {
  const X = "x: [2, 5, 3]";

  it("returning only h of `_, h, c = lstm(3, state=true)(x)`: the op's used is [false, true, false]", () => {
    const graph = optimized(`model M(${X}) {\n  _, h, c = lstm(3, state=true)(x)\n  return h\n}\n`);
    const [lstm] = recurrentNodes(graph);
    expect(recurrentNodes(graph)).toHaveLength(1);
    expect(lstm!.op.used).toEqual([false, true, false]);
    expect(graph.outputs).toEqual([lstm!.outputs[1]]);
  });

  it("the same directly: the pass alone on the lowered graph", () => {
    const graph = lowered(`model M(${X}) {\n  _, h, c = lstm(3, state=true)(x)\n  return h\n}\n`);
    expect(recurrentNodes(graph)[0]!.op.used).toEqual([true, true, true]);
    eliminateDeadCode(graph);
    expect(recurrentNodes(graph)[0]!.op.used).toEqual([false, true, false]);
    expectWellFormed(graph);
  });

  it("used follows what is returned, in every combination", () => {
    const cases: [string, boolean[]][] = [
      ["y", [true, false, false]],
      ["c", [false, false, true]],
      ["y, c", [true, false, true]],
      ["h, c", [false, true, true]],
      ["c, y, h", [true, true, true]],
    ];
    for (const [returned, used] of cases) {
      const graph = optimized(`model M(${X}) {\n  y, h, c = lstm(3, seq=true, state=true)(x)\n  return ${returned}\n}\n`);
      expect(
        recurrentNodes(graph).map((n) => n.op.used),
        returned,
      ).toEqual([used]);
    }
    const gru = optimized(`model M(${X}) {\n  y, h = gru(3, state=true)(x)\n  return h\n}\n`);
    expect(recurrentNodes(gru).map((n) => n.op.used)).toEqual([[false, true]]);
  });

  it("an output used only inside the model counts as used", () => {
    const graph = optimized(`model M(${X}) {\n  y, h, c = lstm(3, seq=true, state=true)(x)\n  return dense(2)(h)\n}\n`);
    expect(recurrentNodes(graph).map((n) => n.op.used)).toEqual([[false, true, false]]);
  });

  it("a bidirectional layer of which only fh is returned keeps only the forward op, its output unused", () => {
    const graph = optimized(`model M(${X}) {\n  y, fh, fc, bh, bc = bilstm(3, seq=true, state=true)(x)\n  return fh\n}\n`);
    const recurrent = recurrentNodes(graph);
    expect(recurrent).toHaveLength(1);
    expect(recurrent[0]!.op.goBackwards).toBe(false);
    expect(recurrent[0]!.op.used).toEqual([false, true, false]);
    expect(kinds(graph)).not.toContain("concat");
    expect(kinds(graph)).not.toContain("reverseTime");
  });

  it("an unused branch — a layer applied but not returned — disappears with its weights", () => {
    const withBranch = optimized(
      `model M(${X}) {\n  a = lstm(3, name="kept")(x)\n  _b = gru(7, seq=true, name="dropped")(x) |> dense(11, name="also_dropped")\n  return a\n}\n`,
    );
    const without = optimized(`model M(${X}) {\n  a = lstm(3, name="kept")(x)\n  return a\n}\n`);
    expect(kinds(withBranch)).toEqual(kinds(without));
    const recurrent = recurrentNodes(withBranch);
    expect(recurrent.map((n) => n.op.cell)).toEqual(["lstm"]);
    // No constant of the GRU's or the dense's shapes is left.
    for (const node of withBranch.nodes) {
      if (node.op.kind !== "const") continue;
      expect(node.op.data.shape).not.toContain(7);
      expect(node.op.data.shape).not.toContain(11);
    }
    expect(withBranch.nodes.filter((n) => n.op.kind === "matmul")).toHaveLength(1);
    expectWellFormed(withBranch);
  });

  it("keeps every input, read or not, so a run still checks it", () => {
    const graph = optimized(`model M(${X}, _unused: [2, 5, 3]) {\n  return lstm(3)(x)\n}\n`);
    expect(graph.nodes.filter((n) => n.op.kind === "input").map((n) => (n.op as { name: string }).name)).toEqual(["x", "_unused"]);
  });
});

describe("the passes do not change the numbers", () => {
  const B = 2;
  const T = 5;
  const F = 3;
  const u = 4;
  const x = randomInput([B, T, F], 1);
  const cells: { label: string; layer: string; weights: number[][]; states: string[] }[] = [
    { label: "rnn", layer: "rnn", weights: [[F, u], [u, u], [u]], states: ["h"] },
    { label: "lstm", layer: "lstm", weights: [[F, 4 * u], [u, 4 * u], [4 * u]], states: ["h", "c"] },
    {
      label: "gru reset_after=true",
      layer: "gru",
      weights: [
        [F, 3 * u],
        [u, 3 * u],
        [2, 3 * u],
      ],
      states: ["h"],
    },
    { label: "gru reset_after=false", layer: "gru", weights: [[F, 3 * u], [u, 3 * u], [3 * u]], states: ["h"] },
  ];

  for (const cell of cells) {
    for (const simd of [true, false]) {
      it(`${cell.label} (${simd ? "SIMD" : "JS"}): returning (y, ${cell.states.join(", ")}) or only one state gives that state's same values`, () => {
        const options = cell.label.endsWith("reset_after=false") ? ", reset_after=false" : "";
        const json = { l: cell.weights.map((shape, i) => nested(shape, 10 + i)) };
        const names = ["y", ...cell.states];
        const call = `${names.join(", ")} = ${cell.layer}(${u}, seq=true, state=true${options}, name="l")(x)`;
        const src =
          `model All(x: [${B}, ${T}, ${F}]) {\n  ${call}\n  return ${names.join(", ")}\n}\n` +
          cell.states.map((s) => `model Only_${s}(x: [${B}, ${T}, ${F}]) {\n  ${call}\n  return ${s}\n}\n`).join("") +
          `model OnlyY(x: [${B}, ${T}, ${F}]) {\n  ${call}\n  return y\n}\n`;
        const checked = check(src);
        expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const run = (model: string) => loadModel(checked, { model, weights: parseKerasWeights(json, "w.json"), simd }).run({ x });
        const all = run("All");
        expect(all.map((t) => t.shape)).toEqual([[B, T, u], ...cell.states.map(() => [B, u])]);
        cell.states.forEach((s, i) => {
          const [only] = run(`Only_${s}`);
          expect(only!.shape).toEqual([B, u]);
          expect(Array.from(only!.data), s).toEqual(Array.from(all[i + 1]!.data));
        });
        expect(Array.from(run("OnlyY")[0]!.data)).toEqual(Array.from(all[0]!.data));
        // The last step of the sequence is h.
        const h = all[1]!.data;
        for (let b = 0; b < B; b++) {
          expect(Array.from(all[0]!.data.slice((b * T + T - 1) * u, (b * T + T) * u))).toEqual(Array.from(h.slice(b * u, (b + 1) * u)));
        }
      });
    }
  }

  it("bilstm: fh alone equals fh among all five, and the output with an unused branch equals the output without", () => {
    const json = {
      b: [
        nested([F, 4 * u], 1),
        nested([u, 4 * u], 2),
        nested([4 * u], 3),
        nested([F, 4 * u], 4),
        nested([u, 4 * u], 5),
        nested([4 * u], 6),
      ],
      side: [nested([F, 2], 7), nested([2, 2], 8), nested([2], 9)],
    };
    const call = `y, fh, fc, bh, bc = bilstm(${u}, seq=true, state=true, name="b")(x)`;
    const src =
      `model All(x: [${B}, ${T}, ${F}]) {\n  ${call}\n  return y, fh, fc, bh, bc\n}\n` +
      `model Fh(x: [${B}, ${T}, ${F}]) {\n  ${call}\n  return fh\n}\n` +
      `model Bc(x: [${B}, ${T}, ${F}]) {\n  ${call}\n  return bc\n}\n` +
      `model Branch(x: [${B}, ${T}, ${F}]) {\n  ${call}\n  _side = rnn(2, name="side")(x)\n  return y, fh, fc, bh, bc\n}\n`;
    const checked = check(src);
    expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    for (const simd of [true, false]) {
      const run = (model: string, weights: unknown) =>
        loadModel(checked, { model, weights: parseKerasWeights(weights, "w.json"), simd }).run({ x });
      const all = run("All", { b: json.b });
      expect(Array.from(run("Fh", { b: json.b })[0]!.data)).toEqual(Array.from(all[1]!.data));
      expect(Array.from(run("Bc", { b: json.b })[0]!.data)).toEqual(Array.from(all[4]!.data));
      const branch = run("Branch", json);
      branch.forEach((t, i) => expect(Array.from(t.data)).toEqual(Array.from(all[i]!.data)));
    }
  });

  it("a GRU with folded bias rows gives the numbers of the same GRU written out by hand in float64", () => {
    // One step, one unit, reset_after=true: z = σ(x·Kz + bz + h·Rz + rbz), r likewise,
    // n = tanh(x·Kn + bn + r·(h·Rn + rbn)), h' = z·h + (1 − z)·n; here h = 0.
    const src = `model M(x: [1, 1, 1]) {\n  return gru(1, name="g")(x)\n}\n`;
    const K = [[0.3, -0.2, 0.5]];
    const Rk = [[0.1, 0.4, -0.6]];
    const bias = [
      [0.05, -0.1, 0.2],
      [0.3, 0.25, -0.15],
    ];
    const [out] = loadModel(check(src), { weights: parseKerasWeights({ g: [K, Rk, bias] }, "w.json") }).run({ x: [[[0.7]]] });
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const xv = 0.7;
    const z = s(xv * 0.3 + 0.05 + 0.3);
    const r = s(xv * -0.2 - 0.1 + 0.25);
    const n = Math.tanh(xv * 0.5 + 0.2 + r * -0.15);
    expect(out!.data[0]).toBeCloseTo((1 - z) * n, 6);
  });
});

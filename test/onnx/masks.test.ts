// Masked recurrent layers exported to ONNX run in onnxruntime-node with rnnc's numbers (harness.ts):
// one exported file per model, run on every kind of mask — post-padded (a prefix: the fused node
// with sequence_lens), pre-padded (a suffix: the ReverseSequence sandwich), with holes or mixed (the
// Scan), all-false rows, all-true — so each path the graph's If can take is exercised on the same bytes.
import { describe, expect, it } from "vitest";
import { check, exportOnnx, type TensorData } from "../../src/index.js";
import { compareInputSets } from "./harness.js";

/** A bool [B, T] mask from rows of 0/1. */
function mask(rows: readonly (readonly number[])[]): TensorData {
  return { shape: [rows.length, rows[0]!.length], data: Uint8Array.from(rows.flat()) };
}

/** Every kind of mask, B = 3, T = 5. */
const MASKS: Record<string, TensorData> = {
  postPadded: mask([
    [1, 1, 1, 0, 0],
    [1, 1, 1, 1, 1],
    [1, 0, 0, 0, 0],
  ]),
  prePadded: mask([
    [0, 0, 1, 1, 1],
    [1, 1, 1, 1, 1],
    [0, 0, 0, 0, 1],
  ]),
  holes: mask([
    [1, 0, 1, 0, 1],
    [0, 1, 1, 0, 0],
    [1, 1, 0, 1, 1],
  ]),
  allFalseRows: mask([
    [0, 0, 0, 0, 0],
    [1, 1, 0, 0, 0],
    [0, 0, 0, 0, 0],
  ]),
  allFalseRowsPre: mask([
    [0, 0, 0, 0, 0],
    [0, 0, 0, 1, 1],
    [1, 1, 1, 1, 1],
  ]),
  // Post-padded rows beside pre-padded ones: neither fast path applies to the batch.
  mixed: mask([
    [1, 1, 0, 0, 0],
    [0, 0, 1, 1, 1],
    [1, 1, 1, 1, 1],
  ]),
  allTrue: mask([
    [1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1],
  ]),
};
const EVERY_MASK = Object.values(MASKS).map((m) => ({ m }));

const CELLS = [
  { name: "rnn", states: ["h"] },
  { name: "gru", states: ["h"] },
  { name: "gru", states: ["h"], settings: ", reset_after=false" },
  { name: "lstm", states: ["h", "c"] },
];

describe("masked recurrent layers: one exported model, exact for every mask", () => {
  for (const cell of CELLS) {
    for (const backwards of [false, true]) {
      for (const initial of [false, true]) {
        const settings = `${cell.settings ?? ""}${backwards ? ", backwards=true" : ""}`;
        it(`${cell.name}${settings}${initial ? " with initial states" : ""}: seq × state`, async () => {
          const states = cell.states.map((s) => `${s}0: [B, 4]`).join(", ");
          const init = initial ? `, initial=(${cell.states.map((s) => `${s}0`).join(", ")})` : "";
          const names = cell.states.join(", ");
          const source =
            `model M(x: [B, T, 3], m: bool[B, T]${initial ? `, ${states}` : ""}) {\n` +
            `  y, ${names} = ${cell.name}(4, seq=true, state=true${settings})(x, mask=m${init})\n` +
            `  z = ${cell.name}(4${settings})(x, mask=m${init})\n` +
            `  return y, ${names}, z\n}`;
          await compareInputSets(source, { B: 3, T: 5 }, EVERY_MASK);
        });
      }
    }
  }

  it("T = 1 and B = 1 on named dims, the same file for both", async () => {
    const source = `model M(x: [B, T, 3], m: bool[B, T]) {\n  return lstm(4, seq=true)(x, mask=m), gru(4, backwards=true)(x, mask=m)\n}`;
    const x = (b: number, t: number): TensorData => ({
      shape: [b, t, 3],
      data: Float32Array.from({ length: b * t * 3 }, (_, i) => Math.sin(i)),
    });
    await compareInputSets(source, {}, [
      { x: x(2, 1), m: mask([[1], [0]]) },
      { x: x(1, 4), m: mask([[0, 1, 1, 0]]) },
      { x: x(1, 4), m: mask([[1, 1, 0, 0]]) },
      { x: x(1, 1), m: mask([[1]]) },
    ]);
  });
});

describe("masks from embedding(mask_zero=true) ids, and cells ONNX's fused ops cannot take", () => {
  /** ids [B, T] with 0 (masked) where `rows` has 0. */
  const ids = (rows: readonly (readonly number[])[]): TensorData => ({
    shape: [rows.length, rows[0]!.length],
    data: Int32Array.from(rows.flat().map((keep, i) => (keep ? 1 + (i % 9) : 0))),
  });
  const idSets = Object.values(MASKS).map((m) => {
    const [B, T] = m.shape as [number, number];
    const rows = Array.from({ length: B }, (_, b) => Array.from(m.data.subarray(b * T, (b + 1) * T)));
    return { ids: ids(rows) };
  });

  it("embedding(mask_zero) → bigru → dense", async () => {
    await compareInputSets(
      `model M(ids: int[B, T]) {\n  e = embedding(10, 4, mask_zero=true)(ids)\n  return e |> bigru(5, seq=true) |> lstm(3) |> dense(2)\n}`,
      {},
      idSets,
    );
  });

  it("softmax and hard_sigmoid activations, masked and not", async () => {
    for (const cell of ["rnn", "gru", "lstm"]) {
      const recurrent = cell === "rnn" ? "" : ", recurrent_activation=hard_sigmoid";
      await compareInputSets(
        `model M(x: [B, T, 3], m: bool[B, T]) {\n  a = ${cell}(4, seq=true, activation=softmax${recurrent})(x, mask=m)\n  b = ${cell}(4, activation=softmax${recurrent})(x)\n  return a, b\n}`,
        {},
        EVERY_MASK.map(({ m }) => ({ m, x: { shape: [3, 5, 3], data: Float32Array.from({ length: 45 }, (_, i) => Math.cos(i * 0.7)) } })),
      );
    }
    await compareInputSets(
      `model M(x: [B, T, 3], m: bool[B, T]) {\n  return gru(4, seq=true, recurrent_activation=softmax, reset_after=false)(x, mask=m), lstm(4, recurrent_activation=softmax, activation=relu)(x), bigru(3, seq=true, activation=softmax)(x, mask=m)\n}`,
      { B: 3, T: 5 },
      EVERY_MASK,
    );
    await compareInputSets(
      `keras 3\nmodel M(x: [B, T, 3], m: bool[B, T]) {\n  return lstm(4, seq=true, recurrent_activation=hard_sigmoid, activation=linear)(x, mask=m)\n}`,
      { B: 3, T: 5 },
      EVERY_MASK,
    );
  });

  it("bidirectional layers in every merge mode, masked and not", async () => {
    for (const merge of ["concat", "sum", "mul", "ave", "none"]) {
      const out = (name: string) => (merge === "none" ? `${name}f, ${name}b` : name);
      await compareInputSets(
        `model M(x: [B, T, 3], m: bool[B, T]) {\n  ${out("y")} = bilstm(4, seq=true, merge="${merge}")(x, mask=m)\n  ${out("z")} = bigru(3, merge="${merge}")(x, mask=m)\n  ${out("w")} = birnn(3, seq=true, merge="${merge}")(x)\n  return ${out("y")}, ${out("z")}, ${out("w")}\n}`,
        { B: 3, T: 5 },
        EVERY_MASK,
      );
    }
  });

  it("a masked bidirectional layer: one bidirectional node in each padded branch, two Scans otherwise", async () => {
    const source =
      `model M(x: [B, T, 3], m: bool[B, T], a: [B, 3], b: [B, 3], c: [B, 3], d: [B, 3]) {\n` +
      `  y, hf, cf, hb, cb = bilstm(3, seq=true, state=true)(x, mask=m, initial=(a, b, c, d))\n` +
      `  return y, hf, cf, hb, cb, bigru(2, merge="sum", reset_after=false)(x, mask=m)\n}`;
    await compareInputSets(source, { B: 3, T: 5 }, EVERY_MASK);
    const text = Buffer.from(exportOnnx(check(source))).toString("latin1");
    // Per layer: the post-padded and the pre-padded branch's node, and a Scan per direction.
    expect(text.match(/\bLSTM_\d+/g)).toHaveLength(2);
    expect(text.match(/\bGRU_\d+/g)).toHaveLength(2);
    expect(text.match(/bidirectional/g)).toHaveLength(4);
    expect(text.match(/\bScan_\d+/g)).toHaveLength(4);
  });
});

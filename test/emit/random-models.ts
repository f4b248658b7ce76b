// Random models that check clean, for comparing compiled modules with the interpreter: chains of
// every layer (all cells, directions, merges, activations, initializers), masks from embeddings and
// from inputs, initial states, shared layers, called models, named and numbered dims, both editions.
import { Rng } from "../parity/generate.js";

interface Tensor {
  name: string;
  /** A sequence [B, T, f] or a vector [B, f]. */
  seq: boolean;
  width: number;
  /** Which time axis a sequence has ("T", or a repeat_vector's own). */
  time: string;
}

const ACTIVATIONS = ["tanh", "sigmoid", "relu", "softmax", "linear", "hard_sigmoid"];
const INITIALIZERS = [
  "zeros",
  "ones",
  "constant(0.3)",
  "glorot_uniform",
  "glorot_uniform(seed=7)",
  "orthogonal",
  "orthogonal(gain=0.5, seed=3)",
  "random_uniform",
  "random_uniform(-0.2, 0.3, seed=5)",
];

export interface RandomModel {
  source: string;
  /** The model to run (the last of the file). */
  model: string;
  /** Sizes for the named dims, two sets (a model is run on both). */
  dims: Record<string, number>[];
}

export function randomModel(seed: number): RandomModel {
  const rng = new Rng(seed);
  const pick = <T>(items: readonly T[]): T => items[rng.int(0, items.length - 1)]!;
  const chance = (p: number) => rng.bool(p);
  const named = chance(0.6);
  const B = named ? "B" : String(rng.int(1, 3));
  const T = named ? "T" : String(rng.int(1, 5));
  const F = rng.int(1, 6);
  const lines: string[] = [];
  const inputs: string[] = [`x: [${B}, ${T}, ${F}]`];
  const tensors: Tensor[] = [{ name: "x", seq: true, width: F, time: "T" }];
  const states: { name: string; width: number; cell: string }[] = [];
  let n = 0;
  const fresh = () => `v${n++}`;
  const hasIds = chance(0.3);
  const hasMask = chance(0.3);
  const vocab = rng.int(2, 9);
  if (hasIds) {
    inputs.push(`ids: int[${B}, ${T}]`);
    const e = fresh();
    const dim = rng.int(1, 5);
    lines.push(
      `${e} = ids |> embedding(${vocab}, ${dim}${chance(0.6) ? ", mask_zero=true" : ""}${chance(0.3) ? `, embeddings_initializer=${pick(INITIALIZERS)}` : ""})`,
    );
    tensors.push({ name: e, seq: true, width: dim, time: "T" });
  }
  if (hasMask) inputs.push(`m: bool[${B}, ${T}]`);
  const helper = chance(0.25);
  const helperLines: string[] = [];
  if (helper) {
    const u = rng.int(1, 4);
    helperLines.push(
      `model Enc(s: [${B}, ${T}, ${F}]) {`,
      `  _, h, c = lstm(${u}, state=true, kernel=${pick(INITIALIZERS)})(s)`,
      `  return h, c`,
      `}`,
      ``,
    );
    const h = fresh();
    const c = fresh();
    lines.push(`${h}, ${c} = Enc(x)`);
    tensors.push({ name: h, seq: false, width: u, time: "" });
    states.push({ name: `${h}, ${c}`, width: u, cell: "lstm" });
  }
  const steps = rng.int(1, 5);
  for (let s = 0; s < steps; s++) {
    const seqs = tensors.filter((t) => t.seq && t.time === "T");
    const choice = rng.int(0, 9);
    const out = fresh();
    if (choice <= 4 && seqs.length > 0) {
      // A recurrent layer.
      const input = pick(seqs);
      const cell = pick(["rnn", "gru", "lstm"]);
      const bi = chance(0.35);
      const u = rng.int(1, 4);
      const seq = chance(0.5);
      const state = chance(0.35);
      const args = [String(u)];
      if (seq) args.push("seq=true");
      if (state) args.push("state=true");
      if (chance(0.3)) args.push(`activation=${pick(ACTIVATIONS)}`);
      if (cell !== "rnn" && chance(0.3)) args.push(`recurrent_activation=${pick(ACTIVATIONS)}`);
      if (cell === "gru" && chance(0.4)) args.push("reset_after=false");
      if (cell === "lstm" && chance(0.2)) args.push("unit_forget_bias=false");
      if (chance(0.15)) args.push("use_bias=false");
      if (!bi && chance(0.25)) args.push("backwards=true");
      if (chance(0.4)) args.push(`kernel=${pick(INITIALIZERS)}`);
      if (chance(0.3)) args.push(`recurrent=${pick(INITIALIZERS)}`);
      if (chance(0.3)) args.push(`bias=${pick(INITIALIZERS)}`);
      if (chance(0.2)) args.push(`name="layer ${s}"`);
      const merge = bi ? pick(["concat", "concat", "sum", "mul", "ave", "none"]) : "concat";
      const ctor = bi ? `bi${cell}(${args.join(", ")}${merge !== "concat" ? `, merge=${merge}` : ""})` : `${cell}(${args.join(", ")})`;
      const call: string[] = [];
      if (hasMask && chance(0.5)) call.push("mask=m");
      const stateCount = cell === "lstm" ? 2 : 1;
      const fitting = states.filter((st) => st.width === u && (st.cell === "lstm") === (cell === "lstm"));
      if (!bi && fitting.length > 0 && chance(0.5)) call.push(`initial=(${pick(fitting).name})`);
      const outputs = bi && merge === "none" ? 2 : 1;
      const width = bi && merge === "concat" ? 2 * u : u;
      const stateNames = state ? Array.from({ length: (bi ? 2 : 1) * stateCount }, () => fresh()) : [];
      const outNames = [out, ...(outputs === 2 ? [fresh()] : [])];
      lines.push(`${[...outNames, ...stateNames].join(", ")} = ${ctor}(${[input.name, ...call].join(", ")})`);
      for (const o of outNames) tensors.push({ name: o, seq, width, time: "T" });
      for (let k = 0; k < stateNames.length; k += stateCount) {
        const group = stateNames.slice(k, k + stateCount);
        for (const g of group) tensors.push({ name: g, seq: false, width: u, time: "" });
        states.push({ name: group.join(", "), width: u, cell });
      }
      continue;
    }
    if (choice === 5) {
      const input = pick(tensors);
      const u = rng.int(1, 5);
      const act = chance(0.5) ? `, activation=${pick(ACTIVATIONS)}` : "";
      const bias = chance(0.15) ? ", use_bias=false" : "";
      const init = chance(0.3) ? `, kernel_initializer=${pick(INITIALIZERS)}` : "";
      const wrapped = input.seq && chance(0.4);
      lines.push(
        wrapped
          ? `${out} = ${input.name} |> time_distributed(dense(${u}${act}${bias}${init}))`
          : `${out} = ${input.name} |> dense(${u}${act}${bias}${init})`,
      );
      tensors.push({ ...input, name: out, width: u });
      continue;
    }
    if (choice === 6) {
      const vecs = tensors.filter((t) => !t.seq);
      if (vecs.length === 0) continue;
      const input = pick(vecs);
      const r = rng.int(1, 4);
      lines.push(`${out} = ${input.name} |> repeat_vector(${r})`);
      tensors.push({ name: out, seq: true, width: input.width, time: `R${r}` });
      continue;
    }
    if (choice === 7 && seqs.length > 0) {
      // A shared layer: bound once, applied to two sequences of the same width.
      const input = pick(seqs);
      const others = seqs.filter((t) => t.width === input.width);
      const second = pick(others);
      const u = rng.int(1, 3);
      const name = `shared${s}`;
      lines.push(`${name} = gru(${u}, seq=true)`, `${out} = ${name}(${input.name})`);
      const again = fresh();
      lines.push(`${again} = ${name}(${second.name})`);
      tensors.push({ name: out, seq: true, width: u, time: "T" }, { name: again, seq: true, width: u, time: "T" });
      continue;
    }
    // concat, or a merge of two tensors of one shape (but the last axis, for concat).
    const a = pick(tensors);
    const partners = tensors.filter((t) => t.seq === a.seq && t.time === a.time);
    // An element-wise merge takes a partner of a's width (a itself, at least).
    const b = pick(choice === 8 ? partners : partners.filter((t) => t.width === a.width));
    if (choice === 8 || a.width !== b.width) {
      lines.push(`${out} = concat(${a.name}, ${b.name})`);
      tensors.push({ ...a, name: out, width: a.width + b.width });
    } else {
      // add, or another element-wise merge, or (on sequences) attention of one over the other.
      const merge = pick(["add", "multiply", "average", "maximum", "attention", "attention"]);
      if (merge === "attention" && a.seq) {
        const additive = chance(0.3);
        const mode = pick(["", ", use_scale=true", additive ? ", use_scale=false" : ', score_mode="concat"', ", use_causal_mask=true"]);
        lines.push(`${out} = ${additive ? "additive_attention" : "attention"}(${a.name}, ${b.name}${mode})`);
      } else {
        lines.push(`${out} = ${merge === "attention" ? "add" : merge}(${a.name}, ${b.name})${chance(0.3) ? " |> dropout(0.25)" : ""}`);
      }
      tensors.push({ ...a, name: out });
    }
  }
  const produced = tensors.filter((t) => t.name !== "x");
  const returns =
    produced.length === 0
      ? [tensors[0]!]
      : [...new Set([produced[produced.length - 1]!, pick(produced), ...(chance(0.5) ? [pick(produced)] : [])])];
  // Drawn last, so that the models drawn before editions existed stay as they were.
  const edition = chance(0.3) ? ["keras 3", ""] : [];
  const source = [
    `# random model ${seed}`,
    ...edition,
    ...helperLines,
    `model R(${inputs.join(", ")}) {`,
    ...lines.map((l) => `  ${l}`),
    `  return ${returns.map((r) => r.name).join(", ")}`,
    `}`,
    ``,
  ].join("\n");
  const dims = named
    ? [
        { B: rng.int(1, 3), T: rng.int(1, 5) },
        { B: rng.int(1, 3), T: rng.int(1, 5) },
      ]
    : [{}];
  return { source, model: "R", dims };
}

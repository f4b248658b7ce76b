// The two directions of a bidirectional layer (one RecurrentOp.pair) as ONE ONNX LSTM/GRU/RNN node
// with direction=bidirectional (INTEROP.md §1.3): W, R, B and the initial states stacked forward then
// backward, Y [T,2,B,u] split back into the two directions' outputs. Y[:,1] is the backward output
// in input time order, which is what rnnc's graph has for Bidirectional's backward copy; the merge
// (concat, sum, mul, ave, none) stays the nodes rnnc's graph already has downstream.
import { gateCount } from "../ir/cells.js";
import { recurrentInputs, type Graph, type Node, type RecurrentOp } from "../ir/graph.js";
import { cellAttributes, fusedWeightData } from "./recurrent.js";
import type { OnnxWriter } from "./writer.js";

/**
 * The bidirectional pairs written as one node: each pair's first node in graph order → its partner.
 * A pair qualifies when neither direction is masked (masked ones take padded.ts's If per direction),
 * both are fusable with the same settings on the same x, and the partner's inputs (constants aside)
 * all exist where the first node is written.
 */
export function bidirectionalPairs(graph: Graph): Map<Node, Node> {
  const producedAt = new Map<number, number>();
  // Constants count as there from the start (export.ts registers them all before writing any node).
  graph.nodes.forEach((node, i) => node.outputs.forEach((v) => producedAt.set(v, node.op.kind === "const" ? -1 : i)));
  const byPair = new Map<number, number[]>();
  graph.nodes.forEach((node, i) => {
    if (node.op.kind === "recurrent" && node.op.pair !== undefined) byPair.set(node.op.pair, [...(byPair.get(node.op.pair) ?? []), i]);
  });
  const pairs = new Map<Node, Node>();
  for (const indices of byPair.values()) {
    if (indices.length !== 2) continue;
    const [i, j] = indices as [number, number];
    const first = graph.nodes[i]!;
    const second = graph.nodes[j]!;
    if (!oneNode(first, second)) continue;
    if (second.inputs.every((v) => (producedAt.get(v) ?? -1) < i)) pairs.set(first, second);
  }
  return pairs;
}

/** Whether two directions can be one ONNX node. */
function oneNode(a: Node, b: Node): boolean {
  const p = a.op as RecurrentOp;
  const q = b.op as RecurrentOp;
  const [na, nb] = [recurrentInputs(a), recurrentInputs(b)];
  const backward = p.goBackwards ? p : q;
  return (
    p.goBackwards !== q.goBackwards &&
    (!backward.returnSequences || backward.sequenceInTimeOrder) &&
    na.x === nb.x &&
    na.mask === undefined &&
    nb.mask === undefined &&
    (na.h0 === undefined) === (nb.h0 === undefined) &&
    (na.c0 === undefined) === (nb.c0 === undefined) &&
    (na.inputBias === undefined) === (nb.inputBias === undefined) &&
    (na.recurrentBias === undefined) === (nb.recurrentBias === undefined) &&
    !p.projected &&
    !q.projected &&
    !p.outputStartsAtState &&
    !q.outputStartsAtState &&
    [p.activation, p.recurrentActivation].every((fn) => fn !== "softmax") &&
    p.cell === q.cell &&
    p.units === q.units &&
    p.activation === q.activation &&
    p.recurrentActivation === q.recurrentActivation &&
    p.resetAfter === q.resetAfter &&
    p.returnSequences === q.returnSequences
  );
}

/** Writes a pair (bidirectionalPairs) as one node, into both nodes' output values. */
export function lowerBidirectional(w: OnnxWriter, first: Node, second: Node): void {
  const [forward, backward] = (first.op as RecurrentOp).goBackwards ? [second, first] : [first, second];
  const op = forward.op as RecurrentOp;
  const layer = forward.layer ?? "?";
  const u = op.units;
  const Gu = gateCount(op.cell) * u;
  const directions = [forward, backward].map((node) => fusedWeightData(w, node, node.op as RecurrentOp, node.layer ?? "?"));
  const stack = (parts: (Float32Array | undefined)[]) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p!.length, 0));
    let at = 0;
    for (const p of parts) (out.set(p!, at), (at += p!.length));
    return out;
  };
  const prefix = w.fresh(`bi${op.cell}`);
  const F = directions[0]!.F;
  const W = w.initializer(`${prefix}_W`, [2, Gu, F], stack(directions.map((d) => d.W)));
  const R = w.initializer(`${prefix}_R`, [2, Gu, u], stack(directions.map((d) => d.R)));
  const B = directions[0]!.B ? w.initializer(`${prefix}_B`, [2, 2 * Gu], stack(directions.map((d) => d.B))) : "";
  const named = [forward, backward].map(recurrentInputs);
  const axis0 = w.int64s(`${prefix}_axis0`, [0]);
  const axis1 = w.int64s(`${prefix}_axis1`, [1]);
  // Initial states [B,u] per direction → [2,B,u], forward first.
  const initial = (state: "h0" | "c0") => {
    if (named[0]![state] === undefined) return "";
    const parts = named.map((n) => {
      const part = w.fresh(`${prefix}_${state}`);
      w.emit("Unsqueeze", [w.name(n[state]!), axis0], [part]);
      return part;
    });
    const stacked = w.fresh(`${prefix}_initial_${state}`);
    w.emit("Concat", parts, [stacked], { axis: { int: 0 } });
    return stacked;
  };
  const x = w.fresh(`${prefix}_x_tbf`);
  w.emit("Transpose", [w.name(named[0]!.x)], [x], { perm: { ints: [1, 0, 2] } });
  const inputs = [x, W, R, B, "", initial("h0"), ...(op.cell === "lstm" ? [initial("c0")] : [])];
  while (inputs[inputs.length - 1] === "") inputs.pop();

  const used = [forward, backward].map((node) => (node.op as RecurrentOp).used);
  const anyUsed = (k: number) => used[0]![k] || used[1]![k];
  const sequence = op.returnSequences && anyUsed(0);
  const Y = sequence ? w.fresh(`${prefix}_Y`) : "";
  const Yh = w.fresh(`${prefix}_Y_h`);
  const Yc = op.cell === "lstm" && anyUsed(2) ? w.fresh(`${prefix}_Y_c`) : "";
  const outputs = [Y, Yh, Yc];
  while (outputs[outputs.length - 1] === "") outputs.pop();
  w.emit({ lstm: "LSTM", gru: "GRU", simple_rnn: "RNN" }[op.cell], inputs, outputs, cellAttributes(op, layer, "bidirectional"));

  // One direction's slice of a result stacked on `axis`, squeezed: [T,2,B,u] → [T,B,u], [2,B,u] → [B,u].
  const halves = (value: string, axis: number, label: string) => {
    const parts = [w.fresh(`${prefix}_${label}_forward`), w.fresh(`${prefix}_${label}_backward`)];
    w.emit("Split", [value], parts, { axis: { int: axis } });
    return parts.map((part) => {
      const squeezed = w.fresh(`${part.slice(1)}_squeezed`);
      w.emit("Squeeze", [part, axis === 0 ? axis0 : axis1], [squeezed]);
      return squeezed;
    });
  };
  const sequences = Y ? halves(Y, 1, "Y") : [];
  const hs = halves(Yh, 0, "h");
  const cs = Yc ? halves(Yc, 0, "c") : [];
  [forward, backward].forEach((node, d) => {
    const [outputUsed, hUsed, cUsed] = used[d]!;
    const [output, h, c] = node.outputs.map((v) => w.name(v));
    if (outputUsed) {
      if (op.returnSequences) w.emit("Transpose", [sequences[d]!], [output!], { perm: { ints: [1, 0, 2] } });
      else w.emit("Identity", [hs[d]!], [output!]);
    }
    if (hUsed) w.emit("Identity", [hs[d]!], [h!]);
    if (cUsed && c) w.emit("Identity", [cs[d]!], [c]);
  });
}

// The two directions of a bidirectional layer (one RecurrentOp.pair) as ONE ONNX LSTM/GRU/RNN node
// with direction=bidirectional (INTEROP.md §1.3): W, R, B and the initial states stacked forward then
// backward, Y [T,2,B,u] split back into the two directions' outputs. Y[:,1] is the backward output
// in input time order, which is what rnnc's graph has for Bidirectional's backward copy; the merge
// (concat, sum, mul, ave, none) stays the nodes rnnc's graph already has downstream. A masked pair
// is one If (padded.ts) whose padded branches hold the one node and whose Scan branch two Scans.
import { gateCount } from "../ir/cells.js";
import { recurrentInputs, type Graph, type Node, type RecurrentOp } from "../ir/graph.js";
import { maskedRecurrent } from "./padded.js";
import { fusedNode, fusedWeightData } from "./fused.js";
import type { OnnxWriter } from "./writer.js";

/**
 * The bidirectional pairs written as one node: each pair's first node in graph order → its partner.
 * A pair qualifies when both are fusable (no softmax) with the same settings on the same x and mask,
 * and the partner's inputs (constants aside) all exist where the first node is written.
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
    na.mask === nb.mask &&
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

/** Writes a pair (bidirectionalPairs) as one node (with a mask, the If of padded.ts around it), into both nodes' output values. */
export function lowerBidirectional(w: OnnxWriter, first: Node, second: Node): void {
  const nodes = (first.op as RecurrentOp).goBackwards ? [second, first] : [first, second];
  const op = nodes[0]!.op as RecurrentOp;
  const layer = nodes[0]!.layer ?? "?";
  const u = op.units;
  const Gu = gateCount(op.cell) * u;
  const data = nodes.map((node) => fusedWeightData(w, node, node.op as RecurrentOp, node.layer ?? "?"));
  const stack = (parts: (Float32Array | undefined)[]) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p!.length, 0));
    let at = 0;
    for (const p of parts) (out.set(p!, at), (at += p!.length));
    return out;
  };
  const prefix = w.fresh(`bi${op.cell}`);
  const weights = {
    W: w.initializer(`${prefix}_W`, [2, Gu, data[0]!.F], stack(data.map((d) => d.W))),
    R: w.initializer(`${prefix}_R`, [2, Gu, u], stack(data.map((d) => d.R))),
    B: data[0]!.B ? w.initializer(`${prefix}_B`, [2, 2 * Gu], stack(data.map((d) => d.B))) : "",
  };
  const directions = nodes.map((node) => {
    const named = recurrentInputs(node);
    const [outputUsed, hUsed, cUsed] = (node.op as RecurrentOp).used;
    const [output, h, c] = node.outputs.map((v) => w.name(v));
    return {
      op: node.op as RecurrentOp,
      layer: node.layer ?? "?",
      sources: {
        x: w.name(named.x),
        ...(named.mask !== undefined ? { mask: w.name(named.mask) } : {}),
        ...(named.h0 !== undefined ? { h0: w.name(named.h0) } : {}),
        ...(named.c0 !== undefined ? { c0: w.name(named.c0) } : {}),
      },
      targets: {
        ...(outputUsed ? { output: output! } : {}),
        ...(hUsed ? { h: h! } : {}),
        ...(cUsed && c ? { c } : {}),
      },
    };
  });
  if (directions[0]!.sources.mask !== undefined) return maskedRecurrent(w, directions, weights);

  const x = w.fresh(`${prefix}_x_tbf`);
  w.emit("Transpose", [directions[0]!.sources.x], [x], { perm: { ints: [1, 0, 2] } });
  const results = fusedNode(
    w,
    op,
    layer,
    weights,
    x,
    directions.map((d) => d.sources),
    {
      sequence: op.returnSequences && directions.some((d) => d.targets.output !== undefined),
      c: directions.some((d) => d.targets.c !== undefined),
    },
  );
  // Y[:,1] is the backward output in input time order: what rnnc's graph has for Bidirectional's backward copy.
  directions.forEach(({ targets }, d) => {
    const result = results[d]!;
    if (targets.output !== undefined) {
      if (op.returnSequences) w.emit("Transpose", [result.sequence!], [targets.output], { perm: { ints: [1, 0, 2] } });
      else w.emit("Identity", [result.h], [targets.output]);
    }
    if (targets.h !== undefined) w.emit("Identity", [result.h], [targets.h]);
    if (targets.c !== undefined) w.emit("Identity", [result.c!], [targets.c]);
  });
}

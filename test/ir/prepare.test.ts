// prepareGraph (src/ir/passes.ts), the one preparation every backend and the emitter ask for, and the
// facts lowering puts on recurrent ops instead of graph patterns a backend would have to recognise.
import { describe, expect, it } from "vitest";
import { evaluateNode } from "../../src/backends/cpu/executor.js";
import { check } from "../../src/index.js";
import { recurrentInputs, type Graph, type Node, type RecurrentOp } from "../../src/ir/graph.js";
import { prepareGraph } from "../../src/ir/passes.js";
import { lowerModel } from "../../src/lower/lower.js";
import { bindWeights } from "../../src/lower/weights.js";

function lowered(src: string): Graph {
  const checked = check(src);
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const model = checked.models[0]!;
  return lowerModel(checked, model, bindWeights(model, new Map(checked.models.map((m) => [m.name, m])), undefined));
}
const recurrent = (g: Graph) => g.nodes.filter((n): n is Node & { op: RecurrentOp } => n.op.kind === "recurrent");
const kinds = (g: Graph) => g.nodes.map((n) => n.op.kind);
const BIGRU = "model M(x: [2, 5, 3]) {\n  return bigru(4, seq=true, merge=concat)(x)\n}\n";

describe("prepareGraph", () => {
  it("without hoisting (the tfjs backend): recurrent ops keep x, their kernel and input bias; constants folded", () => {
    const graph = lowered(BIGRU);
    prepareGraph(graph, { evaluate: (node, inputs) => evaluateNode(graph, node, inputs), hoistInputProjection: false });
    for (const node of recurrent(graph)) {
      expect(node.op.projected).toBe(false);
      const inputs = recurrentInputs(node);
      expect(inputs.x).toBe(graph.inputs[0]!.value);
      expect(inputs.kernel).toBeDefined();
      expect(inputs.inputBias).toBeDefined();
    }
    expect(kinds(graph)).not.toContain("row");
    expect(kinds(graph)).not.toContain("matmul");
  });

  it("with hoisting and no evaluator (the emitter): projected ops, and the bias rows left for the plan to fold", () => {
    const graph = lowered(BIGRU);
    prepareGraph(graph, { hoistInputProjection: true });
    for (const node of recurrent(graph)) {
      expect(node.op.projected).toBe(true);
      expect(recurrentInputs(node).kernel).toBeUndefined();
      expect(node.op.inputNames).toEqual(node.op.inputNames.filter((n) => n !== "kernel" && n !== "inputBias"));
    }
    expect(kinds(graph).filter((k) => k === "row")).toHaveLength(4);
  });

  it("names every input of a recurrent node, and lists no absent one", () => {
    const graph = lowered("model M(x: [2, 5, 3]) {\n  return lstm(4, use_bias=false)(x)\n}\n");
    const [node] = recurrent(graph);
    expect(node!.op.inputNames).toEqual(["x", "kernel", "recurrentKernel"]);
    expect(node!.inputs).toHaveLength(3);
  });
});

describe("a bidirectional layer's facts", () => {
  it("its two ops share a pair number, the backward one's sequence in time order; no reverse op", () => {
    const graph = lowered(BIGRU);
    const [fwd, bwd] = recurrent(graph);
    expect(fwd!.op.pair).toBeDefined();
    expect(bwd!.op.pair).toBe(fwd!.op.pair);
    expect([fwd!.op.goBackwards, bwd!.op.goBackwards]).toEqual([false, true]);
    expect(bwd!.op.sequenceInTimeOrder).toBe(true);
    expect(kinds(graph)).not.toContain("reverseTime");
  });

  it("two bidirectional layers get two pair numbers; a plain backwards layer none, in processing order", () => {
    const graph = lowered(
      "model M(x: [2, 5, 3]) {\n  a = bilstm(4, seq=true)(x)\n  b = bilstm(2, seq=true)(a)\n  return lstm(3, seq=true, backwards=true)(b)\n}\n",
    );
    const ops = recurrent(graph).map((n) => n.op);
    expect(ops.map((o) => o.pair)).toEqual([ops[0]!.pair, ops[0]!.pair, ops[2]!.pair, ops[2]!.pair, undefined]);
    expect(ops[0]!.pair).not.toBe(ops[2]!.pair);
    expect(ops[4]!.sequenceInTimeOrder).toBe(false);
  });
});

// The model picture's structure, for every example model and in DOT and Mermaid: each layer one node
// with its class and its output types as `rnnc shapes` prints them, an edge per tensor handed on,
// called models as clusters, a shared layer drawn once, state hand-offs dashed, masked tensors marked.
// Assertions are on structure (nodes, edges, attributes), not on whole golden texts.
import { describe, expect, it } from "vitest";
import {
  check,
  formatType,
  graphToDot,
  graphToMermaid,
  GraphError,
  isLayerRow,
  modelGraph,
  type CheckedModel,
  type ModelGraph,
} from "../../src/index.js";
import { exampleModels } from "./examples.js";

const EXAMPLES = exampleModels();

/** `(a,b)` for a multi-output layer, as formatType prints a tuple; the type itself for one output. */
function shapesText(types: string[]): string {
  return types.length === 1 ? types[0]! : `(${types.join(",")})`;
}

/** Every tensor a model body hands on: each application's inputs and keywords, and each return. */
function tensorCount(model: CheckedModel): number {
  return (
    model.applications.reduce((n, a) => n + a.inputs.length + [...a.keywords.values()].reduce((k, ids) => k + ids.length, 0), 0) +
    model.returns.length
  );
}

/** DOT statements `"id" [attributes];` by id, and edges `"a" -> "b" [attributes];` in order. */
function parseDot(dot: string): {
  nodes: Map<string, string>;
  edges: { from: string; to: string; attributes: string }[];
  clusters: string[];
} {
  const nodes = new Map<string, string>();
  const edges: { from: string; to: string; attributes: string }[] = [];
  for (const line of dot.split("\n")) {
    const edge = /^\s*"((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)"(?: \[(.*)\])?;$/.exec(line);
    if (edge) {
      edges.push({ from: edge[1]!, to: edge[2]!, attributes: edge[3] ?? "" });
      continue;
    }
    const node = /^\s*"((?:[^"\\]|\\.)*)" \[(.*)\];$/.exec(line);
    if (node) {
      expect(nodes.has(node[1]!), `node ${node[1]} declared twice`).toBe(false);
      nodes.set(node[1]!, node[2]!);
    }
  }
  const clusters = [...dot.matchAll(/subgraph "cluster_([^"]+)" \{/g)].map((m) => m[1]!);
  return { nodes, edges, clusters };
}

describe.each(EXAMPLES.map((e) => [`${e.file} ${e.model.name}`, e] as const))("%s", (_, { checked, model }) => {
  const graph = modelGraph(checked, model.name);

  it("has each layer once, with its class and the output types `rnnc shapes` prints", () => {
    const top = graph.nodes.filter((n) => n.cluster === undefined && n.kind === "layer");
    const rows = model.rows.filter(isLayerRow);
    expect(top.map((n) => n.name)).toEqual(rows.map((r) => r.name));
    rows.forEach((row, i) => {
      expect(top[i]!.kerasClass).toBe(row.kerasClass);
      expect(top[i]!.calls).toBe(row.applications);
      expect(shapesText(top[i]!.types[0]!)).toBe(formatType(row.output));
    });
    expect(graph.nodes.filter((n) => n.kind === "input" && n.cluster === undefined).map((n) => n.types[0]![0])).toEqual(
      model.inputs.map((i) => formatType(i.type)),
    );
    expect(graph.nodes.filter((n) => n.kind === "output").map((n) => n.types[0]![0])).toEqual(model.outputs.map(formatType));
    expect(new Set(graph.nodes.map((n) => n.id)).size).toBe(graph.nodes.length);
  });

  it("has a cluster per called model and an edge per tensor handed on", () => {
    const called = model.rows.filter((r) => !isLayerRow(r)).map((r) => r.name);
    expect(graph.clusters.filter((c) => c.parent === undefined).map((c) => c.model)).toEqual(called);
    // The top model's returns go to output nodes; a called model's returns are its caller's values.
    const calledBodies = graph.clusters.map((c) => checked.models.find((m) => m.name === c.model)!);
    const applicationTensors = (m: CheckedModel) => tensorCount(m) - m.returns.length;
    expect(graph.edges.length).toBe([model, ...calledBodies].reduce((n, m) => n + applicationTensors(m), 0) + model.returns.length);
    for (const edge of graph.edges) {
      expect(graph.nodes.some((n) => n.id === edge.from)).toBe(true);
      expect(graph.nodes.some((n) => n.id === edge.to)).toBe(true);
    }
  });

  it("writes DOT with every node, edge and cluster, state edges dashed and masked ones marked", () => {
    const dot = parseDot(graphToDot(graph));
    expect([...dot.nodes.keys()].sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    for (const node of graph.nodes) {
      const label = dot.nodes.get(node.id)!;
      expect(label).toContain(`<b>${node.name}</b> (${node.kerasClass})`);
      for (const type of node.types.flat()) expect(label).toContain(type);
      expect(label.includes("shared: ")).toBe(node.calls > 1 && node.kind === "layer");
    }
    expect(dot.edges.map((e) => [e.from, e.to])).toEqual(graph.edges.map((e) => [e.from, e.to]));
    graph.edges.forEach((edge, i) => {
      const attributes = dot.edges[i]!.attributes;
      expect(attributes.includes("style=dashed")).toBe(edge.kind === "state");
      expect(attributes.includes("style=dotted")).toBe(edge.kind === "mask");
      expect(/label=" [^"]*masked/.test(attributes)).toBe(edge.masked);
    });
    expect(dot.clusters).toEqual(graph.clusters.map((c) => c.id));
  });

  it("writes Mermaid with every node, edge and subgraph", () => {
    const mmd = graphToMermaid(graph);
    const lines = mmd.trimEnd().split("\n");
    expect(lines[0]).toBe("flowchart TB");
    const declared = lines.flatMap((l) => /^\s*(n\d+)(?:\[|\(\[)"/.exec(l)?.[1] ?? []);
    expect(declared.sort()).toEqual(graph.nodes.map((_, i) => `n${i}`).sort());
    const edges = lines.flatMap((l) => {
      const m = /^\s*(n\d+) (-->|-\.->|==>)(?:\|"[^"]*"\|)? (n\d+)$/.exec(l);
      return m ? [{ from: m[1]!, arrow: m[2]!, to: m[3]! }] : [];
    });
    const idOf = (id: string) => `n${graph.nodes.findIndex((n) => n.id === id)}`;
    expect(edges.map((e) => [e.from, e.to])).toEqual(graph.edges.map((e) => [idOf(e.from), idOf(e.to)]));
    graph.edges.forEach((edge, i) => {
      expect(edges[i]!.arrow).toBe(edge.kind !== "tensor" ? "-.->" : edge.masked ? "==>" : "-->");
    });
    expect(lines.filter((l) => /^\s*subgraph c\d+\[/.test(l)).length).toBe(graph.clusters.length);
    expect(lines.filter((l) => /^\s*end$/.test(l)).length).toBe(graph.clusters.length);
  });
});

function graphOf(file: string, model: string): ModelGraph {
  const example = EXAMPLES.find((e) => e.file === file && e.model.name === model);
  if (!example) throw new Error(`no clean model ${model} in ${file}`);
  return modelGraph(example.checked, model);
}

describe("what the picture shows", () => {
  it("hands an encoder's states to the decoder on dashed edges labelled with the state", () => {
    const graph = graphOf("attention-seq2seq.rnn", "AttentionSeq2Seq");
    const states = graph.edges.filter((e) => e.kind === "state");
    expect(states).toEqual([
      { from: "lstm", to: "lstm_1", kind: "state", masked: false, slot: "h" },
      { from: "lstm", to: "lstm_1", kind: "state", masked: false, slot: "c" },
    ]);
    expect(graph.nodes.find((n) => n.id === "lstm")!.types).toEqual([["f32[B,S,64]", "f32[B,64]", "f32[B,64]"]]);
    expect(graph.edges.find((e) => e.from === "lstm" && e.to === "attention")!.slot).toBe("output");
  });

  it("draws a shared layer once, its calls numbered on its edges", () => {
    const graph = graphOf("stacked.rnn", "Residual");
    const block = graph.nodes.filter((n) => n.name === "block");
    expect(block).toHaveLength(1);
    expect(block[0]!.calls).toBe(2);
    expect(graph.edges.filter((e) => e.to === "block").map((e) => [e.from, e.toCall])).toEqual([
      ["input:x", 1],
      ["add", 2],
    ]);
    expect(graph.edges.filter((e) => e.from === "block").map((e) => [e.to, e.fromCall])).toEqual([
      ["add", 1],
      ["add_1", 2],
    ]);
    expect(graphToDot(graph)).toMatch(/"add" -> "block" \[label=" call 2 "\]/);
  });

  it("draws a called model as a cluster around its own inputs and layers", () => {
    const graph = graphOf("seq2seq.rnn", "Translator");
    expect(graph.clusters).toEqual([{ id: "Encoder", model: "Encoder", calls: 1 }]);
    expect(graph.nodes.filter((n) => n.cluster === "Encoder").map((n) => n.id)).toEqual(["Encoder/input:src", "Encoder/lstm"]);
    expect(graph.edges.filter((e) => e.kind === "state").map((e) => [e.from, e.to, e.slot])).toEqual([
      ["Encoder/lstm", "lstm", "h"],
      ["Encoder/lstm", "lstm", "c"],
    ]);
  });

  it("marks the tensors that carry a Keras mask, and a mask= input", () => {
    const tagger = graphOf("tagger.rnn", "Tagger");
    expect(tagger.edges.map((e) => [e.from, e.to, e.masked])).toEqual([
      ["input:tokens", "embedding", false],
      ["embedding", "bidirectional", true],
      ["bidirectional", "dense", true],
      ["dense", "output:0", true],
    ]);
    expect(graphToDot(tagger)).toContain(`"embedding" -> "bidirectional" [label=" masked ", color="#8a3fb0"`);
    const masked = graphOf("tagger.rnn", "MaskedTagger");
    expect(masked.edges.find((e) => e.kind === "mask")).toEqual({ from: "input:used", to: "bidirectional", kind: "mask", masked: false });
  });

  it("numbers the calls of a model called twice, drawn once", () => {
    const src = `model Enc(x: [B, T, 4]) {
  return dense(3)(x)
}
model Twice(a: [B, T, 4], b: [B, T, 4]) {
  return add(Enc(a), Enc(b))
}`;
    const graph = modelGraph(check(src), "Twice");
    expect(graph.clusters).toEqual([{ id: "Enc", model: "Enc", calls: 2 }]);
    expect(graph.nodes.filter((n) => n.cluster === "Enc").map((n) => n.id)).toEqual(["Enc/input:x", "Enc/dense"]);
    expect(graph.edges.filter((e) => e.to === "Enc/input:x").map((e) => [e.from, e.toCall])).toEqual([
      ["input:a", 1],
      ["input:b", 2],
    ]);
    expect(graph.edges.filter((e) => e.to === "add").map((e) => e.from)).toEqual(["Enc/dense", "Enc/dense"]);
  });

  it("lists each call's types where a shared layer's calls differ in named dims", () => {
    const src = `model TwoLengths(a: [B, T, 8], b: [B, S, 8]) {
  proj = dense(4)
  return proj(a), proj(b)
}`;
    const graph = modelGraph(check(src));
    expect(graph.nodes.find((n) => n.name === "proj")!.types).toEqual([["f32[B,T,4]"], ["f32[B,S,4]"]]);
    const dot = graphToDot(graph);
    expect(dot).toContain("<tr><td>#1 f32[B,T,4]</td></tr><tr><td>#2 f32[B,S,4]</td></tr><tr><td><i>shared: 2 calls</i></td></tr>");
    expect(graphToMermaid(graph)).toContain("#1 f32[B,T,4]<br/>#2 f32[B,S,4]<br/><i>shared: 2 calls</i>");
  });

  it("keeps names with quotes, markup and line breaks inside their labels", () => {
    const src = `model Weird(x: [B, 4]) {
  return x |> dense(3, name="a\\"b<c>&\\\\d|e]f") |> dense(2, name="x\\ny")
}`;
    const graph = modelGraph(check(src));
    expect(graph.nodes.map((n) => n.name)).toEqual(["x", 'a"b<c>&\\d|e]f', "x\ny", "output_0"]);
    const dot = parseDot(graphToDot(graph));
    expect([...dot.nodes.keys()]).toEqual(["input:x", 'a\\"b<c>&\\\\d|e]f', "x?y", "output:0"]);
    expect(dot.nodes.get('a\\"b<c>&\\\\d|e]f')).toContain("<b>a&quot;b&lt;c&gt;&amp;\\d|e]f</b> (Dense)");
    const statement =
      /^(flowchart TB|\s*n\d+(\[|\(\[)".*"(\]|\]\))|\s*n\d+ (-->|-\.->|==>)(\|"[^"]*"\|)? n\d+|\s*(classDef|class|linkStyle) .*)$/;
    expect(dot.nodes.get("x?y")).toContain("<b>x y</b> (Dense)");
    for (const line of graphToMermaid(graph).trimEnd().split("\n")) expect(line).toMatch(statement);
  });

  it("refuses a model with errors and an unknown model, naming them", () => {
    const checked = check("model Bad(x: [B, T, 8]) {\n  a = lstm(16)(x)\n  return lstm(8)(a)\n}\n");
    expect(() => modelGraph(checked)).toThrow(GraphError);
    expect(() => modelGraph(checked)).toThrow("model Bad has errors");
    expect(() => modelGraph(check("model M(x: [B, 4]) {\n  return dense(2)(x)\n}\n"), "N")).toThrow("no model named N (models: M)");
  });
});

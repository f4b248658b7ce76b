// Completion and signature help, through the server in process: a snippet with the cursor marked `<|>`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MarkupContent } from "vscode-languageserver/node";
import { InProcessServer } from "./in-process.js";

let client: InProcessServer;
beforeAll(async () => {
  client = await InProcessServer.start();
});
afterAll(async () => {
  await client?.stop();
});

/** A model body around a snippet line (the cursor is in the snippet). */
const inModel = (line: string, header = "x: [B, T, 8]") => `model M(${header}) {\n  a = lstm(16, seq=true)(x)\n  ${line}\n  return a\n}\n`;

describe("completion of layer names", () => {
  it("offers every layer where an expression starts, with its docs", async () => {
    const items = await client.completionItems(inModel("b = <|>"));
    const lstm = items.find((i) => i.label === "lstm");
    expect(items.map((i) => i.label)).toEqual(
      expect.arrayContaining(["lstm", "gru", "rnn", "bilstm", "dense", "embedding", "time_distributed"]),
    );
    expect((lstm?.documentation as MarkupContent).value).toContain("Long short-term memory");
    expect(lstm?.detail).toMatch(/^lstm\(units, seq=false/);
  });

  it("offers layers, models and layer bindings after |>", async () => {
    const src = `model Enc(x: [B, T, 8]) {\n  return lstm(4)(x)\n}\nmodel M(x: [B, T, 8]) {\n  block = gru(8, seq=true)\n  y = x |> <|>\n  return y\n}`;
    const labels = await client.completionLabels(src);
    expect(labels).toEqual(expect.arrayContaining(["block", "Enc", "lstm", "dense"]));
    expect(labels).not.toContain("x");
    expect(labels).not.toContain("M");
  });
});

describe("completion of names in scope", () => {
  it("offers the inputs and the bindings made before the cursor, not after", async () => {
    const src = `model M(x: [B, T, 8], m: bool[B, T]) {\n  a = lstm(16, seq=true)(x)\n  b = <|>\n  later = lstm(4)(a)\n  return later\n}`;
    const labels = await client.completionLabels(src);
    expect(labels).toEqual(expect.arrayContaining(["x", "m", "a"]));
    expect(labels).not.toContain("later");
    expect(labels).not.toContain("b");
  });

  it("gives each name its inferred type", async () => {
    const items = await client.completionItems(inModel("b = <|>"));
    expect(items.find((i) => i.label === "a")?.detail).toBe("f32[B,T,16]");
    expect(items.find((i) => i.label === "x")?.labelDetails?.description).toBe("input");
  });

  it("offers the names of another model's scope only there", async () => {
    const src = `model A(p: [B, 4]) {\n  q = p |> dense(2)\n  return q\n}\nmodel M(x: [B, 4]) {\n  return <|>\n}`;
    const labels = await client.completionLabels(src);
    expect(labels).toContain("x");
    expect(labels).toContain("A");
    expect(labels).not.toContain("q");
    expect(labels).not.toContain("p");
  });

  it("offers return and the names at the start of a statement", async () => {
    const labels = await client.completionLabels(inModel("<|>"));
    expect(labels).toEqual(expect.arrayContaining(["return", "a", "x"]));
  });

  it("offers the model snippet at the top level, and the editions where the file starts", async () => {
    expect(await client.completionLabels("<|>")).toEqual(["keras 2", "keras 3", "model"]);
    expect(await client.completionLabels("# a model\n<|>")).toEqual(["keras 2", "keras 3", "model"]);
    expect(await client.completionLabels("model A(x: [1]) {\n  return x\n}\n<|>")).toEqual(["model"]);
    expect(await client.completionLabels("keras 3\n<|>")).toEqual(["model"]);
    expect(await client.completionLabels("keras <|>")).toEqual(["2", "3"]);
  });
});

describe("completion of keyword arguments", () => {
  it("offers a layer's keywords, with their Keras aliases noted", async () => {
    const items = await client.completionItems(inModel("b = lstm(8, <|>)(a)"));
    const seq = items.find((i) => i.label === "seq");
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(["seq", "state", "backwards", "activation", "kernel", "dropout"]));
    expect(seq?.insertText).toBe("seq=");
    expect(seq?.labelDetails?.description).toBe("also `return_sequences`");
    expect((seq?.documentation as MarkupContent).value).toContain("Keras `return_sequences`");
  });

  it("leaves out the keywords already given, by name or by Keras alias, and the positional already given", async () => {
    const labels = await client.completionLabels(inModel("b = lstm(8, return_sequences=true, <|>, activation=relu)(a)"));
    expect(labels).not.toContain("seq");
    expect(labels).not.toContain("activation");
    expect(labels).not.toContain("units");
    expect(labels).toContain("state");
  });

  it("offers a GRU's own keywords and not an LSTM's", async () => {
    const labels = await client.completionLabels(inModel("b = gru(8, <|>)(a)"));
    expect(labels).toContain("reset_after");
    expect(labels).not.toContain("unit_forget_bias");
  });

  it("offers an application's keywords and the names in scope", async () => {
    const labels = await client.completionLabels(inModel("b = lstm(8)(a, <|>)"));
    expect(labels).toEqual(expect.arrayContaining(["initial", "mask", "a", "x"]));
    expect(labels).not.toContain("seq");
  });

  it("offers recurrent layers as the layer bidirectional() wraps", async () => {
    const labels = await client.completionLabels(inModel("b = bidirectional(<|>)(a)"));
    expect(labels).toEqual(expect.arrayContaining(["lstm", "gru", "rnn", "merge", "name"]));
    expect(labels).not.toContain("dense");
  });
});

describe("completion of values", () => {
  it("offers the regularizers and constraints Keras has, none first", async () => {
    expect(await client.completionLabels(inModel("b = gru(8, kernel_regularizer=<|>)(a)"))).toEqual([
      "none",
      "l1",
      "l2",
      "l1_l2",
      "orthogonal_regularizer",
    ]);
    expect(await client.completionLabels(inModel("b = bilstm(8, bias_constraint=<|>)(a)"))).toContain("max_norm");
  });

  it("offers the activations after activation=", async () => {
    expect(await client.completionLabels(inModel("b = lstm(8, activation=<|>)(a)"))).toEqual([
      "tanh",
      "sigmoid",
      "relu",
      "softmax",
      "linear",
      "hard_sigmoid",
    ]);
  });

  it("marks the default value", async () => {
    const items = await client.completionItems(inModel("b = lstm(8, recurrent_activation=<|>)(a)"));
    expect(items.filter((i) => i.preselect).map((i) => i.label)).toEqual(["sigmoid"]);
  });

  it("offers the initializers after kernel=, with a snippet for required arguments", async () => {
    const items = await client.completionItems(inModel("b = lstm(8, kernel=<|>)(a)"));
    expect(items.map((i) => i.label)).toEqual(["zeros", "ones", "constant", "random_uniform", "glorot_uniform", "orthogonal"]);
    expect(items.find((i) => i.label === "constant")?.insertText).toBe("constant(${1:value})");
  });

  it("offers the merge modes after merge=", async () => {
    expect(await client.completionLabels(inModel("b = bilstm(8, merge=<|>)(a)"))).toEqual(["concat", "sum", "mul", "ave", "none"]);
  });

  it("offers true and false for a bool, while typing the value too", async () => {
    expect(await client.completionLabels(inModel("b = lstm(8, seq=t<|>)(a)"))).toEqual(["true", "false"]);
  });

  it("offers the names in scope after initial=", async () => {
    const labels = await client.completionLabels(inModel("b = gru(16)(a, initial=<|>)"));
    expect(labels).toEqual(expect.arrayContaining(["a", "x"]));
  });

  it("offers an initializer's own arguments inside its call", async () => {
    expect(await client.completionLabels(inModel("b = lstm(8, recurrent=orthogonal(<|>))(a)"))).toEqual(["gain", "seed"]);
    expect(await client.completionLabels(inModel("b = lstm(8, recurrent=orthogonal(1.5, <|>))(a)"))).toEqual(["seed"]);
  });

  it("offers nothing while new names are written on the left of =", async () => {
    expect(await client.completionLabels(inModel("y, <|>"))).toEqual([]);
  });

  it("offers nothing inside a comment or a string", async () => {
    expect(await client.completionLabels(inModel("# lstm(8, <|>"))).toEqual([]);
    expect(await client.completionLabels(inModel('b = lstm(8, name="<|>")(a)'))).toEqual([]);
  });
});

describe("completion in input types", () => {
  it("offers the dim names inside an input type, this model's first", async () => {
    const src = `model A(q: [N, 3]) {\n  return q\n}\nmodel M(x: [B, T, 8], m: bool[<|>]) {\n  return x\n}`;
    const items = await client.completionItems(src);
    expect(items.map((i) => i.label).sort()).toEqual(["B", "N", "T"]);
    expect(items.filter((i) => i.sortText === "0").map((i) => i.label)).toEqual(["B", "T"]);
  });

  it("offers the element types after a colon", async () => {
    const labels = await client.completionLabels("model M(x: <|>) {\n  return x\n}");
    expect(labels).toEqual(expect.arrayContaining(["f32", "int", "bool"]));
  });
});

describe("signature help", () => {
  it("shows a layer's signature with the positional argument active", async () => {
    const help = await client.signatureHelp(inModel("b = lstm(<|>)(a)"));
    const signature = help!.signatures[0]!;
    expect(signature.label).toMatch(/^lstm\(units, seq=false, state=false/);
    expect(help!.activeParameter).toBe(0);
  });

  it("makes the keyword under the cursor active, Keras names included", async () => {
    const help = await client.signatureHelp(inModel("b = lstm(8, seq=true, return_state=<|>)(a)"));
    const signature = help!.signatures[0]!;
    const [from, to] = signature.parameters![help!.activeParameter!]!.label as [number, number];
    expect(signature.label.slice(from, to)).toBe("state=false");
  });

  it("shows an application's inputs and keywords", async () => {
    const help = await client.signatureHelp(inModel("b = lstm(8)(a, <|>)"));
    expect(help!.signatures[0]!.label).toBe("lstm(8)(x, initial=…, mask=…)");
  });

  it("shows a model's inputs with their types", async () => {
    const src = `model Enc(src: [B, T, 8], m: bool[B, T]) {\n  return lstm(4)(src, mask=m)\n}\nmodel M(x: [B, T, 8], m: bool[B, T]) {\n  return Enc(x, <|>)\n}`;
    const help = await client.signatureHelp(src);
    expect(help!.signatures[0]!.label).toBe("Enc(src: f32[B,T,8], m: bool[B,T])");
    expect(help!.activeParameter).toBe(1);
  });

  it("shows the tensors a directly applied layer takes before its keywords", async () => {
    const help = await client.signatureHelp(inModel("b = concat(a, <|>)"));
    const signature = help!.signatures[0]!;
    expect(signature.label).toBe("concat(a, b, …, axis=-1, name=…)");
    expect(help!.activeParameter).toBe(1);
  });

  it("names attention's tensors: query, value and the optional key", async () => {
    const help = await client.signatureHelp(inModel("b = attention(a, a, <|>)"));
    expect(help!.signatures[0]!.label).toMatch(/^attention\(query, value, key\?, use_scale=false, score_mode="dot", /);
    expect(help!.activeParameter).toBe(2);
  });

  it("shows an initializer's arguments", async () => {
    const help = await client.signatureHelp(inModel("b = lstm(8, kernel=glorot_uniform(<|>))(a)"));
    expect(help!.signatures[0]!.label).toBe("glorot_uniform(seed=…)");
  });

  it("has nothing outside a call", async () => {
    expect(await client.signatureHelp(inModel("b = <|>a"))).toBeNull();
  });
});

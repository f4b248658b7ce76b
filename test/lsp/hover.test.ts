// Hover, through the server in process: a snippet with the cursor marked `<|>`, one assertion on the text.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessServer } from "./in-process.js";

let client: InProcessServer;
beforeAll(async () => {
  client = await InProcessServer.start();
});
afterAll(async () => {
  await client?.stop();
});

const BISEED = `model BiSeed(x: [1, 4, 5]) {
  y, fh, fc, bh, bc = bilstm(3, seq=true, state=true,
                             kernel=constant(0.1), recurrent=constant(0.1), bias=zeros)(x)
  return y, fh, bh
}`;

/** BISEED with the cursor put at the n-th occurrence of `needle` (plus `delta` characters). */
function at(needle: string, delta = 0, nth = 0, src = BISEED): string {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = src.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`no ${needle}`);
  return `${src.slice(0, i + delta)}<|>${src.slice(i + delta)}`;
}

describe("hover on bindings", () => {
  it("shows a binding's inferred type", async () => {
    expect(await client.hover(at("fh", 1))).toContain("fh: f32[1,3]");
  });

  it("shows the type at a use as at the declaration", async () => {
    expect(await client.hover(at("fh", 0, 1))).toContain("fh: f32[1,3]");
  });

  it("names the tuple slot a destructured name takes", async () => {
    expect(await client.hover(at("bh"))).toContain("Value 4 of 5 (`bh`)");
  });

  it("shows an input's type", async () => {
    const text = await client.hover(at("x:"));
    expect(text).toContain("x: f32[1,4,5]");
    expect(text).toContain("Input of `BiSeed`");
  });

  it("gives each use the type of the latest binding before it", async () => {
    const src = `model M(x: [B, T, 40]) {
  y = lstm(64, seq=true)(x)
  y = lstm(8)(y)
  return y
}`;
    expect(await client.hover(at("(y)", 1, 0, src))).toContain("y: f32[B,T,64]");
    expect(await client.hover(at("return y", 7, 0, src))).toContain("y: f32[B,8]");
  });

  it("shows the layer a binding holds", async () => {
    const src = `model M(x: [B, T, 32]) {
  block = gru(32, seq=true)
  return block(x)
}`;
    const text = await client.hover(at("block(x)", 1, 0, src));
    expect(text).toContain("block: layer<gru>");
    expect(text).toContain("`gru(32, seq=true)`");
  });
});

describe("hover on layer calls", () => {
  it("shows the configured layer, its signature and its param count", async () => {
    const text = await client.hover(at("bilstm", 2));
    expect(text).toContain("bilstm(3, seq=true, state=true, kernel=constant(0.1), recurrent=constant(0.1))");
    expect(text).toContain("`f32[1,4,5] → (f32[1,4,6],f32[1,3],f32[1,3],f32[1,3],f32[1,3])`");
    expect(text).toContain("**216 params**");
    expect(text).toContain("Signature: `bilstm(units, seq=false, state=false,");
  });

  it("says what seq and state mean for this layer", async () => {
    const text = await client.hover(at("bilstm", 2));
    expect(text).toContain("- `seq=true`: Keras `return_sequences`");
    expect(text).toContain("- `state=true`: returns 5 values: output, fh, fc, bh, bc.");
  });

  it("says what state=true would add when it is off", async () => {
    const text = await client.hover("model M(x: [B, T, 4]) {\n  return l<|>stm(8)(x)\n}");
    expect(text).toContain("`state=false`: returns output only; `state=true` would return 3 values: output, h, c.");
    expect(text).toContain("**416 params**");
  });

  it("shows the documentation of a layer that could not be built", async () => {
    const text = await client.hover("model M(x: [B, T, 4]) {\n  return l<|>stm(activation=tahn)(x)\n}");
    expect(text).toContain("lstm(units, seq=false");
    expect(text).toContain("Long short-term memory");
  });

  it("shows a layer applied through a pipe", async () => {
    const text = await client.hover("model M(x: [B, T, 4]) {\n  return x |> de<|>nse(3, activation=softmax)\n}");
    expect(text).toContain("dense(3, activation=softmax)");
    expect(text).toContain("`f32[B,T,4] → f32[B,T,3]`");
    expect(text).toContain("**15 params**");
  });
});

describe("hover on keywords and values", () => {
  it("documents a keyword argument, with its Keras name", async () => {
    const text = await client.hover(at("seq=", 1));
    expect(text).toContain("seq: bool = false");
    expect(text).toContain("also `return_sequences`");
    expect(text).toContain("true returns the output of every step");
  });

  it("documents a Keras-named keyword as its parameter", async () => {
    const text = await client.hover("model M(x: [B, T, 4]) {\n  return lstm(8, return_seq<|>uences=true)(x)\n}");
    expect(text).toContain("seq: bool = false");
  });

  it("documents a keyword of an application", async () => {
    const text = await client.hover("model M(x: [B, T, 4], h: [B, 8]) {\n  return gru(8)(x, init<|>ial=h)\n}");
    expect(text).toContain("initial: tensor | (tensor, …)");
    expect(text).toContain("The initial states");
  });

  it("documents an activation value", async () => {
    const text = await client.hover("model M(x: [B, 4]) {\n  return x |> dense(3, activation=soft<|>max)\n}");
    expect(text).toContain("exp(x) / sum(exp(x))");
  });

  it("documents an initializer value", async () => {
    expect(await client.hover(at("constant", 3))).toContain("Every weight equal to `value`.");
  });
});

describe("hover on models, dims and dtypes", () => {
  const src = `# Reads a sequence and returns its final states.
model Encoder(src: [B, S, 32]) {
  _, h, c = lstm(128, state=true)(src)
  return h, c
}

model Translator(src: [B, S, 32], tgt: [B, T, 40]) {
  h, c = Encoder(src)
  return lstm(128, seq=true)(tgt, initial=(h, c))
}`;

  it("shows a model's signature and params at its declaration, with its comment", async () => {
    const text = await client.hover(at("Encoder", 2, 0, src));
    expect(text).toContain("model Encoder(src: f32[B,S,32]) -> (f32[B,128],f32[B,128])");
    expect(text).toContain("82,432 params");
    expect(text).toContain("Reads a sequence and returns its final states.");
  });

  it("shows a model's signature where it is called", async () => {
    expect(await client.hover(at("Encoder", 2, 1, src))).toContain("model Encoder(src: f32[B,S,32]) -> (f32[B,128],f32[B,128])");
  });

  it("explains a dim name", async () => {
    expect(await client.hover(at("S,", 0, 1, src))).toContain("A dim name of `Translator`: one size wherever it appears (`src`)");
  });

  it("explains a dtype word", async () => {
    expect(await client.hover("model M(x: in<|>t[B, T]) {\n  return x |> embedding(10, 4)\n}")).toContain("int32 token ids");
  });

  it("has nothing to say on punctuation or numbers", async () => {
    expect(await client.hover(at("128", 1, 0, src))).toBeNull();
    expect(await client.hover(at("lstm(", 4, 0, src))).toBeNull();
  });
});

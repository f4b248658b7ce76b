// The edition statement in the editor: hover explains it (and whether it is in effect), a model's
// and a layer's hover mention it where it changes what they compute, and the wrong-number quick fix.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessServer } from "./in-process.js";

let client: InProcessServer;
beforeAll(async () => {
  client = await InProcessServer.start();
});
afterAll(async () => {
  await client?.stop();
});

const BODY = `model M(ids: int[B, T], z: [B, T, 4]) {
  e = embedding(10, 4, mask_zero=true)(ids)
  s = add(e, z)
  return gru(3, recurrent_activation=hard_sigmoid, kernel_regularizer=l2(0.01))(s)
}
`;

describe("hover on the edition statement", () => {
  it("explains keras 3", async () => {
    const text = await client.hover(`ke<|>ras 3\n${BODY}`);
    expect(text).toContain("keras 3");
    expect(text).toContain("relu6(x + 3) / 6");
    expect(text).toContain("OR");
    expect(text).not.toContain("Not in effect");
  });

  it("explains keras 2, from its number too", async () => {
    expect(await client.hover(`keras <|>2\n${BODY}`)).toContain("clip(0.2x + 0.5, 0, 1)");
  });

  it("says when a misplaced edition is not in effect", async () => {
    expect(await client.hover(`${BODY}ker<|>as 3\n`)).toContain("Not in effect: this file follows keras 2.");
  });

  it("lists both editions for a wrong number", async () => {
    const text = await client.hover(`keras <|>4\n${BODY}`);
    expect(text).toContain("`keras 2` or `keras 3`");
  });
});

describe("hover mentions the edition where it matters", () => {
  it("a model's hover names its edition", async () => {
    expect(await client.hover(`keras 3\n${BODY.replace("model M", "model <|>M")}`)).toContain("keras 3");
    expect(await client.hover(BODY.replace("model M", "model <|>M"))).toContain("keras 2");
  });

  it("a merge says how it combines masks", async () => {
    expect(await client.hover(`keras 3\n${BODY.replace("add(", "a<|>dd(")}`)).toContain("masks are ORed");
    expect(await client.hover(BODY.replace("add(", "a<|>dd("))).toContain("masks are ANDed");
    expect(await client.hover(`keras 3\n${BODY.replace("add(", "a<|>dd(")}`)).not.toContain("change the values");
    expect(await client.hover(`keras 3\n${BODY.replace("add(", "multi<|>ply(")}`)).toContain("Masked steps also change the values");
  });

  it("a layer using hard_sigmoid says which one", async () => {
    expect(await client.hover(`keras 3\n${BODY.replace("gru(", "g<|>ru(")}`)).toContain("hard_sigmoid is relu6(x + 3) / 6");
    expect(await client.hover(BODY.replace("gru(", "g<|>ru("))).toContain("hard_sigmoid is clip(0.2x + 0.5, 0, 1)");
  });

  it("a training-only keyword says it has no effect at inference", async () => {
    expect(await client.hover(BODY.replace("kernel_regularizer", "kernel_reg<|>ularizer"))).toContain("no effect at inference");
  });
});

describe("the quick fix of a wrong edition number", () => {
  it("offers keras 3 for keras 4", async () => {
    const { diagnostics, actions } = await client.codeActions(`keras 4\n${BODY}`);
    expect(diagnostics.map((d) => d.code)).toEqual(["RNN080"]);
    expect(actions.map((a) => a.title)).toEqual(["Write keras 3"]);
    expect(actions[0]!.isPreferred).toBe(true);
  });
});

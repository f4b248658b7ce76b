// exportKeras on small programs: the refusals (each names the model or layer and says why), and the
// module facts the real-Keras check relies on but cannot see from numbers alone.
import { describe, expect, it } from "vitest";
import { check, DataError, exportKeras, parseKerasWeights, type LayerInstance } from "../../src/index.js";
import { kerasConstructor } from "../../src/keras-export/layers.js";

function exported(source: string, options: Parameters<typeof exportKeras>[1] = {}): string {
  return exportKeras(check(source), { fileName: "m.rnn", ...options });
}

function refusal(source: string, options: Parameters<typeof exportKeras>[1] = {}): string {
  try {
    exported(source, options);
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return (error as Error).message;
  }
  throw new Error("exported without a refusal");
}

describe("exportKeras refuses, naming the place and the reason", () => {
  it("a file with errors", () => {
    expect(refusal("model M(x: [B, T, 3]) {\n  return lsmt(4)(x)\n}\n")).toBe("the file has 1 error; fix them before exporting");
  });

  it("an unknown --model, listing the models", () => {
    expect(refusal("model M(x: [B, 3]) {\n  return dense(2)(x)\n}\n", { model: "N" })).toBe("no model named N (models: M)");
  });

  it("under keras 2, a merge of masked tensors (Keras 3 ORs the masks, Keras 2 ANDs them)", () => {
    const source = `model M(a: int[B, T], b: int[B, T]) {
  s = add(embedding(10, 3, mask_zero=true, name="ea")(a), embedding(10, 3, mask_zero=true, name="eb")(b))
  return lstm(4, name="rec")(s)
}
`;
    expect(refusal(source)).toBe(
      "model M, layer add: a merge of masked tensors follows Keras 2's mask rule (AND) in this keras 2 file, but Keras 3 ORs the masks; start the file with `keras 3` to export it",
    );
    expect(exported(`keras 3\n${source}`)).toContain('keras.layers.Add(name="add")([ea, eb])');
  });

  it("reads each application's own masks: a shared layer applied unmasked, then masked", () => {
    const source = `model M(x: [B, T, 3], t: int[B, T]) {
  d = dense(3, name="d")
  a = d(x)
  b = d(embedding(5, 3, mask_zero=true, name="e")(t))
  return add(a, b)
}
`;
    expect(refusal(source)).toMatch(/^model M, layer add: a merge of masked tensors/);
    expect(exported(`keras 3\n${source}`)).toContain('add = keras.layers.Add(name="add")([d, d_2])');
  });

  it("under keras 2, initial= on a masked input without mask= (Keras 3 ignores that mask)", () => {
    const text = `model M(t: int[B, T], h0: [B, 4]) {
  e = embedding(10, 3, mask_zero=true, name="e")(t)
  return gru(4, name="rec")(e, initial=h0)
}
`;
    expect(refusal(text)).toBe(
      "model M, layer rec: in a keras 2 file a layer given initial= honours the mask of its input, but Keras 3 ignores it; pass the mask with mask= or start the file with `keras 3`",
    );
  });

  it("a masked tensor handed to a called model, or returned by one (rnnc drops masks at a model's edge, Keras does not)", () => {
    const inner = `model Inner(x: [B, T, 3]) {\n  return lstm(4, seq=true, name="l")(x)\n}\n`;
    expect(
      refusal(`keras 3\n${inner}model Outer(t: int[B, T]) {\n  return Inner(embedding(10, 3, mask_zero=true, name="e")(t))\n}\n`),
    ).toBe(
      "model Outer calls Inner on a masked tensor: Keras hands that mask to the nested model, rnnc does not, so the two would compute different numbers",
    );
    const masking = `model Inner(x: [B, T, 3]) {\n  return masking(name="m")(x)\n}\n`;
    expect(refusal(`keras 3\n${masking}model Outer(x: [B, T, 3]) {\n  return lstm(2, name="l")(Inner(x))\n}\n`)).toBe(
      "model Outer calls Inner, which returns a masked tensor: Keras carries that mask out of the nested model, rnnc does not, so the two would compute different numbers",
    );
  });

  it("a layer without a Keras export, by its name and class", () => {
    const layer = { def: { name: "lambda", kerasClass: "Lambda" }, config: {} } as unknown as LayerInstance;
    const ctx = { edition: 2 as const, usesHardSigmoidTf2: () => {}, variableOf: () => undefined };
    expect(() => kerasConstructor(layer, "f", ctx)).toThrow(new DataError("layer f: lambda() (Keras Lambda) has no Keras export yet"));
  });

  it("weights that do not fit the model, with the binder's message", () => {
    const weights = parseKerasWeights({ d: [[[1, 2]], [0, 0]] }, "w.json");
    expect(refusal('model M(x: [B, 3]) {\n  return dense(2, name="d")(x)\n}\n', { weights })).toBe(
      'w.json: layer "d": weight 0 (kernel) should be [3,2], found [1,2]',
    );
  });
});

describe("the module", () => {
  it("defines tf.keras 2's hard_sigmoid, registered, only in a keras 2 file that uses it; keras 3 uses Keras's own", () => {
    const body = 'model M(x: [B, T, 3]) {\n  return gru(4, recurrent_activation=hard_sigmoid, name="g")(x)\n}\n';
    const k2 = exported(body);
    expect(k2).toContain('@keras.saving.register_keras_serializable(package="rnnc")\ndef hard_sigmoid_tf2(x):');
    expect(k2).toContain("return keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)");
    expect(k2).toContain("recurrent_activation=hard_sigmoid_tf2,");
    const k3 = exported(`keras 3\n${body}`);
    expect(k3).not.toContain("hard_sigmoid_tf2");
    expect(k3).toContain('recurrent_activation="hard_sigmoid"');
    expect(exported('model M(x: [B, 3]) {\n  return dense(2, name="d")(x)\n}\n')).not.toContain("hard_sigmoid_tf2");
  });

  it("keeps a file name with line breaks inside its header comment", () => {
    const text = exportKeras(check('model M(x: [B, 3]) {\n  return dense(2, name="d")(x)\n}\n'), { fileName: "a\nimport os\r.rnn" });
    expect(text.split("\n")[0]).toBe(
      "# Generated by rnnc from a?import os?.rnn (a `keras 2` file) for Keras 3: `rnnc export a?import os?.rnn --format keras`.",
    );
    expect(text).not.toMatch(/^import os/m);
  });

  it("writes named dims as None, and the batch only for a stateful model", () => {
    expect(exported("model M(x: [4, T, 3]) {\n  return lstm(2)(x)\n}\n")).toContain(
      'x = keras.Input(shape=(None, 3), dtype="float32", name="x")',
    );
    const stateful = exported("model S(t: int[2, T]) {\n  return embedding(5, 3)(t) |> lstm(2, stateful=true)\n}\n");
    expect(stateful).toContain('t = keras.Input(shape=(None,), batch_size=2, dtype="int32", name="t")');
    expect(stateful).toContain("stateful=True,");
  });

  it("builds a shared layer once and a called model once, and destructures states", () => {
    const text = exported(`model Enc(x: [B, T, 3]) {
  _, h, c = lstm(4, state=true, name="l")(x)
  return h, c
}
model M(a: [B, T, 3], b: [B, T, 3]) {
  d = dense(3, name="d")
  h1, c1 = Enc(d(a))
  h2, c2 = Enc(d(b))
  return add(h1, h2)
}
`);
    expect(text.match(/keras\.layers\.Dense\(/g)).toHaveLength(1);
    expect(text).toContain("d_layer = keras.layers.Dense(");
    expect(text.match(/= build_Enc\(\)/g)).toHaveLength(1);
    expect(text).toMatch(/l_output, l_h, l_c = keras\.layers\.LSTM\(/);
    expect(text).toContain('MODELS = {\n    "Enc": build_Enc,\n    "M": build_M,\n}');
    expect(exported("model M(x: [B, 3]) {\n  return dense(2)(x)\n}\n", { model: "M" })).toContain("def build_M():");
  });

  it("says what keeps a recurrent layer off cuDNN, and passes mask= and initial_state=", () => {
    const text = exported(`model M(x: [B, T, 3], m: bool[B, T], h0: [B, 4]) {
  return gru(4, activation=relu, reset_after=false, name="g")(x, mask=m, initial=h0)
}
`);
    expect(text).toContain("#   M/g: activation=relu, reset_after=False");
    expect(text).toContain("(x, mask=m, initial_state=[h0])");
  });
});

// Stateful layers exported to ONNX: the carried states are the model's extra inputs (named as rnnc's
// graph names them, `lstm/h#0`) and their new values extra outputs (`lstm/h#0/next`), after the
// model's own. Fed back call after call, ONNX Runtime gives what rnnc's `step` gives.
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { check, exportOnnx, loadModel, type TensorData } from "../../src/index.js";
import { expectClose, inputFor, ortTensor } from "./harness.js";

/** Runs `calls` input sets through rnnc's `step` and through ORT, carrying ORT's states by hand. */
async function compareSteps(source: string, calls: readonly Record<string, TensorData>[]): Promise<void> {
  const checked = check(source);
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const model = loadModel(checked);
  const session = await ort.InferenceSession.create(exportOnnx(checked));
  const own = checked.models[0]!.inputs.map((i) => i.name);
  const stateInputs = session.inputNames.filter((name) => !own.includes(name));
  expect(stateInputs.length).toBeGreaterThan(0);
  const outputCount = checked.models[0]!.outputs.length;
  expect(session.outputNames.slice(outputCount)).toEqual(stateInputs.map((name) => `${name}/next`));
  // The states start at zeros, [batch, units] as the model declares them.
  let states: Record<string, ort.Tensor> = {};
  for (const name of stateInputs) {
    const meta = session.inputMetadata.find((m) => m.name === name);
    if (!meta?.isTensor) throw new Error(`no tensor input ${name}`);
    const shape = meta.shape.map(Number);
    expect(shape).toHaveLength(2);
    states[name] = new ort.Tensor("float32", new Float32Array(shape[0]! * shape[1]!), shape);
  }
  for (const inputs of calls) {
    const expected = model.step(inputs);
    const feeds = { ...Object.fromEntries(Object.entries(inputs).map(([n, t]) => [n, ortTensor(t)])), ...states };
    const result = await session.run(feeds);
    const got = session.outputNames
      .slice(0, outputCount)
      .map((name) => ({ shape: [...result[name]!.dims], data: result[name]!.data as Float32Array }));
    expectClose(expected, got);
    states = Object.fromEntries(stateInputs.map((name) => [name, result[`${name}/next`]!]));
  }
  await session.release();
}

const x = (seed: number, t = 4): TensorData => inputFor("f32", [2, t, 3], {}, seed);

describe("stateful layers exported to ONNX carry their states as extra inputs and outputs", () => {
  it("lstm, gru and rnn: three calls equal rnnc's step", async () => {
    await compareSteps(
      `model M(x: [2, T, 3]) {\n  a = lstm(4, stateful=true, seq=true)(x)\n  return a |> gru(3, stateful=true), rnn(2, stateful=true)(x)\n}`,
      [{ x: x(1) }, { x: x(2, 3) }, { x: x(3, 5) }],
    );
  });

  it("masked stateful layers (the output before the first kept step is the carried h)", async () => {
    const m = (rows: number[][]): TensorData => ({ shape: [2, rows[0]!.length], data: Uint8Array.from(rows.flat()) });
    await compareSteps(
      `model M(x: [2, T, 3], m: bool[2, T]) {\n  return lstm(4, stateful=true, seq=true)(x, mask=m), gru(3, stateful=true, seq=true, reset_after=false)(x, mask=m)\n}`,
      [
        {
          x: x(1),
          m: m([
            [1, 1, 0, 0],
            [1, 1, 1, 1],
          ]),
        },
        {
          x: x(2),
          m: m([
            [0, 0, 1, 1],
            [0, 0, 0, 0],
          ]),
        },
        {
          x: x(3),
          m: m([
            [1, 0, 1, 0],
            [0, 1, 1, 0],
          ]),
        },
      ],
    );
  });
});

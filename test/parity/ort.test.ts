// Keras's numbers on ONNX Runtime (LANGUAGE.md §8): every model of the parity set is exported with
// `exportOnnx` and run in onnxruntime-node (test/parity/onnx-runtime.ts), then held to the same
// oracles and the same 1e-5 as rnnc's own backends: the float64 reference, tfjs-layers and the
// published seed numbers (cases.ts), and real Keras 3's outputs (test/fixtures/keras3/). ORT's
// sigmoid/tanh are approximations, so these are close, not bit-equal (README, "Serving on ONNX Runtime").
import { describe, expect, it } from "vitest";
import { check, loadModel, parseKerasWeights } from "../../src/index.js";
import { compareOutputs } from "./compare.js";
import { runCases, TOLERANCE } from "./cases.js";
import { FIXTURE_LIST, inputsOf, keras3ChunkAsWhole, readFixture } from "./keras3-fixtures.js";
import { loadOnOnnxRuntime, runOnOnnxRuntime } from "./onnx-runtime.js";
import { layerNorm, unflatten } from "./reference.js";

runCases("--backend ort (onnxruntime-node)", runOnOnnxRuntime);

describe("exportOnnx on onnxruntime-node against Keras 3", () => {
  for (const name of FIXTURE_LIST.cases) {
    const fixture = readFixture(name);
    // A stateful fixture: the whole sequence from zero states, then its chunks with each chunk's new
    // states fed back into the next call, as a server carrying a stream's state would.
    it(name, async () => {
      const weights = parseKerasWeights(fixture.weights, `${name}.json`);
      const model = await loadOnOnnxRuntime(fixture.source, fixture.model, weights);
      try {
        const whole = await model.step(inputsOf(fixture.inputs));
        expect(compareOutputs(whole, fixture.outputs, fixture.tolerance), `${name}:\n${fixture.source}`).toEqual([]);
        model.reset();
        let start = 0;
        for (const [i, chunk] of (fixture.chunks ?? []).entries()) {
          const got = await model.step(inputsOf(chunk.inputs));
          const expected = keras3ChunkAsWhole(chunk.outputs, whole, start);
          expect(compareOutputs(got, expected, fixture.tolerance), `${name}: chunk ${i}`).toEqual([]);
          start += Object.values(chunk.inputs)[0]!.shape[1]!;
        }
      } finally {
        model.dispose();
      }
    });
  }
});

describe("exportOnnx on onnxruntime-node where ORT's own kernels lose precision", () => {
  it("layer_norm of features far from zero: Keras's two-pass variance, not E[x²] − E[x]²", async () => {
    // Raw features near 1000 that differ in the second decimal (prices, timestamps, sensor counts):
    // Keras computes the variance from x − mean; ORT's LayerNormalization kernel computes
    // E[x²] − E[x]² in float32 (onnxruntime/core/providers/cpu/nn/layer_norm_impl.cc), which cancels.
    const source = `model M(x: [B, T, 4]) {\n  return layer_norm()(x)\n}`;
    const base = [1000.01, 1000.03, 999.98, 1000.05, 999.5, 1000.5, 1000.0, 999.75];
    const x = { shape: [2, 2, 4], data: Float32Array.from([...base, ...base.map((v) => v - 900)]) };
    const expected = layerNorm(unflatten(x.data, x.shape), 0.001, undefined, undefined);
    // rnnc's CPU backend meets the bar (so the oracle is not at fault), and so must the exported model.
    expect(compareOutputs(loadModel(check(source)).run({ x }), [expected], TOLERANCE)).toEqual([]);
    expect(compareOutputs(await runOnOnnxRuntime(source, "M", undefined, { x }), [expected], TOLERANCE)).toEqual([]);
  });
});

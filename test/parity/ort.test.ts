// Keras's numbers on ONNX Runtime (LANGUAGE.md §8): every model of the parity set is exported with
// `exportOnnx` and run in onnxruntime-node (test/parity/onnx-runtime.ts), then held to the same
// oracles and the same 1e-5 as rnnc's own backends: the float64 reference, tfjs-layers and the
// published seed numbers (cases.ts), and real Keras 3's outputs (test/fixtures/keras3/). ORT's
// sigmoid/tanh are approximations, so these are close, not bit-equal (README, "Serving on ONNX Runtime").
import { describe, expect, it } from "vitest";
import { parseKerasWeights } from "../../src/index.js";
import { compareOutputs } from "./compare.js";
import { runCases } from "./cases.js";
import { FIXTURE_LIST, inputsOf, readFixture } from "./keras3-fixtures.js";
import { runOnOnnxRuntime } from "./onnx-runtime.js";

runCases("exportOnnx on onnxruntime-node", runOnOnnxRuntime);

describe("exportOnnx on onnxruntime-node against Keras 3", () => {
  for (const name of FIXTURE_LIST.cases) {
    const fixture = readFixture(name);
    // A stateful fixture's `outputs` are the whole sequence from zero states, which is what one run
    // of the exported model computes; its chunks test step(), which an ONNX graph has no notion of.
    it(name, async () => {
      const weights = parseKerasWeights(fixture.weights, `${name}.json`);
      const outputs = await runOnOnnxRuntime(fixture.source, fixture.model, weights, inputsOf(fixture.inputs));
      expect(compareOutputs(outputs, fixture.outputs, fixture.tolerance), `${name}:\n${fixture.source}`).toEqual([]);
    });
  }
});

// Parity with real Keras 3: every fixture of test/fixtures/keras3/ (written by
// scripts/keras-fixtures.py from Keras 3.15.1 on TensorFlow 2.21) is checked with rnnc's `check`,
// run on the CPU backend and on the tfjs backend (tfjs's cpu backend) with Keras's weights and
// inputs, and compared with Keras's own outputs to the fixture's tolerance. Streaming fixtures are
// also fed chunk after chunk through `step()`. (Compiled modules are bit-identical to the CPU
// backend: test/emit/.)
import { readdirSync } from "node:fs";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { check, loadModel, parseKerasWeights, type RunnableModel, type TensorData } from "../../src/index.js";
import type { TensorInput } from "../../src/ir/inputs.js";
import { tf, useTfjsBackend } from "../backends/tfjs-setup.js";
import { compareOutputs, type Flat } from "./compare.js";
import {
  FIXTURE_FOLDER as FOLDER,
  FIXTURE_LIST as LIST,
  inputsOf,
  keras3ChunkAsWhole,
  readFixture,
  type Fixture,
} from "./keras3-fixtures.js";

type Backend = "cpu" | "tfjs-cpu";

/** A model that can also be stepped (LANGUAGE.md §9); `step`/`reset` are absent where rnnc has no streaming. */
type MaybeStreaming = RunnableModel & {
  step?: (inputs: Readonly<Record<string, TensorInput>>) => TensorData[];
  reset?: () => void;
};

/** The checked model, loaded with the fixture's weights; fails on any error diagnostic, naming it. */
function load(fixture: Fixture, backend: Backend): MaybeStreaming {
  const checked = check(fixture.source);
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  const report = errors.map((d) => `line ${d.range.start.line + 1}: ${d.code} ${d.message}`).join("\n");
  expect(report, `rnnc check of ${fixture.name}:\n${fixture.source}`).toBe("");
  const weights = parseKerasWeights(fixture.weights, `${fixture.name}.json`);
  return loadModel(checked, { model: fixture.model, weights, ...(backend === "tfjs-cpu" ? { backend: "tfjs", tf } : {}) });
}

function expectClose(actual: readonly Flat[], expected: readonly Flat[], tolerance: number, what: string): void {
  expect(compareOutputs(actual, expected, tolerance), what).toEqual([]);
}

describe("the Keras 3 fixtures", () => {
  it("are listed in cases.json, one file each, all written by the same Keras", () => {
    const files = readdirSync(FOLDER)
      .filter((f) => f.endsWith(".json") && f !== "cases.json")
      .map((f) => f.slice(0, -".json".length));
    expect([...files].sort()).toEqual([...LIST.cases].sort());
    expect(new Set(LIST.cases).size).toBe(LIST.cases.length);
    for (const name of LIST.cases) {
      const fixture = readFixture(name);
      expect([fixture.name, fixture.keras, fixture.edition]).toEqual([name, LIST.keras, 3]);
      expect(fixture.source.startsWith("keras 3\n")).toBe(true);
      expect(fixture.tolerance).toBeGreaterThan(0);
      expect(fixture.tolerance).toBeLessThanOrEqual(1e-5);
    }
  });
});

for (const backend of ["cpu", "tfjs-cpu"] as const) {
  describe(`rnnc (${backend} backend) against Keras 3`, () => {
    if (backend === "tfjs-cpu") beforeAll(() => useTfjsBackend("cpu"));
    for (const name of LIST.cases) {
      const fixture = readFixture(name);
      it(name, () => {
        const model = load(fixture, backend);
        onTestFinished(() => model.dispose?.());
        if (!fixture.chunks) {
          expectClose(model.run(inputsOf(fixture.inputs)), fixture.outputs, fixture.tolerance, `${name}: outputs`);
          return;
        }
        // A stateful model: the whole sequence from fresh states, then the same sequence in chunks.
        const step = model.step?.bind(model);
        const reset = model.reset?.bind(model);
        if (typeof step !== "function" || typeof reset !== "function") {
          throw new Error(`${name}: the loaded model has no step()/reset() (stateful models, LANGUAGE.md §9)`);
        }
        reset();
        const whole = step(inputsOf(fixture.inputs));
        expectClose(whole, fixture.outputs, fixture.tolerance, `${name}: the whole sequence`);
        reset();
        let start = 0;
        fixture.chunks.forEach((chunk, i) => {
          const got = step(inputsOf(chunk.inputs));
          expectClose(got, keras3ChunkAsWhole(chunk.outputs, whole, start), fixture.tolerance, `${name}: chunk ${i}`);
          start += Object.values(chunk.inputs)[0]!.shape[1]!;
        });
      });
    }
  });
}

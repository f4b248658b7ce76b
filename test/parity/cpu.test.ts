// rnnc's CPU backend against the float64 reference and tfjs-layers (see cases.ts), to 1e-5.
import { describe, expect, it } from "vitest";
import { check, loadModel } from "../../src/index.js";
import type { TensorData, WeightSet } from "../../src/types/tensor-data.js";
import { CASES, runCases } from "./cases.js";

function runCpu(source: string, modelName: string, weights: WeightSet | undefined, inputs: Record<string, TensorData>): TensorData[] {
  const checked = check(source);
  // The generated sources are clean: not even a warning.
  const diags = checked.diagnostics;
  if (diags.length > 0) throw new Error(`diagnostics:\n${diags.map((d) => `${d.severity} ${d.code} ${d.message}`).join("\n")}\n${source}`);
  const model = loadModel(checked, weights ? { model: modelName, weights } : { model: modelName });
  return model.run(inputs);
}

describe("the parity cases", () => {
  it("cover at least 60 generated cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });
});

runCases("cpu backend", runCpu);

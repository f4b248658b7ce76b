// The CPU backend's JavaScript fallback kernels (what runs where WebAssembly SIMD is missing), forced
// with `loadModel(..., { simd: false })`, against the float64 reference and tfjs-layers over the whole
// parity case list (see cases.ts), to the same 1e-5 as the SIMD kernels.
import { describe, expect, it } from "vitest";
import { check, loadModel } from "../../src/index.js";
import type { TensorData, WeightSet } from "../../src/types/tensor-data.js";
import { CASES, runCases } from "./cases.js";

function runCpuJs(source: string, modelName: string, weights: WeightSet | undefined, inputs: Record<string, TensorData>): TensorData[] {
  const checked = check(source);
  const diags = checked.diagnostics;
  if (diags.length > 0) throw new Error(`diagnostics:\n${diags.map((d) => `${d.severity} ${d.code} ${d.message}`).join("\n")}\n${source}`);
  const model = loadModel(checked, weights ? { model: modelName, weights, simd: false } : { model: modelName, simd: false });
  return model.run(inputs);
}

describe("the JS fallback", () => {
  it("gives the numbers of the SIMD kernels to 1e-5 on every case (the two paths differ only in summation order)", () => {
    let compared = 0;
    for (const c of CASES) {
      const checked = check(c.source);
      const options = { model: c.model, ...(c.weights ? { weights: c.weights } : {}) };
      const simd = loadModel(checked, options).run(c.inputs);
      const js = loadModel(checked, { ...options, simd: false }).run(c.inputs);
      expect(
        js.map((t) => t.shape),
        c.name,
      ).toEqual(simd.map((t) => t.shape));
      js.forEach((t, i) => {
        const other = simd[i]!.data;
        let worst = 0;
        for (let j = 0; j < t.data.length; j++) worst = Math.max(worst, Math.abs(t.data[j]! - other[j]!));
        expect(worst, `${c.name} output ${i}`).toBeLessThanOrEqual(1e-5);
        compared++;
      });
    }
    expect(compared).toBeGreaterThanOrEqual(CASES.length);
  });
});

runCases("cpu backend, JS kernels (simd: false)", runCpuJs);

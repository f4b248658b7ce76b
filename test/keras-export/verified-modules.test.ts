// The modules scripts/keras-export-check.py verified in real Keras 3 (built, weights loaded, predicted
// within 1e-5 of Keras's fixtures or rnnc's numbers, saved as .keras and loaded again) are the modules
// rnnc writes today: each case's module text hashes to the sha256 recorded with the verification.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { keraExportCases, moduleText } from "../../scripts/keras-export-cases.js";
import { LAYERS } from "../../src/index.js";

interface Results {
  keras: string;
  tolerance: number;
  loadWeightsErrors: Record<string, string>;
  cases: Record<string, { sha256: string; maxDiff: number; savedMaxDiff: number; models: number }>;
}

const results = JSON.parse(readFileSync("test/fixtures/keras-export/results.json", "utf8")) as Results;
const cases = keraExportCases();
const RERUN =
  "the Keras export changed since it was verified: rerun `/work/venv/bin/python scripts/keras-export-check.py` (Keras 3.15.1) and commit test/fixtures/keras-export/results.json";

describe("rnnc export --format keras, as verified in real Keras", () => {
  it("covers every Keras 3 fixture and every example that checks clean, and nothing else", () => {
    expect(Object.keys(results.cases).sort(), RERUN).toEqual(cases.map((c) => c.name).sort());
    expect(cases.filter((c) => c.name.startsWith("example_")).length).toBeGreaterThanOrEqual(6);
    expect(results.keras).toBe("3.15.1");
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s: the module rnnc writes is the one Keras ran", (name, c) => {
    const sha = createHash("sha256").update(moduleText(c), "utf8").digest("hex");
    expect(sha, `${name}: ${RERUN}`).toBe(results.cases[name]?.sha256);
  });

  it("every layer rnnc has is exported and was verified: its Keras class is built in some verified module", () => {
    const texts = cases.map(moduleText).join("\n");
    const missing = [...new Set(LAYERS.map((def) => def.kerasClass))].filter((cls) => !texts.includes(`keras.layers.${cls}(`));
    expect(missing).toEqual([]);
  });

  it("the module's load_weights named the layer and the problem for each bad weights file Keras was given", () => {
    expect(results.loadWeightsErrors).toEqual({
      "unknown layer": "W.json: model 'M' has no layer 'nope' (layers with weights: rec)",
      "wrong shape": "W.json: layer 'rec' weight 0: expected shape [3, 16], found [1, 16]",
      "missing layer": "W.json: no weights for layer(s) 'rec' of model 'M'",
    });
  });

  it("Keras's numbers were within the tolerance, before and after a .keras save and load", () => {
    for (const [name, r] of Object.entries(results.cases)) {
      expect(r.maxDiff, name).toBeLessThanOrEqual(results.tolerance);
      expect(r.savedMaxDiff, name).toBeLessThanOrEqual(results.tolerance);
      expect(r.models, name).toBeGreaterThan(0);
    }
    expect(results.tolerance).toBe(1e-5);
  });
});

// `rnnc run --weights` with model files, as a user runs it (a process): a .keras, an .h5 and a
// .weights.h5 give Keras's numbers; a broken one is one line on stderr and exit 1.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rnnc } from "../cli-process.js";

const KERAS = join(import.meta.dirname, "..", "fixtures", "model-files", "keras");
const dir = mkdtempSync(join(tmpdir(), "rnnc-model-files-"));

describe("rnnc run --weights MODEL_FILE", () => {
  const fx = JSON.parse(readFileSync(join(KERAS, "nested_model.json"), "utf8")) as {
    source: string;
    inputs: Record<string, unknown>;
    outputs: { shape: number[]; data: number[] }[];
    tolerance: number;
  };
  const source = join(dir, "nested.rnn");
  writeFileSync(source, fx.source);
  const inputArgs = Object.entries(fx.inputs).flatMap(([name, value]) => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(value));
    return ["--input", `${name}=${path}`];
  });

  for (const ext of [".keras", ".h5", ".weights.h5"]) {
    it(`reads a ${ext} and prints Keras's numbers`, () => {
      const r = rnnc("run", source, "--model", "M", ...inputArgs, "--weights", join(KERAS, "nested_model" + ext), "--json");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const out = (JSON.parse(r.stdout) as { outputs: { shape: number[]; data: number[] }[] }).outputs;
      expect(out[0]!.shape).toEqual(fx.outputs[0]!.shape);
      out[0]!.data.forEach((v, i) => expect(Math.abs(v - fx.outputs[0]!.data[i]!)).toBeLessThanOrEqual(fx.tolerance));
    });
  }

  it("a truncated .keras is one line on stderr naming the file, exit 1", () => {
    const cut = join(dir, "cut.keras");
    const bytes = readFileSync(join(KERAS, "nested_model.keras"));
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    const r = rnnc("run", source, "--model", "M", ...inputArgs, "--weights", cut);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `rnnc run: ${cut}: not a readable .keras archive (truncated or corrupt zip: its central directory is missing).\n`,
    );
  });
});

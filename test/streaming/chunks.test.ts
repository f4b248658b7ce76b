// A sequence fed in chunks to model.step gives the numbers of the whole sequence, for every cell, on
// every engine: the CPU backend (SIMD and plain JavaScript), the tfjs backend, and compiled modules.
// Masked steps at the start of a chunk carry the previous chunk's state and output.
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { check, loadModel } from "../../src/index.js";
import type { TensorData } from "../../src/types/tensor-data.js";
import { compileTo } from "../emit/harness.js";
import { tf, useTfjsBackend } from "../backends/tfjs-setup.js";
import { BORDERS, CELL_LAYERS, chunk, joinTime, sequence, statefulSource } from "./chunks.js";

interface Streaming {
  run(inputs: Record<string, TensorData>): TensorData[];
  step(inputs: Record<string, TensorData>): TensorData[];
  reset(): void;
}

/** The chunks' outputs put back together: the sequence output joined along time, the states of the last chunk. */
function streamed(model: Streaming): TensorData[] {
  const input = sequence();
  const parts = BORDERS.map(([from, to]) => model.step(chunk(input, from, to)));
  return [joinTime(parts.map((p) => p[0]!)), ...parts[parts.length - 1]!.slice(1)];
}

function same(actual: readonly TensorData[], expected: readonly TensorData[]): void {
  expect(actual.map((t) => t.shape)).toEqual(expected.map((t) => t.shape));
  actual.forEach((t, i) => expect(Array.from(t.data)).toEqual(Array.from(expected[i]!.data)));
}

function close(actual: readonly TensorData[], expected: readonly TensorData[]): void {
  expect(actual.map((t) => t.shape)).toEqual(expected.map((t) => t.shape));
  actual.forEach((t, i) => t.data.forEach((v, j) => expect(Math.abs(v - expected[i]!.data[j]!)).toBeLessThan(1e-5)));
}

describe.each(Object.entries(CELL_LAYERS))("%s, stateful", (_, layer) => {
  const source = statefulSource(layer);
  const whole = () => loadModel(check(source), { simd: false }).run(sequence());

  it.each([true, false])("CPU backend (simd %s): chunks give the whole sequence's numbers, bit for bit", (simd) => {
    const model = loadModel(check(source), { simd });
    const expected = model.run(sequence());
    same(streamed(model), expected);
    // The whole sequence again from where the chunks left off is a different run; after reset() it is the same one.
    const continued = model.step(sequence());
    expect(Array.from(continued[1]!.data)).not.toEqual(Array.from(expected[1]!.data));
    model.reset();
    same(model.step(sequence()), expected);
  });

  it("run() starts from zeros and leaves the carried states alone", () => {
    const model = loadModel(check(source));
    const input = sequence();
    const first = model.step(chunk(input, 0, 3));
    const fresh = model.run(chunk(input, 0, 3));
    same(fresh, first);
    const second = model.step(chunk(input, 3, 7));
    const reference = loadModel(check(source));
    reference.step(chunk(input, 0, 3));
    same(second, reference.step(chunk(input, 3, 7)));
  });

  it("tfjs backend: chunks give the whole sequence's numbers", async () => {
    await useTfjsBackend("cpu");
    const model = loadModel(check(source), { backend: "tfjs", tf });
    try {
      const expected = model.run(sequence());
      close(expected, whole());
      close(streamed(model), expected);
    } finally {
      model.dispose();
    }
  });

  it("compiled module: step and reset give the interpreter's numbers, bit for bit", async () => {
    const written = await compileTo(source, "stream");
    const mod = (await import(pathToFileURL(written.jsPath).href)) as { Stream: { create(): Streaming } };
    const compiled = mod.Stream.create();
    const interpreted = loadModel(check(source));
    same(streamed(compiled), streamed(interpreted));
    compiled.reset();
    interpreted.reset();
    same(compiled.step(sequence()), interpreted.step(sequence()));
    same(compiled.run(sequence()), interpreted.run(sequence()));
    expect(written.dts).toMatch(/step\(inputs: Inputs\): Outputs;/);
    expect(written.dts).toMatch(/reset\(\): void;/);
  });
});

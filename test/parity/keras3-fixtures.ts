// The Keras 3 fixtures of test/fixtures/keras3/ (written by scripts/keras-fixtures.py from Keras
// 3.15.1 on TensorFlow 2.21): their list, how one is read, and its tensors as rnnc inputs. Shared by
// every suite that runs them (keras3.test.ts on rnnc's backends, ort.test.ts on ONNX Runtime, the
// ONNX checker test).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TensorInput } from "../../src/ir/inputs.js";
import type { Flat } from "./compare.js";

export interface FixtureTensor {
  shape: number[];
  data: number[];
}

export interface FixtureChunk {
  inputs: Record<string, FixtureTensor>;
  outputs: FixtureTensor[];
}

export interface Fixture {
  name: string;
  keras: string;
  edition: number;
  source: string;
  model: string;
  weights: Record<string, FixtureTensor[]>;
  inputs: Record<string, FixtureTensor>;
  outputs: FixtureTensor[];
  chunks?: FixtureChunk[];
  tolerance: number;
}

export const FIXTURE_FOLDER = join(import.meta.dirname, "..", "fixtures", "keras3");

/** cases.json: the Keras and TensorFlow versions and every fixture's name. */
export const FIXTURE_LIST = JSON.parse(readFileSync(join(FIXTURE_FOLDER, "cases.json"), "utf8")) as {
  keras: string;
  tensorflow: string;
  cases: string[];
};

export function readFixture(name: string): Fixture {
  return JSON.parse(readFileSync(join(FIXTURE_FOLDER, `${name}.json`), "utf8")) as Fixture;
}

export function inputsOf(tensors: Record<string, FixtureTensor>): Record<string, TensorInput> {
  return Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, { shape: t.shape, data: t.data }]));
}

/**
 * Keras's outputs for a chunk, with the one documented difference of rnnc's streaming (LANGUAGE.md §9,
 * docs/decisions.md "Streaming"): at masked steps that open a chunk, Keras 3 outputs zeros (it starts
 * each call's "previous output" at zero although the states carry over), where rnnc repeats the
 * carried output so that chunks equal the whole sequence. A sequence output's row that Keras wrote as
 * exact zeros is therefore expected to be the whole sequence's row at the same step (itself checked
 * against Keras above); every other value must be Keras's.
 */
export function keras3ChunkAsWhole(chunk: readonly FixtureTensor[], whole: readonly Flat[], start: number): Flat[] {
  return chunk.map((out, o) => {
    const [batch, steps, width] = out.shape;
    if (out.shape.length !== 3 || whole[o]!.shape.length !== 3) return out;
    const total = whole[o]!.shape[1]!;
    const data = Float32Array.from(out.data);
    for (let b = 0; b < batch!; b++) {
      for (let t = 0; t < steps!; t++) {
        const at = (b * steps! + t) * width!;
        if (!data.subarray(at, at + width!).every((v) => v === 0)) continue;
        const from = (b * total + start + t) * width!;
        data.set(Array.from(whole[o]!.data).slice(from, from + width!), at);
      }
    }
    return { shape: out.shape, data };
  });
}

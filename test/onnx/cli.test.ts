// `rnnc export` as users run it: the built CLI, spawned. The file it writes runs in onnxruntime-node.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { rnnc } from "../cli-process.js";

const dir = mkdtempSync(join(tmpdir(), "rnnc-export-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rnnc export --format onnx", () => {
  it("writes the seed's SeedLstm model, which ONNX Runtime runs with `rnnc run`'s numbers", async () => {
    const out = join(dir, "seed.onnx");
    const r = rnnc("export", "examples/seed.rnn", "--model", "SeedLstm", "--format", "onnx", "-o", out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/seed\.onnx \(\d+ bytes/);
    const x = JSON.parse(readFileSync("examples/seed.x.json", "utf8")) as number[][][];
    const run = rnnc("run", "examples/seed.rnn", "--model", "SeedLstm", "--input", "x=examples/seed.x.json", "--json");
    expect(run.code).toBe(0);
    const expected = (JSON.parse(run.stdout) as { outputs: { shape: number[]; data: number[] }[] }).outputs;
    const session = await ort.InferenceSession.create(readFileSync(out));
    const result = await session.run({ x: new ort.Tensor("float32", Float32Array.from(x.flat(2)), [1, 4, 5]) });
    expect(Object.keys(result)).toHaveLength(expected.length);
    expected.forEach((want, i) => {
      const got = result[session.outputNames[i]!]!;
      expect(got.dims).toEqual(want.shape);
      want.data.flat(3).forEach((v, j) => expect(Math.abs(v - (got.data as Float32Array)[j]!)).toBeLessThan(1e-5));
    });
    await session.release();
  });

  it("--weights gives the exported model its numbers (a Keras get_weights() JSON)", async () => {
    const src = join(dir, "dense.rnn");
    writeFileSync(src, 'model M(x: [B, 3]) {\n  return dense(2, name="out")(x)\n}\n');
    const weights = join(dir, "dense.json");
    writeFileSync(
      weights,
      JSON.stringify({
        out: [
          [
            [1, 0],
            [0, 1],
            [1, 1],
          ],
          [0.5, -0.5],
        ],
      }),
    );
    const out = join(dir, "dense.onnx");
    const r = rnnc("export", src, "--format", "onnx", "--weights", weights, "-o", out);
    expect(r.code).toBe(0);
    const session = await ort.InferenceSession.create(readFileSync(out));
    const result = await session.run({ x: new ort.Tensor("float32", Float32Array.of(1, 2, 3), [1, 3]) });
    expect([...(result[session.outputNames[0]!]!.data as Float32Array)]).toEqual([4.5, 4.5]);
    await session.release();
  });

  it("an unknown --format is a usage error (exit 2) naming the formats", () => {
    const r = rnnc("export", "examples/seed.rnn", "--format", "tflite", "-o", join(dir, "x.onnx"));
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("rnnc export: unknown format tflite (available: onnx, keras)");
  });

  it("a missing -o is a usage error (exit 2)", () => {
    const r = rnnc("export", "examples/seed.rnn", "--format", "onnx");
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toMatch(/-o OUT\.onnx is required/);
  });

  it("a masked model (embedding mask_zero, pre-padded ids) runs in ONNX Runtime with `rnnc run`'s numbers", async () => {
    const src = join(dir, "masked.rnn");
    writeFileSync(src, "model M(ids: int[B, T]) {\n  e = embedding(10, 4, mask_zero=true)(ids)\n  return lstm(5)(e)\n}\n");
    const ids = [
      [0, 0, 3, 4],
      [0, 0, 0, 0],
      [5, 6, 7, 8],
    ];
    writeFileSync(join(dir, "ids.json"), JSON.stringify(ids));
    const out = join(dir, "masked.onnx");
    const r = rnnc("export", src, "--format", "onnx", "-o", out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const run = rnnc("run", src, "--input", `ids=${join(dir, "ids.json")}`, "--json");
    expect(run.code).toBe(0);
    const want = (JSON.parse(run.stdout) as { outputs: { data: number[][] }[] }).outputs[0]!.data.flat();
    const session = await ort.InferenceSession.create(readFileSync(out));
    const result = await session.run({ ids: new ort.Tensor("int32", Int32Array.from(ids.flat()), [3, 4]) });
    const got = result[session.outputNames[0]!]!.data as Float32Array;
    expect(got).toHaveLength(want.length);
    want.forEach((v, j) => expect(Math.abs(v - got[j]!)).toBeLessThan(1e-5));
    await session.release();
  });
});

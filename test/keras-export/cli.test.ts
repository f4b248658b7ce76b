// `rnnc export --format keras` as users run it: the built CLI, spawned.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check, exportKeras } from "../../src/index.js";
import { rnnc } from "../cli-process.js";

const dir = mkdtempSync(join(tmpdir(), "rnnc-keras-export-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rnnc export --format keras", () => {
  it("writes the module exportKeras makes for the file, and says so", () => {
    const out = join(dir, "seq2seq.py");
    const r = rnnc("export", "examples/seq2seq.rnn", "--format", "keras", "-o", out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text).toBe(exportKeras(check(readFileSync("examples/seq2seq.rnn", "utf8")), { fileName: "examples/seq2seq.rnn" }));
    expect(r.stdout).toBe(`examples/seq2seq.rnn → ${out} (${Buffer.byteLength(text)} bytes, a Keras 3 module: MODELS, load_weights)\n`);
  });

  it("--model writes that model and the models it calls", () => {
    const out = join(dir, "translator.py");
    expect(rnnc("export", "examples/seq2seq.rnn", "--model", "Translator", "--format", "keras", "-o", out).code).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text).toContain('MODELS = {\n    "Encoder": build_Encoder,\n    "Translator": build_Translator,\n}');
    expect(text).not.toContain("build_Seq2Seq");
  });

  it("weights that do not fit are one line naming the layer, exit 1, and nothing is written", () => {
    const src = join(dir, "dense.rnn");
    writeFileSync(src, 'model M(x: [B, 3]) {\n  return dense(2, name="out")(x)\n}\n');
    const weights = join(dir, "dense.json");
    writeFileSync(weights, JSON.stringify({ out: [[[1, 0]], [0, 0]] }));
    const out = join(dir, "dense.py");
    const r = rnnc("export", src, "--format", "keras", "--weights", weights, "-o", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`rnnc export: ${weights}: layer "out": weight 0 (kernel) should be [3,2], found [1,2]\n`);
    expect(() => readFileSync(out)).toThrow();
  });

  it("a model Keras 3 would compute differently is refused (exit 1), naming the layer", () => {
    const src = join(dir, "merge.rnn");
    writeFileSync(
      src,
      "model M(a: int[B, T], b: int[B, T]) {\n  return add(embedding(5, 2, mask_zero=true)(a), embedding(5, 2, mask_zero=true)(b))\n}\n",
    );
    const r = rnnc("export", src, "--format", "keras", "-o", join(dir, "merge.py"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rnnc export: model M, layer add: a merge of masked tensors .*`keras 3`/);
  });

  it("a missing -o is a usage error (exit 2) that names the .py", () => {
    const r = rnnc("export", "examples/seed.rnn", "--format", "keras");
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("rnnc export: -o OUT.py is required (where to write the model)");
  });

  it("an unwritable output is exit 1", () => {
    const r = rnnc("export", "examples/seed.rnn", "--format", "keras", "-o", join(dir, "missing", "x.py"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rnnc export: cannot write .*x\.py: /);
  });
});

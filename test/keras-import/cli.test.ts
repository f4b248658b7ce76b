// `rnnc import` as users run it: the built CLI, spawned; the files it writes run with `rnnc run`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check } from "../../src/index.js";
import { formatRnnSync } from "../../src/format/index.js";
import { spawnSync } from "node:child_process";
import { BUILT_CLI, ROOT, rnnc, rnncAsync } from "../cli-process.js";

const dir = mkdtempSync(join(tmpdir(), "rnnc-keras-import-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FIXTURES = "test/fixtures/model-files";

interface Fixture {
  inputs: Record<string, { shape: number[]; data: number[] }>;
  outputs: { shape: number[]; data: number[] }[] | Record<string, { shape: number[]; data: number[] }[]>;
}

/** `rnnc run` on the imported files, with the fixture's inputs written to files, against the producer's numbers. */
function runImported(rnn: string, weights: string, fixture: string, quantization?: string): number {
  const fx = JSON.parse(readFileSync(fixture, "utf8")) as Fixture;
  const inputs = check(readFileSync(rnn, "utf8")).models[0]!.inputs;
  const given = Object.values(fx.inputs);
  const flags = inputs.flatMap((input, i) => {
    const path = join(dir, `${input.name}.json`);
    writeFileSync(path, JSON.stringify(nest(given[i]!.data, given[i]!.shape)));
    return ["--input", `${input.name}=${path}`];
  });
  const r = rnnc("run", rnn, "--weights", weights, "--json", ...flags);
  expect(r.stderr).toBe("");
  const outputs = (JSON.parse(r.stdout) as { outputs: { data: number[] }[] }).outputs;
  const want = quantization ? (fx.outputs as Record<string, { data: number[] }[]>)[quantization]! : (fx.outputs as { data: number[] }[]);
  let max = 0;
  outputs.forEach((o, i) =>
    o.data.flat(Infinity as 1).forEach((v, j) => (max = Math.max(max, Math.abs((v as number) - want[i]!.data[j]!)))),
  );
  return max;
}

function nest(data: number[], shape: number[]): unknown {
  if (shape.length <= 1) return data;
  const stride = data.length / shape[0]!;
  return Array.from({ length: shape[0]! }, (_, i) => nest(data.slice(i * stride, (i + 1) * stride), shape.slice(1)));
}

describe("rnnc import", () => {
  it("a .keras: writes the formatted source and the weights, says the numbers were not cross-checked, and the two run with Keras's numbers", async () => {
    const out = join(dir, "nested.rnn");
    const weights = join(dir, "nested.weights.json");
    const model = `${FIXTURES}/keras/nested_model.keras`;
    const r = rnnc("import", model, "-o", out, "--weights-out", weights);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${model} → ${out} (model M, keras 3) and ${weights}\nnumbers not cross-checked: running a .keras file needs Python Keras\n`,
    );
    const text = readFileSync(out, "utf8");
    expect(formatRnnSync(text)).toBe(text);
    expect(runImported(out, weights, `${FIXTURES}/keras/nested_model.json`)).toBeLessThanOrEqual(1e-5);
    // The original file binds to the imported source too.
    expect(runImported(out, model, `${FIXTURES}/keras/nested_model.json`)).toBeLessThanOrEqual(1e-5);
  });

  it("a tfjs model.json: runs both on tfjs-layers and rnnc, and prints the largest difference", async () => {
    const out = join(dir, "bigru.rnn");
    const weights = join(dir, "bigru.json");
    const model = `${FIXTURES}/tfjs/embedding_bigru_dense-uint8/model.json`;
    const r = await rncAsyncChecked("import", model, "-o", out, "--weights-out", weights);
    const match = /^max \|Δ\| against tfjs-layers on random inputs: (\S+)$/m.exec(r.stdout);
    expect(match, r.stdout).not.toBeNull();
    expect(Number(match![1])).toBeLessThan(1e-5);
    expect(runImported(out, weights, `${FIXTURES}/tfjs/embedding_bigru_dense.json`, "uint8")).toBeLessThanOrEqual(1e-5);
  });

  it("a tfjs model.json without @tensorflow/tfjs installed: the import is written, the check said to be skipped and why", async () => {
    const out = join(dir, "no-tfjs.rnn");
    const model = `${FIXTURES}/tfjs/simple_rnn_stack/model.json`;
    const hide = join(import.meta.dirname, "without-tfjs.mjs");
    const r = spawnSync(process.execPath, ["--import", hide, BUILT_CLI, "import", model, "-o", out], { cwd: ROOT, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `${model} → ${out} (model M, keras 2)\nnumbers not cross-checked: the optional package @tensorflow/tfjs is not installed (npm install @tensorflow/tfjs)\n`,
    );
    expect(check(readFileSync(out, "utf8")).diagnostics).toEqual([]);
  });

  it("a refused model: one line naming the file, the layer and its class; exit 1; nothing written", async () => {
    const model = join(dir, "model.json");
    const topology = {
      class_name: "Functional",
      config: {
        name: "M",
        layers: [
          { class_name: "InputLayer", name: "x", config: { name: "x", batch_shape: [1, 3] }, inbound_nodes: [] },
          { class_name: "Lambda", name: "fn", config: { name: "fn" }, inbound_nodes: [[["x", 0, 0, {}]]] },
        ],
        input_layers: [["x", 0, 0]],
        output_layers: [["fn", 0, 0]],
      },
    };
    writeFileSync(model, JSON.stringify({ format: "layers-model", modelTopology: topology, weightsManifest: [] }));
    const out = join(dir, "refused.rnn");
    const r = rnnc("import", model, "-o", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^rnnc import: ${model.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: layer "fn" \\(Lambda\\): rnnc has no layer for the Keras class Lambda[^\\n]*\\n$`,
      ),
    );
    expect(() => readFileSync(out)).toThrow();
  });

  it("usage: one model file and -o are required (exit 2)", async () => {
    expect(rnnc("import", `${FIXTURES}/keras/nested_model.keras`).code).toBe(2);
    expect(rnnc("import", "-o", join(dir, "x.rnn")).code).toBe(2);
    const missing = rnnc("import", join(dir, "absent.keras"), "-o", join(dir, "x.rnn"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*absent\.keras: no such file/);
  });
});

async function rncAsyncChecked(...args: string[]): Promise<{ stdout: string }> {
  const r = await rnncAsync(...args);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return r;
}

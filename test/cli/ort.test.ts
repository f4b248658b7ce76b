// The CLI on ONNX Runtime: `rnnc run --backend ort|auto [--verbose]` and `rnnc export … --check`,
// spawned as a user runs them; onnxruntime-node missing is one line saying how to install it.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { BUILT_CLI, rnnc, ROOT, type CliResult } from "../cli-process.js";
import { spawnSync } from "node:child_process";
import { CHECK_TOLERANCE, checkOnOrt } from "../../src/cli/export-check.js";
import { check, exportOnnx } from "../../src/index.js";

const SEED = "examples/seed.rnn";
const SEED_X = "examples/seed.x.json";
const dir = mkdtempSync(join(tmpdir(), "rnnc-ort-cli-"));

interface JsonOutputs {
  outputs: { shape: number[]; data: number[] }[];
}

function json(r: CliResult): JsonOutputs {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as JsonOutputs;
}

function maxDiff(a: JsonOutputs, b: JsonOutputs): number {
  expect(b.outputs.map((o) => o.shape)).toEqual(a.outputs.map((o) => o.shape));
  let worst = 0;
  a.outputs.forEach((o, i) => o.data.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b.outputs[i]!.data[j]!)))));
  return worst;
}

/** `rnnc ...args` in a Node whose module resolution cannot find onnxruntime-node (as on a default install). */
function rnncWithoutOrt(...args: string[]): CliResult {
  const hooks = join(dir, "hide-ort-hooks.mjs");
  writeFileSync(
    hooks,
    `export async function resolve(specifier, context, next) {
  if (specifier === "onnxruntime-node") {
    const error = new Error("Cannot find package 'onnxruntime-node'");
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return next(specifier, context);
}\n`,
  );
  const register = join(dir, "hide-ort.mjs");
  writeFileSync(register, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(register).href, BUILT_CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    encoding: "utf8",
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("rnnc run --backend ort|auto", () => {
  it("--backend ort prints the CPU backend's numbers (1e-5), nothing on stderr", () => {
    const cpu = json(rnnc("run", SEED, "--input", `x=${SEED_X}`, "--json"));
    const r = rnnc("run", SEED, "--input", `x=${SEED_X}`, "--json", "--backend", "ort");
    expect(r.stderr).toBe("");
    expect(maxDiff(cpu, json(r))).toBeLessThan(1e-5);
  });

  it("--backend ort --verbose names the engine", () => {
    const r = rnnc("run", SEED, "--input", `x=${SEED_X}`, "--backend", "ort", "--verbose");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("rnnc run: ran on ort (--backend ort)\n");
    expect(r.stdout).toMatch(/^BiSeed output 0 f32\[1,4,6\]:/);
    // Without --backend: the CPU backend, and --verbose says so.
    const cpu = rnnc("run", SEED, "--input", `x=${SEED_X}`, "--verbose");
    expect(cpu.stderr).toBe("rnnc run: ran on cpu (--backend cpu)\n");
  });

  it("--backend auto --verbose: the seed runs on the CPU backend (bit for bit) and says why", () => {
    const cpu = rnnc("run", SEED, "--input", `x=${SEED_X}`, "--json");
    const r = rnnc("run", SEED, "--input", `x=${SEED_X}`, "--json", "--backend", "auto", "--verbose");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(cpu.stdout);
    expect(r.stderr).toMatch(
      /^rnnc run: ran on cpu \(auto chose cpu: [\d.]+ kFLOP per call, estimated [\d.]+ µs on cpu against [\d.]+ µs on ort\)\n$/,
    );
  });

  it("--backend auto --verbose: a large input runs on ONNX Runtime", () => {
    const source = join(dir, "big.rnn");
    writeFileSync(source, "model Big(x: [B, T, 32]) {\n  return lstm(128)(x)\n}\n");
    const x = join(dir, "big.x.json");
    // 8 × 60 steps of 32 features: about 40 MFLOP.
    writeFileSync(
      x,
      JSON.stringify(
        Array.from({ length: 8 }, (_, b) =>
          Array.from({ length: 60 }, (_, t) => Array.from({ length: 32 }, (_, f) => Math.sin(b + t * 0.1 + f))),
        ),
      ),
    );
    const cpu = json(rnnc("run", source, "--input", `x=${x}`, "--json"));
    const r = rnnc("run", source, "--input", `x=${x}`, "--json", "--backend", "auto", "--verbose");
    expect(r.stderr).toMatch(
      /^rnnc run: ran on ort \(auto chose ort: [\d.]+ MFLOP per call, estimated [\d.]+ (µs|ms) on ort against [\d.]+ ms on cpu\)\n$/,
    );
    expect(maxDiff(cpu, json(r))).toBeLessThan(1e-5);
  });

  it("a user's mistake in the inputs is one line and exit 1, as on the CPU backend", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify([[[1, 2]]]));
    for (const backend of ["ort", "auto"]) {
      const r = rnnc("run", SEED, "--input", `x=${bad}`, "--backend", backend);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe("rnnc run: input x: expected f32[1,4,5], got [1,1,2] (dim 1 must be 4)\n");
    }
  });

  it("without onnxruntime-node: one line saying how to install it, exit 2", () => {
    for (const backend of ["ort", "auto"]) {
      const r = rnncWithoutOrt("run", SEED, "--input", `x=${SEED_X}`, "--backend", backend);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`rnnc run: --backend ${backend} needs ONNX Runtime: install onnxruntime-node (npm i onnxruntime-node)\n`);
    }
    // The CPU backend does not need it.
    expect(rnncWithoutOrt("run", SEED, "--input", `x=${SEED_X}`).code).toBe(0);
  });

  it("an unknown backend lists the four", () => {
    const r = rnnc("run", SEED, "--input", `x=${SEED_X}`, "--backend", "onnx");
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toMatch(/unknown backend "?onnx"? \(available: cpu, tfjs, ort, auto\)/);
  });
});

describe("rnnc export --check", () => {
  it("prints ORT's max difference from the CPU backend on random inputs with named dims set", () => {
    const source = join(dir, "named.rnn");
    writeFileSync(
      source,
      "model Tagger(ids: int[B, T]) {\n  return ids |> embedding(20, 8) |> bigru(6, seq=true) |> dense(3, activation=softmax)\n}\n",
    );
    const out = join(dir, "named.onnx");
    const r = rnnc("export", source, "--format", "onnx", "-o", out, "--check");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe(`${source} → ${out} (${lines[0]!.match(/\((\d+) bytes/)![1]} bytes, ONNX opset 17)`);
    const check = lines[1]!.match(
      /^check: ONNX Runtime vs rnnc's CPU backend on random inputs \(B=2, T=5\): max \|Δ\| (\S+) over 30 values \(ok, ≤ 0\.0001\)$/,
    );
    expect(check, lines[1]).not.toBeNull();
    expect(Number(check![1])).toBeLessThan(1e-5);
  });

  it("the seed file, fixed shapes", () => {
    const r = rnnc("export", SEED, "--format", "onnx", "-o", join(dir, "seed.onnx"), "--check");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")[1]).toMatch(
      /^check: ONNX Runtime vs rnnc's CPU backend on random inputs: max \|Δ\| \S+ over 30 values \(ok, ≤ 0\.0001\)$/,
    );
  });

  it("without onnxruntime-node: the model is written, then one line saying how to install it, exit 2", () => {
    const out = join(dir, "no-ort.onnx");
    const r = rnncWithoutOrt("export", SEED, "--format", "onnx", "-o", out, "--check");
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/→ .*no-ort\.onnx/);
    expect(r.stderr).toBe("rnnc export: --check needs ONNX Runtime: install onnxruntime-node (npm i onnxruntime-node)\n");
  });
});

describe("the check behind --check", () => {
  it("finds a model that does not compute rnnc's numbers", async () => {
    const { default: ort } = await import("onnxruntime-node");
    const checked = check("model M(x: [B, T, 3]) {\n  return lstm(4, kernel=constant(0.1))(x)\n}");
    const other = check("model M(x: [B, T, 3]) {\n  return lstm(4, kernel=constant(0.2))(x)\n}");
    const model = checked.models[0]!;
    const same = await checkOnOrt(checked, model, exportOnnx(checked), undefined, ort);
    expect(same.maxDiff).toBeLessThan(1e-5);
    expect(same.sizes).toBe("B=2, T=5");
    const wrong = await checkOnOrt(checked, model, exportOnnx(other), undefined, ort);
    expect(wrong.maxDiff).toBeGreaterThan(CHECK_TOLERANCE);
    expect(wrong.where).toMatch(/^output 0 element \d+$/);
  });

  it("starts a stateful model's carried states at zeros, as rnnc's run does", async () => {
    const { default: ort } = await import("onnxruntime-node");
    const checked = check("model S(x: [2, T, 3]) {\n  return lstm(4, stateful=true)(x)\n}");
    const r = await checkOnOrt(checked, checked.models[0]!, exportOnnx(checked), undefined, ort);
    expect(r.maxDiff).toBeLessThan(1e-5);
    expect([r.values, r.sizes]).toEqual([8, "T=5"]);
  });
});

// Every example compiled by the command line (`rnnc compile FILE... -o DIR`, DIR outside the
// project), each of its models imported by plain Node and run with and without weights, on two
// sets of dim sizes, against the interpreter (bit for bit; 1e-6 is the bound). The seed model also
// against the numbers LANGUAGE.md quotes from real Keras.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { check, type CheckedFile } from "../../src/index.js";
import { planWeights } from "../../src/lower/weights.js";
import type { TensorData } from "../../src/types/tensor-data.js";
import { rnnc } from "../cli-process.js";
import { Rng } from "../parity/generate.js";
import { difference, identical, interpret, jobInput, OUT, runInNode, toTensorData, type Job, type JobResult } from "./harness.js";

const root = join(import.meta.dirname, "..", "..");
const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".rnn") && f !== "mistakes.rnn");
const dir = join(OUT, "cli");

interface Planned {
  file: string;
  model: string;
  checked: CheckedFile;
  job: Job;
  inputs: Record<string, TensorData>[];
  result?: JobResult;
}

const planned: Planned[] = [];
let cli: ReturnType<typeof rnnc>;

beforeAll(() => {
  cli = rnnc("compile", ...examples.map((f) => `examples/${f}`), "-o", dir);
  if (cli.code !== 0) return;
  for (const file of examples) {
    const checked = check(readFileSync(join(root, "examples", file), "utf8"));
    const models = new Map(checked.models.map((m) => [m.name, m]));
    const module = join(dir, file.replace(/\.rnn$/, ".js"));
    for (const m of checked.models) {
      const rng = new Rng(m.name.length * 101 + file.length);
      const inputs = [
        { B: 2, T: 3, S: 4 },
        { B: 1, T: 5, S: 2 },
      ].map((sizes) =>
        Object.fromEntries(
          m.inputs.map((input) => {
            const shape = input.type.dims.map((d) => (typeof d === "number" ? d : sizes[d as "B" | "T" | "S"]));
            const n = shape.reduce((a, b) => a * b, 1);
            const data =
              input.type.dtype === "f32"
                ? Float32Array.from({ length: n }, () => rng.float(-1, 1))
                : input.type.dtype === "i32"
                  ? Int32Array.from({ length: n }, () => rng.int(0, 40))
                  : Uint8Array.from({ length: n }, () => (rng.bool(0.8) ? 1 : 0));
            return [input.name, { shape, data } as TensorData];
          }),
        ),
      );
      const runs = inputs.map((set) => Object.fromEntries(Object.entries(set).map(([k, t]) => [k, jobInput(t)])));
      planned.push({ file, model: m.name, checked, inputs, job: { module, exportName: m.name, weights: null, runs } });
      // Random weights, as a weights file holds them.
      const weights: Record<string, unknown> = {};
      const fill = (plan: ReturnType<typeof planWeights>, into: Record<string, unknown>) => {
        for (const item of plan.items) {
          if (item.kind === "model") fill(item.plan, (into[item.name] = {}) as Record<string, unknown>);
          else
            into[item.names[0]!] = item.specs.map((s) => ({
              shape: [...s.shape],
              data: Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, () => rng.float(-0.3, 0.3)),
            }));
        }
      };
      fill(planWeights(m, models), weights);
      planned.push({ file, model: m.name, checked, inputs, job: { module, exportName: m.name, weights, runs } });
    }
  }
  runInNode(
    undefined,
    planned.map((p) => p.job),
  ).forEach((r, i) => (planned[i]!.result = r));
}, 600_000);

describe("rnnc compile on the examples", () => {
  it("writes a module and its typings per file, and says so", () => {
    expect(cli.stderr).toBe("");
    expect(cli.code).toBe(0);
    for (const file of examples) {
      const base = file.replace(/\.rnn$/, "");
      expect(existsSync(join(dir, `${base}.js`))).toBe(true);
      expect(existsSync(join(dir, `${base}.d.ts`))).toBe(true);
      expect(cli.stdout).toContain(`examples/${file} → ${join(dir, `${base}.js`)}`);
    }
  });

  it("runs the seed walkthrough as Keras does", () => {
    const seed = planned.find((p) => p.file === "seed.rnn" && p.model === "BiSeed" && p.job.weights === null)!;
    const x = JSON.parse(readFileSync(join(root, "examples", "seed.x.json"), "utf8")) as unknown;
    const [result] = runInNode(seed.job.module, [{ exportName: "BiSeed", weights: null, runs: [{ x: { nested: x } }] }]);
    const run = result!.runs![0]!;
    if ("error" in run) throw new Error(run.error);
    const [y, fh, bh] = run.outputs;
    expect(y!.shape).toEqual([1, 4, 6]);
    const close = (got: number[], want: number[]) => want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThan(1e-6));
    close(fh!.data, [0.6303139, 0.6303139, 0.6303139]);
    close(bh!.data, [0.7038734, 0.7038734, 0.7038734]);
    close(y!.data.slice(0, 6), [0.3590647, 0.3590647, 0.3590647, 0.7038734, 0.7038734, 0.7038734]);
  });

  for (const file of examples) {
    it(`${file}: every model, with and without weights, as the interpreter`, () => {
      const mine = planned.filter((p) => p.file === file);
      expect(mine.length).toBeGreaterThan(0);
      for (const p of mine) {
        const what = `${file} ${p.model} ${p.job.weights === null ? "initializers" : "weights"}`;
        expect(p.result!.error, what).toBeUndefined();
        p.result!.runs!.forEach((run, r) => {
          const expected = interpret(p.checked, p.model, p.job.weights, p.inputs[r]!);
          if ("error" in run || "error" in expected) {
            expect(run, what).toEqual(expected);
            return;
          }
          const outputs = run.outputs.map(toTensorData);
          const diff = difference(outputs, expected);
          expect(typeof diff === "number" && diff <= 1e-6, `${what}: ${diff}`).toBe(true);
          expect(identical(outputs, expected), `${what}: bit for bit`).toBe(true);
        });
      }
    });
  }
});

describe("rnnc compile, usage", () => {
  it("refuses a file with errors (exit 1), needs -o (exit 2), and reports unreadable files (exit 2)", () => {
    const errors = rnnc("compile", "examples/mistakes.rnn", "-o", join(OUT, "never"));
    expect(errors.code).toBe(1);
    expect(errors.stderr).toMatch(/error RNN\d{3}/);
    expect(errors.stderr).toContain("rnnc compile: examples/mistakes.rnn has");
    expect(existsSync(join(OUT, "never", "mistakes.js"))).toBe(false);
    expect(rnnc("compile", "examples/seed.rnn").code).toBe(2);
    const missing = rnnc("compile", "examples/nope.rnn", "-o", join(OUT, "never"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("rnnc: cannot read examples/nope.rnn: no such file\n");
  });

  it("is listed in the usage", () => {
    expect(rnnc("--help").stdout).toMatch(/compile FILE\.\.\. -o DIR/);
  });
});

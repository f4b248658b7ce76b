// `rnnc run --backend tfjs [--tfjs-backend cpu|wasm]` as a user meets it: a spawned process whose
// numbers are those of `--backend cpu` (to float32 rounding) and whose --json stdout is clean.
import { beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/args.js";
import { runCommand } from "../../src/cli/run.js";
import { rnncAsync, type CliResult as Result } from "../cli-process.js";

/** Asynchronous, so that the runs overlap. */
const rnnc = rnncAsync;

const SEED = ["run", "examples/seed.rnn", "--input", "x=examples/seed.x.json", "--json"];
type Outputs = { outputs: { shape: number[]; data: number[] }[] };

describe("rnnc run --backend tfjs", () => {
  let cpu: Result;
  let tfjsCpu: Result;
  let tfjsWasm: Result;
  let tfjsDefault: Result;
  let userError: Result;
  beforeAll(async () => {
    [cpu, tfjsCpu, tfjsWasm, tfjsDefault, userError] = await Promise.all([
      rnnc(...SEED),
      rnnc(...SEED, "--backend", "tfjs", "--tfjs-backend", "cpu"),
      rnnc(...SEED, "--backend", "tfjs", "--tfjs-backend", "wasm"),
      rnnc("run", "examples/seed.rnn", "--input", "x=examples/seed.x.json", "--backend", "tfjs"),
      rnnc("run", "examples/seed.rnn", "--input", "x=test/backends/fixtures/short-x.json", "--backend", "tfjs"),
    ]);
  });

  it.each([
    ["cpu", () => tfjsCpu],
    ["wasm", () => tfjsWasm],
  ])("--tfjs-backend %s prints the numbers of --backend cpu, and nothing else", (_, result) => {
    const r = result();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toHaveLength(2); // one JSON line: no tfjs banner on stdout
    const want = JSON.parse(cpu.stdout) as Outputs;
    const got = JSON.parse(r.stdout) as Outputs;
    expect(got.outputs.map((o) => o.shape)).toEqual(want.outputs.map((o) => o.shape));
    got.outputs.forEach((o, i) => o.data.forEach((v, j) => expect(Math.abs(v - want.outputs[i]!.data[j]!)).toBeLessThanOrEqual(1e-6)));
    // The seed walkthrough's Keras numbers (LANGUAGE.md §2): fh and bh.
    expect(got.outputs[1]!.data[0]).toBeCloseTo(0.6303139, 6);
    expect(got.outputs[2]!.data[0]).toBeCloseTo(0.7038734, 6);
  });

  it("uses tfjs's cpu backend by default, with the human-readable output", () => {
    expect(tfjsDefault).toMatchObject({ code: 0, stderr: "" });
    expect(tfjsDefault.stdout).toContain("BiSeed output 1 f32[1,3]:\n[[0.6303139, 0.6303139, 0.6303139]]");
  });

  it("rejects --tfjs-backend without --backend tfjs, or an unknown one, as bad usage (exit 2)", () => {
    // Usage errors are thrown before anything loads; main() prints them with the usage and exits 2.
    expect(() => runCommand([...SEED, "--tfjs-backend", "wasm"])).toThrow(new UsageError("rnnc run: --tfjs-backend needs --backend tfjs"));
    expect(() => runCommand([...SEED, "--backend", "tfjs", "--tfjs-backend", "webgl"])).toThrow(
      new UsageError("rnnc run: unknown tfjs backend webgl (available: cpu, wasm)"),
    );
  });

  it("reports a user error on the tfjs backend as on the CPU one: one line, exit 1", () => {
    expect(userError).toMatchObject({ code: 1, stdout: "" });
    expect(userError.stderr).toMatch(/^rnnc run: input x: expected f32\[1,4,5\], got \[1,2,5\]/);
    expect(userError.stderr.split("\n")).toHaveLength(2);
  });
});

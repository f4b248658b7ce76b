// The official ONNX checker on every model rnnc can export (LANGUAGE.md §8): each model of each
// example, every case of the parity set (cases.ts with its sequence and attention cases) and every
// Keras 3 fixture is exported, written to a temp folder, and checked by
// `onnx.checker.check_model(model, full_check=True)` — all in one Python process (check_models.py)
// — with the header (IR 8, opset 17, producer "rnnc") and the graph's inputs and outputs compared
// with the checked model's: names, element types, and named dims as `dim_param`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check, DataError, exportOnnx, parseKerasWeights, type CheckedModel, type Type, type WeightSet } from "../../src/index.js";
import { modelProto, tensorProto, valueInfoProto } from "../../src/onnx/messages.js";
import { CASES } from "../parity/cases.js";
import { FIXTURE_LIST, readFixture } from "../parity/keras3-fixtures.js";

/** One model to export: where it comes from (the test's name), its source, its weights. */
interface Exportable {
  label: string;
  source: string;
  model: string;
  weights: WeightSet | undefined;
}

interface ValueInfo {
  name: string;
  elem_type: number;
  dims: ({ param: string } | { value: number } | Record<string, never>)[] | null;
}

interface CheckerReport {
  path: string;
  ir_version: number;
  opsets: Record<string, number>;
  producer: string;
  unused_initializers: string[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** The checker's message; null when the model passed. */
  error: string | null;
}

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");
const CHECK_SCRIPT = join(import.meta.dirname, "check_models.py");
/** Where a python3 with the onnx package is looked for, in order (CI apt-installs python3-onnx: .ci/run). */
const PYTHONS = ["/usr/bin/python3", "python3", "python"];
/** TensorProto.DataType in onnx.proto, written out here rather than taken from the exporter under test. */
const ONNX_ELEM_TYPE = { f32: 1, i32: 6, bool: 9 } as const;

function exampleModels(): Exportable[] {
  // mistakes.rnn is the one example with errors on purpose (test/examples.test.ts): nothing to export.
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith(".rnn") && f !== "mistakes.rnn");
  return files.flatMap((file) => {
    const source = readFileSync(join(EXAMPLES, file), "utf8");
    return check(source).models.map((m) => ({ label: `examples/${file} ${m.name}`, source, model: m.name, weights: undefined }));
  });
}

const MODELS: Exportable[] = [
  ...exampleModels(),
  ...CASES.map((c) => ({ label: `parity ${c.group}: ${c.name}`, source: c.source, model: c.model, weights: c.weights })),
  ...FIXTURE_LIST.cases.map((name) => {
    const f = readFixture(name);
    return { label: `keras3 fixture ${name}`, source: f.source, model: f.model, weights: parseKerasWeights(f.weights, `${name}.json`) };
  }),
];

/** The first of PYTHONS that imports onnx; else an error that says how to install it. */
function findPython(): string {
  for (const python of PYTHONS) {
    const probe = spawnSync(python, ["-c", "import onnx"], { encoding: "utf8" });
    if (probe.status === 0) return python;
  }
  throw new Error(
    `the ONNX checker test needs Python 3 with the onnx package, and none of ${PYTHONS.join(", ")} imports it: ` +
      "install Debian's python3-onnx (`apt-get install python3-onnx`, as .ci/run does) or `pip install onnx`",
  );
}

/** A model the checker must reject: a MatMul of [B,3] by a [4,2] weight (only full_check's strict shape inference sees it). */
function brokenModel(): Uint8Array {
  return modelProto({
    name: "Broken",
    nodes: [{ opType: "MatMul", inputs: ["x", "w"], outputs: ["y"], name: "MatMul_0" }],
    initializers: [tensorProto("w", [4, 2], new Float32Array(8))],
    inputs: [valueInfoProto("x", "float", ["B", 3])],
    outputs: [valueInfoProto("y", "float", ["B", 2])],
  });
}
const BROKEN = "a broken model";

function modelOf(source: string, name: string): CheckedModel {
  return check(source).models.find((m) => m.name === name)!;
}

/** What ValueInfoProto's dims must say for a type: a number as dim_value, a named dim as dim_param. */
function expectedDims(type: Type | undefined): ValueInfo["dims"] {
  if (type?.kind !== "tensor") return null;
  return type.dims.map((d) => (typeof d === "number" ? { value: d } : { param: d }));
}

const dir = mkdtempSync(join(tmpdir(), "rnnc-onnx-checker-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** By label: why the exporter wrote no file, or the checker's report on the file it wrote. */
const exportErrors = new Map<string, string>();
const reports = new Map<string, CheckerReport>();
let onnxVersion = "";

beforeAll(() => {
  const python = findPython();
  const paths: string[] = [];
  const labels: string[] = [];
  MODELS.forEach((m, i) => {
    try {
      const checked = check(m.source);
      const bytes = exportOnnx(checked, { model: m.model, ...(m.weights ? { weights: m.weights } : {}) });
      const path = join(dir, `${i}.onnx`);
      writeFileSync(path, bytes);
      paths.push(path);
      labels.push(m.label);
    } catch (e) {
      // A refusal is the user's one-line message; anything else is an exporter bug: its stack.
      exportErrors.set(m.label, e instanceof DataError ? e.message : `internal error: ${(e as Error).stack ?? String(e)}`);
    }
  });
  paths.push(join(dir, "broken.onnx"));
  labels.push(BROKEN);
  writeFileSync(paths.at(-1)!, brokenModel());
  const run = spawnSync(python, [CHECK_SCRIPT], { input: JSON.stringify(paths), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${python} ${CHECK_SCRIPT} exited with ${run.status}:\n${run.stderr}`);
  const out = JSON.parse(run.stdout) as { onnx: string; models: CheckerReport[] };
  onnxVersion = out.onnx;
  out.models.forEach((r, i) => reports.set(labels[i]!, r));
});

describe("onnx.checker.check_model(full_check=True) on every exported model", () => {
  it("runs the official checker of onnx 1.12 or later, with models from every source", () => {
    const [major, minor] = onnxVersion.split(".").map(Number);
    expect(major! > 1 || (major === 1 && minor! >= 12), `onnx ${onnxVersion}`).toBe(true);
    expect(MODELS.filter((m) => m.label.startsWith("examples/")).length).toBeGreaterThanOrEqual(15);
    expect(MODELS.length).toBe(new Set(MODELS.map((m) => m.label)).size);
  });

  it("rejects a broken model (the check can fail)", () => {
    expect(reports.get(BROKEN)!.error).toMatch(/Incompatible dimensions for matrix multiplication/);
  });

  it("the example with errors is refused, not exported", () => {
    const checked = check(readFileSync(join(EXAMPLES, "mistakes.rnn"), "utf8"));
    expect(() => exportOnnx(checked)).toThrow(/^the file has \d+ errors; fix them before exporting$/);
  });

  for (const m of MODELS) {
    it(m.label, () => {
      const refused = exportErrors.get(m.label);
      if (refused !== undefined) throw new Error(`exportOnnx refused it: ${refused}`);
      const r = reports.get(m.label)!;
      if (r.error !== null) throw new Error(`onnx.checker: ${r.error}`);
      expect([r.ir_version, r.opsets, r.producer]).toEqual([8, { "": 17 }, "rnnc"]);
      // ORT warns on stderr about each one ("Removing initializer …"), so none is written.
      expect(r.unused_initializers, "initializers no node reads").toEqual([]);
      const model = modelOf(m.source, m.model);
      expect(r.inputs.slice(0, model.inputs.length)).toEqual(
        model.inputs.map((i) => ({ name: i.name, elem_type: ONNX_ELEM_TYPE[i.type.dtype], dims: expectedDims(i.type) })),
      );
      // A stateful model's carried states: float inputs after the model's, their new values outputs
      // after the model's, named `<state>/next` (docs/onnx.md).
      const states = r.inputs.slice(model.inputs.length);
      expect(states.length > 0).toBe(/stateful\s*=\s*true/.test(m.source));
      expect(r.outputs.slice(model.outputs.length)).toEqual(states.map((s) => ({ ...s, name: `${s.name}/next` })));
      for (const s of states) expect([s.elem_type, (s.dims ?? [{}]).every((d) => "value" in d)]).toEqual([1, true]);
      r.outputs.slice(0, model.outputs.length).forEach((o, k) => {
        const type = model.outputs[k]!;
        // `output_<k>`, with `_` appended while a model input has that name (docs/onnx.md).
        expect(o.name).toMatch(new RegExp(`^output_${k}_*$`));
        expect(o.elem_type).toBe(type.kind === "tensor" ? ONNX_ELEM_TYPE[type.dtype] : undefined);
        expect(o.dims, `output ${k}`).toEqual(expectedDims(type));
      });
    });
  }
});

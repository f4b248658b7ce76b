// Cross-check of the benchmark's weight conversions on small cases, in one process: ORT's outputs
// (Keras weights converted to ONNX layout, bench/lib/onnx.mjs) must equal tfjs-layers' (cpu backend,
// recurrentActivation sigmoid) and the float64 reference (bench/workloads.mjs) to 1e-5.
// GRU: tfjs-layers only has reset_after=false, which is ONNX linear_before_reset=0 with Rb = 0; Keras's
// reset_after=true (linear_before_reset=1) is checked against the float64 reference.
// bench/runtime.mjs runs this before timing anything; alone: `node bench/crosscheck.mjs`. Exit 1 on a mismatch.
import ort from "onnxruntime-node";
import * as tf from "@tensorflow/tfjs";
import { compareOutputs, makeCase, reference } from "./workloads.mjs";
import { onnxModel, onnxOutputs } from "./lib/onnx.mjs";
import { tfjsModel, tfjsRunner } from "./lib/tfjs-model.mjs";

const TOLERANCE = 1e-5;
await tf.setBackend("cpu");

const small = (id, cell, extra = {}) => ({ id, cell, bidirectional: false, B: 3, T: 6, F: 5, units: 4, seq: true, state: false, ...extra });
const CASES = [
  small("x-bilstm-seq-state", "lstm", { bidirectional: true, state: true }),
  small("x-lstm-seq-state", "lstm", { state: true }),
  small("x-lstm-last", "lstm", { seq: false }),
  small("x-bigru-seq", "gru", { bidirectional: true }),
  small("x-gru-last", "gru", { seq: false }),
];

/** The same case with the GRU recurrent bias (Keras bias row 1) zeroed: tfjs's reset_after=false GRU. */
function withoutRecurrentBias(kase) {
  return {
    x: kase.x,
    directions: kase.directions.map((d) => {
      const data = d.bias.data.slice();
      data.fill(0, d.bias.shape[1]);
      return { ...d, bias: { shape: d.bias.shape, data } };
    }),
  };
}

async function ortRun(wl, kase, linearBeforeReset) {
  const { bytes } = onnxModel(wl, kase, { linearBeforeReset });
  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run({ x: new ort.Tensor("float32", kase.x.data, kase.x.shape) });
  await session.release();
  return onnxOutputs(wl, result);
}

function fromTfjs(wl, kase) {
  const { model } = tfjsModel(tf, wl, kase);
  const outs = tfjsRunner(tf, wl, kase, model)();
  model.dispose();
  return outs;
}

/** `outs` as a reference for compareOutputs (all rows). */
const asReference = (wl, outs) => ({ rows: wl.B, outputs: outs.map((o) => o.data) });

let failed = false;
const lines = [];
function record(what, wl, check) {
  lines.push(
    `  ${check.ok ? "ok  " : "FAIL"} ${wl.id}: ${what}: max |Δ| ${check.maxAbsErr.toExponential(1)}${check.ok ? "" : ` (${check.message})`}`,
  );
  if (!check.ok) failed = true;
}

for (const wl of CASES) {
  const kase = makeCase(wl);
  if (wl.cell === "lstm") {
    const ortOuts = await ortRun(wl, kase, 1);
    const tfOuts = fromTfjs(wl, kase);
    record("ORT vs tfjs-layers", wl, compareOutputs(wl, asReference(wl, tfOuts), ortOuts, TOLERANCE));
    record("ORT vs float64", wl, compareOutputs(wl, reference(wl, kase), ortOuts, TOLERANCE));
    record("tfjs-layers vs float64", wl, compareOutputs(wl, reference(wl, kase), tfOuts, TOLERANCE));
  } else {
    const plain = withoutRecurrentBias(kase);
    const ortBefore = await ortRun(wl, plain, 0);
    const tfOuts = fromTfjs(wl, plain);
    record(
      "ORT linear_before_reset=0 vs tfjs-layers reset_after=false",
      wl,
      compareOutputs(wl, asReference(wl, tfOuts), ortBefore, TOLERANCE),
    );
    record(
      "tfjs-layers reset_after=false vs float64",
      wl,
      compareOutputs(wl, reference(wl, plain, { gruResetAfter: false }), tfOuts, TOLERANCE),
    );
    const ortAfter = await ortRun(wl, kase, 1);
    record("ORT linear_before_reset=1 vs float64 reset_after=true", wl, compareOutputs(wl, reference(wl, kase), ortAfter, TOLERANCE));
  }
}

console.log(`cross-check (tolerance ${TOLERANCE}): ${failed ? "FAILED" : "ORT == tfjs-layers == float64 reference"}`);
for (const l of lines) console.log(l);
if (failed) process.exit(1);

// Runtime-benchmark workloads: their definitions, a seeded RNG, the data every engine runs on, and
// a float64 reference (the Keras equations, KERAS-SEMANTICS.md §3) that every engine's output is
// checked against before it is timed. Every engine process regenerates the same data from the seeds.

/** The workloads of the issue. `cell` is Keras's; GRU is Keras's default reset_after=true. */
export const WORKLOADS = [
  { id: "S", cell: "lstm", bidirectional: true, B: 1, T: 4, F: 5, units: 3, seq: true, state: true },
  { id: "M-lstm", cell: "lstm", bidirectional: false, B: 32, T: 50, F: 64, units: 128, seq: true, state: false },
  { id: "M-gru", cell: "gru", bidirectional: false, B: 32, T: 50, F: 64, units: 128, seq: true, state: false },
  { id: "L", cell: "lstm", bidirectional: false, B: 64, T: 100, F: 256, units: 512, seq: false, state: false },
  { id: "B1", cell: "lstm", bidirectional: false, B: 1, T: 200, F: 128, units: 256, seq: false, state: false },
];

/**
 * How many batch rows the float64 reference computes (rows are independent, so a prefix of the batch
 * is an exact check of those rows). L's full reference would be ~10 G multiply-adds in JS.
 */
const REFERENCE_ROWS = { L: 4 };

/** `BENCH_ONLY=S,M`: a name selects the workload with that id or the id's family (`M` = M-lstm, M-gru). */
export function selectWorkloads(only) {
  if (!only) return WORKLOADS;
  const wanted = only
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = wanted.filter((w) => !WORKLOADS.some((wl) => wl.id === w || wl.id.split("-")[0] === w));
  if (unknown.length > 0)
    throw new Error(`BENCH_ONLY: unknown workload(s) ${unknown.join(", ")}; known: ${WORKLOADS.map((w) => w.id).join(", ")}`);
  return WORKLOADS.filter((wl) => wanted.some((w) => wl.id === w || wl.id.split("-")[0] === w));
}

export function findWorkload(id) {
  const wl = WORKLOADS.find((w) => w.id === id);
  if (!wl) throw new Error(`unknown workload ${id}`);
  return wl;
}

/** The .rnn source of a workload: one model named after it, one recurrent layer named "l" (or "b"). */
export function rnnSource(wl) {
  const name = wl.id.replace(/[^A-Za-z0-9]/g, "_");
  const flags = [wl.seq ? "seq=true" : "", wl.state ? "state=true" : ""].filter(Boolean);
  const kind = (wl.bidirectional ? "bi" : "") + wl.cell;
  const layerName = wl.bidirectional ? "b" : "l";
  const call = `${kind}(${[wl.units, ...flags, `name="${layerName}"`].join(", ")})(x)`;
  const lines = [`model ${name}(x: [${wl.B}, ${wl.T}, ${wl.F}]) {`];
  if (wl.state) {
    const outs = ["y"];
    const dirs = wl.bidirectional ? ["f", "b"] : [""];
    for (const d of dirs) outs.push(`${d}h`, ...(wl.cell === "lstm" ? [`${d}c`] : []));
    lines.push(`  ${outs.join(", ")} = ${call}`, `  return ${outs.join(", ")}`);
  } else {
    lines.push(`  return ${call}`);
  }
  lines.push("}", "");
  return { name, layerName, text: lines.join("\n") };
}

// ---------------------------------------------------------------------------------------------
// Seeded RNG

/** mulberry32: a small, fast, well-distributed 32-bit generator. Returns floats in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fixed seed per workload id (FNV-1a of the id), so that every process makes the same data. */
export function seedOf(id) {
  let h = 0x811c9dc5;
  for (const ch of id) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

function uniform(next, n, lo, hi) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

const GATES = { lstm: 4, gru: 3 };

/**
 * The data of a workload: the input `x` `[B,T,F]` (uniform in [-1, 1]) and, per direction, Keras
 * `get_weights()` tensors (uniform in [-0.1, 0.1]): kernel `[F, G·u]`, recurrent `[u, G·u]`, bias
 * `[G·u]` (`[2, 3u]` for GRU reset_after=true: row 0 input bias, row 1 recurrent bias).
 */
export function makeCase(wl) {
  const next = rng(seedOf(wl.id));
  const G = GATES[wl.cell];
  const width = G * wl.units;
  const directions = [];
  for (let d = 0; d < (wl.bidirectional ? 2 : 1); d++) {
    const kernel = { shape: [wl.F, width], data: uniform(next, wl.F * width, -0.1, 0.1) };
    const recurrent = { shape: [wl.units, width], data: uniform(next, wl.units * width, -0.1, 0.1) };
    const bias =
      wl.cell === "gru"
        ? { shape: [2, width], data: uniform(next, 2 * width, -0.1, 0.1) }
        : { shape: [width], data: uniform(next, width, -0.1, 0.1) };
    directions.push({ kernel, recurrent, bias });
  }
  const x = { shape: [wl.B, wl.T, wl.F], data: uniform(next, wl.B * wl.T * wl.F, -1, 1) };
  return { x, directions };
}

/** The flat Keras weight list of a layer: forward kernel, recurrent, bias, then the backward ones. */
export function kerasWeightList(kase) {
  return kase.directions.flatMap((d) => [d.kernel, d.recurrent, d.bias]);
}

/** The output shapes of a workload's model, in Keras order. */
export function outputShapes(wl) {
  const W = wl.bidirectional ? 2 * wl.units : wl.units;
  const out = wl.seq ? [wl.B, wl.T, W] : [wl.B, W];
  const shapes = [out];
  if (wl.state) {
    const S = wl.cell === "lstm" ? 2 : 1;
    for (let d = 0; d < (wl.bidirectional ? 2 : 1); d++) for (let s = 0; s < S; s++) shapes.push([wl.B, wl.units]);
  }
  return shapes;
}

// ---------------------------------------------------------------------------------------------
// float64 reference

const sigmoid = (v) => 1 / (1 + Math.exp(-v));

/**
 * One recurrent layer over batch rows [0, rows), in float64, by the Keras equations. Returns the
 * per-step outputs in processing order `[rows, T, u]`, and the final states (h, and c for LSTM).
 * `resetAfter=false` is tfjs-layers' GRU (bias `[3u]`); the GRU bias given is then row 0 only.
 */
function runCell(cell, dir, x, wl, rows, goBackwards, resetAfter) {
  const { T, F, units: u } = wl;
  const G = GATES[cell];
  const W = G * u;
  const K = dir.kernel.data;
  const R = dir.recurrent.data;
  const bIn = new Float64Array(W);
  const bRec = new Float64Array(W);
  for (let g = 0; g < W; g++) bIn[g] = dir.bias.data[g];
  if (cell === "gru" && resetAfter) for (let g = 0; g < W; g++) bRec[g] = dir.bias.data[W + g];
  const seq = new Float64Array(rows * T * u);
  const hs = new Float64Array(rows * u);
  const cs = new Float64Array(rows * u);
  const zx = new Float64Array(W);
  const zh = new Float64Array(W);
  for (let b = 0; b < rows; b++) {
    const h = new Float64Array(u);
    const c = new Float64Array(u);
    for (let step = 0; step < T; step++) {
      const t = goBackwards ? T - 1 - step : step;
      const xo = (b * T + t) * F;
      zx.set(bIn);
      for (let k = 0; k < F; k++) {
        const xk = x[xo + k];
        const ko = k * W;
        for (let g = 0; g < W; g++) zx[g] += xk * K[ko + g];
      }
      zh.set(bRec);
      if (cell === "lstm" || resetAfter) {
        for (let j = 0; j < u; j++) {
          const hj = h[j];
          const ro = j * W;
          for (let g = 0; g < W; g++) zh[g] += hj * R[ro + g];
        }
      }
      if (cell === "lstm") {
        for (let j = 0; j < u; j++) {
          const i = sigmoid(zx[j] + zh[j]);
          const f = sigmoid(zx[u + j] + zh[u + j]);
          const g = Math.tanh(zx[2 * u + j] + zh[2 * u + j]);
          const o = sigmoid(zx[3 * u + j] + zh[3 * u + j]);
          c[j] = f * c[j] + i * g;
          h[j] = o * Math.tanh(c[j]);
        }
      } else if (resetAfter) {
        for (let j = 0; j < u; j++) {
          const z = sigmoid(zx[j] + zh[j]);
          const r = sigmoid(zx[u + j] + zh[u + j]);
          const hh = Math.tanh(zx[2 * u + j] + r * zh[2 * u + j]);
          h[j] = z * h[j] + (1 - z) * hh;
        }
      } else {
        // reset before the matmul: z, r from h₋@R[:, :2u]; the candidate from (r*h₋)@R[:, 2u:].
        for (let j = 0; j < u; j++) {
          const hj = h[j];
          const ro = j * W;
          for (let g = 0; g < 2 * u; g++) zh[g] += hj * R[ro + g];
        }
        const z = new Float64Array(u);
        const rh = new Float64Array(u);
        for (let j = 0; j < u; j++) {
          z[j] = sigmoid(zx[j] + zh[j]);
          rh[j] = sigmoid(zx[u + j] + zh[u + j]) * h[j];
        }
        const cand = new Float64Array(u);
        for (let j = 0; j < u; j++) {
          const ro = j * W + 2 * u;
          for (let g = 0; g < u; g++) cand[g] += rh[j] * R[ro + g];
        }
        for (let j = 0; j < u; j++) h[j] = z[j] * h[j] + (1 - z[j]) * Math.tanh(zx[2 * u + j] + cand[j]);
      }
      seq.set(h, (b * T + step) * u);
    }
    hs.set(h, b * u);
    cs.set(c, b * u);
  }
  return { seq, h: hs, c: cs };
}

/**
 * The float64 reference outputs of a workload (Keras order, see `outputShapes`), for batch rows
 * [0, rows). `gruResetAfter=false` gives the tfjs-layers GRU variant.
 */
export function reference(wl, kase, { gruResetAfter = true } = {}) {
  const rows = Math.min(wl.B, REFERENCE_ROWS[wl.id] ?? wl.B);
  const { T, units: u } = wl;
  const x = kase.x.data;
  const fwd = runCell(wl.cell, kase.directions[0], x, wl, rows, false, gruResetAfter);
  const outs = [];
  if (!wl.bidirectional) {
    outs.push(wl.seq ? fwd.seq : fwd.h);
    if (wl.state) outs.push(fwd.h, ...(wl.cell === "lstm" ? [fwd.c] : []));
  } else {
    const bwd = runCell(wl.cell, kase.directions[1], x, wl, rows, true, gruResetAfter);
    // concat merge; with seq the backward sequence is flipped back to input order (§2).
    const y = new Float64Array(rows * (wl.seq ? T : 1) * 2 * u);
    for (let b = 0; b < rows; b++) {
      if (wl.seq) {
        for (let t = 0; t < T; t++) {
          const o = (b * T + t) * 2 * u;
          for (let j = 0; j < u; j++) {
            y[o + j] = fwd.seq[(b * T + t) * u + j];
            y[o + u + j] = bwd.seq[(b * T + (T - 1 - t)) * u + j];
          }
        }
      } else {
        for (let j = 0; j < u; j++) {
          y[b * 2 * u + j] = fwd.h[b * u + j];
          y[b * 2 * u + u + j] = bwd.h[b * u + j];
        }
      }
    }
    outs.push(y);
    if (wl.state) {
      const lstm = wl.cell === "lstm";
      outs.push(fwd.h, ...(lstm ? [fwd.c] : []), bwd.h, ...(lstm ? [bwd.c] : []));
    }
  }
  return { rows, outputs: outs };
}

/**
 * Compares an engine's outputs (Keras order, each a TensorData-like `{shape, data}` over the full
 * batch) with the reference on its rows. Returns `{ ok, maxAbsErr, message }`.
 */
export function compareOutputs(wl, ref, outputs, tolerance = 1e-4) {
  const shapes = outputShapes(wl);
  if (outputs.length !== shapes.length)
    return { ok: false, maxAbsErr: NaN, message: `${outputs.length} outputs, expected ${shapes.length}` };
  let maxAbsErr = 0;
  for (let k = 0; k < shapes.length; k++) {
    const want = shapes[k];
    const got = outputs[k];
    const size = want.reduce((a, b) => a * b, 1);
    if (got.data.length !== size)
      return { ok: false, maxAbsErr: NaN, message: `output ${k}: ${got.data.length} values, expected [${want.join(",")}]` };
    if (got.shape && got.shape.reduce((a, b) => a * b, 1) !== size)
      return { ok: false, maxAbsErr: NaN, message: `output ${k}: shape [${got.shape.join(",")}], expected [${want.join(",")}]` };
    const perRow = size / wl.B;
    const r = ref.outputs[k];
    for (let i = 0; i < ref.rows * perRow; i++) {
      const e = Math.abs(got.data[i] - r[i]);
      if (!(e <= maxAbsErr)) maxAbsErr = Number.isNaN(e) ? Infinity : e;
    }
  }
  const ok = maxAbsErr <= tolerance;
  return { ok, maxAbsErr, message: ok ? "" : `max |Δ| ${maxAbsErr.toExponential(2)} > ${tolerance}` };
}

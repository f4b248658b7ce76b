// The recurrent loop as JavaScript text, rendered from the cell's facts (ir/cells.ts) for one op: its
// cell, activations, direction, mask and outputs decided here, its batch, steps and units written as
// literals (or the emitter's dim variables). The CPU backend instantiates this text (recurrent.ts)
// and the emitter writes it into compiled modules: one text, so a compiled model gives the
// interpreter's numbers by construction.
//
// Step t's gates are worked on where they are, in the projected input x·K + b [B, T, G·u] (row b at
// (b·T + t)·G·u), when the op is its only reader; otherwise in a copy made once per run. Per step:
// h·R into the gates, the gates' activations, the state update, Keras's TensorFlow-backend masking.
import { activates, CELLS, gateActivation, gateCount, gateIndex, gatesRead, type Update } from "../../../ir/cells.js";
import type { RecurrentOp } from "../../../ir/graph.js";
import type { Activation } from "../../../types/activations.js";
import { copy, fill, inPlace, loop, matmulCode, scalar, type Runtime } from "./js-code.js";

/** Below this many units a recurrent step keeps the float64 loop (see renderRecurrent). */
export const MIN_SIMD_UNITS = 4;

/** A scratch buffer's length in floats: per sample (times the batch), fixed, or as long as the projected input. */
export type ScratchLength = { perSample: number } | { floats: number } | "projection";

/** Where the text goes: a compiled module's plan, or the CPU backend's. */
export interface RecurrentTarget {
  rt: Runtime;
  /** Declares an f32 scratch buffer; returns its name. */
  scratch(id: string, length: ScratchLength, comment: string): string;
  /** Declares the constant weight `weight` [k, n] laid out for the SIMD matmul once per plan; returns its name. */
  packed(id: string, weight: string, k: number, n: number): string;
  /** Statements run once per plan, after the weights are in place. */
  readonly setup: string[];
}

/** One recurrent op where it runs: the names of its buffers (undefined: absent, or nobody reads it). */
export interface RecurrentSite {
  op: RecurrentOp;
  /** Code for the batch and step counts. */
  batch: string;
  steps: string;
  /** The projected input [B, T, G·u]. */
  projected: string;
  recurrentKernel: string;
  recurrentBias?: string;
  mask?: string;
  h0?: string;
  c0?: string;
  output?: string;
  h?: string;
  c?: string;
  /** Whether the projected input is read by this op alone (its gates are then worked on in place). */
  ownsProjection: boolean;
  /** Appended to scratch names, to keep several ops' apart. */
  suffix: string;
}

/** The statements that run one recurrent op (its one-off work goes to `target.setup`). */
export function renderRecurrent(target: RecurrentTarget, site: RecurrentSite): string[] {
  const { op, suffix, batch: B, steps: T, mask } = site;
  const { rt } = target;
  if (!op.projected) throw new Error("recurrent ops run after the hoisting pass");
  const facts = CELLS[op.cell];
  const u = op.units;
  const W = gateCount(op.cell) * u;
  const column = (name: string) => gateIndex(op.cell, name) * u;
  const kernel = site.recurrentKernel;
  const gruBefore = facts.reset !== undefined && !op.resetAfter;
  const g = site.ownsProjection
    ? site.projected
    : target.scratch(`gates${suffix}`, "projection", "the projected input, worked on in place");
  const h = target.scratch(`h${suffix}`, { perSample: u }, "state h");
  const c = facts.states.includes("c") ? target.scratch(`c${suffix}`, { perSample: u }, "state c") : "";
  const resetAfter = facts.reset !== undefined && op.resetAfter;
  const part = resetAfter ? target.scratch(`part${suffix}`, { perSample: W }, "h·R (+ recurrent bias), kept apart for the reset gate") : "";
  const prev = target.scratch(`prev${suffix}`, { perSample: u }, "the previous step's output");
  const stateBuffer: Record<string, string> = { h, c };

  // GRU reset_after=false: R [u, G·u] split into the columns before the candidate's and the candidate's.
  let packed = "";
  let packedBefore = "";
  let packedCandidate = "";
  let kernelBefore = "";
  let kernelCandidate = "";
  let resetState = "";
  if (gruBefore) {
    const cand = column(facts.reset!.candidate);
    if (cand !== W - u) throw new Error("the reset gate's candidate is the last gate block");
    resetState = target.scratch(`reset${suffix}`, { perSample: u }, "r ∘ h");
    kernelBefore = target.scratch(`kernelZr${suffix}`, { floats: u * cand }, "R's columns before the candidate's");
    kernelCandidate = target.scratch(`kernelH${suffix}`, { floats: u * u }, "R's candidate columns");
    target.setup.push(
      `// R [${u},${W}] split into the columns before the candidate's and the candidate's.`,
      ...loop("i", String(u), [
        `${kernelBefore}.set(${kernel}.subarray(i * ${W}, i * ${W} + ${cand}), i * ${cand});`,
        `${kernelCandidate}.set(${kernel}.subarray(i * ${W} + ${cand}, (i + 1) * ${W}), i * ${u});`,
      ]),
    );
    packedBefore = target.packed(`packedZr${suffix}`, kernelBefore, u, cand);
    packedCandidate = target.packed(`packedH${suffix}`, kernelCandidate, u, u);
  } else {
    packed = target.packed(`packed${suffix}`, kernel, u, W);
  }

  // Softmax is not element-wise: with it, activations run over whole gate blocks (as Keras does),
  // and the scalar ones are the identity.
  const blockwise = op.activation === "softmax" || op.recurrentActivation === "softmax";
  const act = (fn: Activation, v: string) => (blockwise ? v : scalar(rt, fn, v));
  const gateAct = (name: string) => gateActivation(op, facts.gates[gateIndex(op.cell, name)]!);
  /** Unit j of the gate block at column `at` of sample b's gates. */
  const gate = (at: number) => (at === 0 ? `${g}[gz + j]` : `${g}[gz + ${at} + j]`);
  /** Sample b's gates at step t: where its row starts. */
  const gz = `const gz = (b * ${T} + t) * ${W};`;
  const activateBlock = (fn: Activation, at: number) =>
    loop("b", B, inPlace(rt, fn, g, `(b * ${T} + t) * ${W} + ${at}`, String(u), String(u)));
  /** step t's gates (+)= a [B, u] · w [u, n], into columns `at` of every sample's row. */
  const rowStride = /^\d+$/.test(T) ? String(Number(T) * W) : `${T} * ${W}`;
  const intoGates = (a: string, w: string, n: number, at: number, p: string) =>
    matmulCode(a, "0", String(u), B, String(u), w, String(n), g, at === 0 ? `t * ${W}` : `t * ${W} + ${at}`, rowStride, p);
  /** Per sample: the cell's update where the mask keeps the step, else the masked-step rule. */
  const perSample = (body: string[]) => {
    const masked = op.zeroOutputForMask ? fill(prev, "0", String(u), `b * ${u}`) : [];
    if (!mask) return loop("b", B, body);
    return loop("b", B, [
      `if (${mask}[b * ${T} + t] !== 0) {`,
      ...body,
      ...(masked.length > 0 ? ["} else {", "// A masked step: the state stays, the output is zeros.", ...masked] : []),
      "}",
    ]);
  };

  // Keras's default activations (tanh, and sigmoid for the gates) with the gate blocks in Keras's
  // order: the arena's SIMD step kernels apply, where it has them (float32 lanes, the same formulas;
  // within the parity tolerance of the float64 loop, which stays as the fallback). Masked or not, and
  // any units from 4 (the kernels take those past a multiple of 4 lane by lane): a layer of fewer
  // gains nothing measurable from SIMD, and the float64 loop prints Keras's float32 digits exactly
  // where float32 lanes can land an ulp off (the README's seed, u = 3: 0.6303139 vs 0.630314).
  const kerasActivations = !blockwise && op.activation === "tanh" && (op.cell === "simple_rnn" || op.recurrentActivation === "sigmoid");
  const simdCell = kerasActivations && u >= MIN_SIMD_UNITS && facts.gates.every((each, i) => column(each.name) === i * u);
  /** The kernels' last arguments: the mask, step t's entry, the batch stride, whether masked outputs are zeros. */
  const maskArgs = mask ? `${mask}, t, ${T}, ${op.zeroOutputForMask}` : "undefined, 0, 0, false";
  /** The arena's SIMD kernel `name` called with `args` where it has it, else `js`. */
  const simdOr = (name: string, args: string, js: string[]) => [
    `if (arena.${name} !== undefined) {`,
    `arena.${name}(${args});`,
    "} else {",
    ...js,
    "}",
  ];

  const step: string[] = [];
  /** Where the JavaScript a GRU's SIMD step replaces starts (after h·R), or -1. */
  let gruFrom = -1;
  // h·R into the gates; for a reset gate, the candidate's part kept apart (after) or left out (before).
  if (resetAfter) {
    const cand = column(facts.reset!.candidate);
    step.push(
      ...loop("b", B, site.recurrentBias ? copy(part, site.recurrentBias, String(W), `b * ${W}`) : fill(part, "0", String(W), `b * ${W}`)),
      matmulCode(h, "0", String(u), B, String(u), kernel, String(W), part, "0", String(W), packed),
    );
    gruFrom = step.length;
    step.push(...loop("b", B, [gz, ...loop("j", String(cand), [`${g}[gz + j] = ${g}[gz + j] + ${part}[b * ${W} + j];`])]));
  } else if (gruBefore) {
    step.push(intoGates(h, kernelBefore, column(facts.reset!.candidate), 0, packedBefore));
  } else {
    step.push(intoGates(h, kernel, W, 0, packed));
  }
  const candidate = facts.reset?.candidate;
  if (blockwise)
    for (const each of facts.gates) if (each.name !== candidate) step.push(...activateBlock(gateActivation(op, each), column(each.name)));
  if (facts.reset) {
    const { gate: r, candidate: cand } = facts.reset;
    const reset = act(gateAct(r), gate(column(r)));
    if (resetAfter) {
      // ĥ's pre-activation: x_h + r ∘ (h·R_h + b_rec,h).
      step.push(
        ...loop("b", B, [
          gz,
          ...loop("j", String(u), [
            `const z = gz + ${column(cand)} + j;`,
            `${g}[z] = ${g}[z] + ${reset} * ${part}[b * ${W} + ${column(cand)} + j];`,
          ]),
        ]),
      );
    } else {
      // ĥ's pre-activation: x_h + (r ∘ h)·R_h; r ∘ h in the arena's SIMD where the update below has it too.
      const js = loop("b", B, [gz, ...loop("j", String(u), [`${resetState}[b * ${u} + j] = ${reset} * ${h}[b * ${u} + j];`])]);
      step.push(
        ...(simdCell ? simdOr("gruReset", `${g}, t * ${W}, ${rowStride}, ${h}, ${resetState}, ${u}, ${B}`, js) : js),
        intoGates(resetState, kernelCandidate, u, column(cand), packedCandidate),
      );
    }
    if (blockwise) step.push(...activateBlock(gateAct(cand), column(cand)));
  }

  // The state update, per unit. An activation of an updated state (LSTM's φ(c')) is written inline
  // with Keras's default activations and no mask; otherwise the activated state goes through the
  // output buffer first (block-wise with softmax), and what reads it follows in a second loop.
  const inline = !blockwise && op.activation === "tanh" && op.recurrentActivation === "sigmoid" && !mask;
  const updates = facts.update;
  const split = inline ? -1 : updates.findIndex((x) => activates(x.value));
  const bindGates = (values: Update[]) =>
    [...new Set(values.flatMap(gatesRead))].map((name) => `const ${name}Gate = ${act(gateAct(name), gate(column(name)))};`);
  const render = (value: Update, activated: string | undefined): string => {
    if ("gate" in value) return `${value.gate}Gate`;
    if ("state" in value) return `${stateBuffer[value.state]}[s]`;
    if ("updated" in value) return `${value.updated}New`;
    if ("activate" in value) return activated ?? act(op.activation, render(value.activate, undefined));
    if ("add" in value) return `${render(value.add[0], activated)} + ${render(value.add[1], activated)}`;
    if ("mul" in value) return `${operand(render(value.mul[0], activated))} * ${operand(render(value.mul[1], activated))}`;
    const [z, a, b] = value.mix.map((x) => operand(render(x, activated)));
    return `${z} * ${a} + (1 - ${z}) * ${b}`;
  };
  const store = (name: string, value: Update, activated?: string) => {
    const lines = [`const ${name}New = ${render(value, activated)};`, `${stateBuffer[name]}[s] = ${name}New;`];
    return name === facts.states[0] ? [...lines, `${prev}[s] = ${name}New;`] : lines;
  };
  const unit = ["const s = b * " + u + " + j;"];
  let units: string[];
  if (split < 0) {
    units = perSample([
      gz,
      ...loop("j", String(u), [...unit, ...bindGates(updates.map((x) => x.value)), ...updates.flatMap((x) => store(x.state, x.value))]),
    ]);
  } else {
    // Updates before the one that activates a state, then the activated state into the output buffer.
    const first = updates.slice(0, split);
    const later = updates.slice(split);
    const activated = findActivate(later[0]!.value)!;
    units = perSample([
      gz,
      ...loop("j", String(u), [
        ...unit,
        ...bindGates(first.map((x) => x.value)),
        ...first.flatMap((x) => store(x.state, x.value)),
        `${prev}[s] = ${act(op.activation, render(activated, undefined))};`,
      ]),
      ...(blockwise ? inPlace(rt, op.activation, prev, `b * ${u}`, String(u), String(u)) : []),
      ...loop("j", String(u), [
        ...unit,
        ...bindGates(later.map((x) => x.value)),
        ...later.flatMap((x) => store(x.state, x.value, `${prev}[s]`)),
      ]),
    ]);
  }
  const gates = `${g}, t * ${W}, ${rowStride}`;
  if (simdCell && op.cell === "lstm") step.push(...simdOr("lstmGates", `${gates}, ${c}, ${h}, ${prev}, ${u}, ${B}, ${maskArgs}`, units));
  else if (simdCell && resetAfter && gruFrom >= 0)
    // From h·R on: the reset gate's and the update's work, h·R (+ recurrent bias) kept apart in `part`.
    step.push(...simdOr("gruGates", `${gates}, ${part}, ${h}, ${prev}, ${u}, ${B}, ${maskArgs}`, [...step.splice(gruFrom), ...units]));
  else if (simdCell && gruBefore) step.push(...simdOr("gruUpdate", `${gates}, ${h}, ${prev}, ${u}, ${B}, ${maskArgs}`, units));
  else if (simdCell && op.cell === "simple_rnn")
    step.push(...simdOr("rnnGates", `${gates}, ${h}, ${prev}, ${u}, ${B}, ${maskArgs}`, units));
  else step.push(...units);
  if (site.output && op.returnSequences) {
    // Step t's output at position t when the sequence is in time order (Bidirectional's backward copy), else at `step`.
    const position = op.goBackwards && op.sequenceInTimeOrder ? "t" : "step";
    step.push(...loop("b", B, copy(site.output, prev, String(u), `(b * ${T} + ${position}) * ${u}`, `b * ${u}`)));
  }

  const stateSize = /^\d+$/.test(B) ? String(Number(B) * u) : `${B} * ${u}`;
  return [
    ...(g === site.projected
      ? []
      : copy(g, site.projected, /^\d+$/.test(B) && /^\d+$/.test(T) ? String(Number(B) * Number(T) * W) : `${B} * ${T} * ${W}`)),
    ...(site.h0 ? copy(h, site.h0, stateSize) : fill(h, "0", stateSize, "0", true)),
    ...(c ? (site.c0 ? copy(c, site.c0, stateSize) : fill(c, "0", stateSize, "0", true)) : []),
    // The previous output starts at zeros (Keras), or at a stateful layer's carried h (chunks then equal the whole).
    ...(op.outputStartsAtState && site.h0 ? copy(prev, site.h0, stateSize) : fill(prev, "0", stateSize, "0", true)),
    ...loop("step", T, [`const t = ${op.goBackwards ? `${T} - 1 - step` : "step"};`, ...step]),
    ...(site.output && !op.returnSequences ? copy(site.output, prev, stateSize) : []),
    ...(site.h ? copy(site.h, h, stateSize) : []),
    ...(site.c && c ? copy(site.c, c, stateSize) : []),
  ];
}

/** The argument of the first activation in an update. */
function findActivate(value: Update): Update | undefined {
  if ("activate" in value) return value.activate;
  if ("gate" in value || "state" in value || "updated" in value) return undefined;
  const parts = "add" in value ? value.add : "mul" in value ? value.mul : value.mix;
  for (const p of parts) {
    const found = findActivate(p);
    if (found) return found;
  }
  return undefined;
}

/** An expression as an operand of `*`: parenthesised unless it is a name, an element or a call. */
function operand(x: string): string {
  return /^[\w$]+(\[[^\]]*\])?$/.test(x) || /^[\w$]+\([^()]*\)$/.test(x) ? x : `(${x})`;
}

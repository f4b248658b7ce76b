// The JavaScript text the CPU backend and the emitter run (backends/cpu/kernels/js-code.ts): its
// activations give activations.ts's numbers bit for bit, and the recurrent step text follows the
// cell facts of ir/cells.ts.
import { describe, expect, it } from "vitest";
import { activateInPlace, fastExp, hardSigmoid } from "../../src/backends/cpu/kernels/activations.js";
import { scalar, type RuntimeName } from "../../src/backends/cpu/kernels/js-code.js";
import { renderRecurrent } from "../../src/backends/cpu/kernels/recurrent-code.js";
import { CELLS, gateCount } from "../../src/ir/cells.js";
import type { RecurrentOp } from "../../src/ir/graph.js";
import type { Activation } from "../../src/types/activations.js";
import { recurrentOp } from "./recurrent-op.js";

const rt = (name: RuntimeName) => `$${name}`;
const points = Array.from({ length: 4001 }, (_, i) => (i - 2000) / 37).filter((x) => !Object.is(x, -0));

describe("scalar activation text", () => {
  for (const fn of ["tanh", "sigmoid", "hard_sigmoid", "relu", "linear"] as Activation[]) {
    it(`${fn}: the text's value, stored as float32, is activateInPlace's`, () => {
      const f = new Function("$fastExp", "$hardSigmoid", "x", `return ${scalar(rt, fn, "x")};`) as (...a: unknown[]) => number;
      const kernel = Float32Array.from(points);
      activateInPlace(fn, kernel, 0, kernel.length, kernel.length);
      points.forEach((x, i) => {
        const text = Math.fround(f(fastExp, hardSigmoid, Math.fround(x)));
        expect(Object.is(text, kernel[i]), `${fn}(${x})`).toBe(true);
      });
    });
  }
});

describe("recurrent step text", () => {
  const render = (o: RecurrentOp) => {
    const scratch: string[] = [];
    const setup: string[] = [];
    const body = renderRecurrent(
      { rt, scratch: (id) => (scratch.push(id), id), packed: (id) => id, setup },
      { op: o, batch: "2", steps: "5", projected: "p", recurrentKernel: "r", output: "y", h: "hOut", ownsProjection: true, suffix: "" },
    ).join("\n");
    return { body, scratch };
  };

  for (const cell of ["simple_rnn", "gru", "lstm"] as const) {
    it(`${cell}: one state buffer per state of the cell, and a row of ${gateCount(cell)} gate blocks`, () => {
      const { body, scratch } = render(recurrentOp(cell));
      for (const state of CELLS[cell].states) expect(scratch).toContain(state);
      expect(body).toContain(`* ${gateCount(cell) * 3}`);
    });
  }

  it("a backwards op writes step t's output at position t only when its sequence is in time order", () => {
    const processing = render(recurrentOp("lstm", { goBackwards: true })).body;
    const timeOrder = render(recurrentOp("lstm", { goBackwards: true, sequenceInTimeOrder: true })).body;
    expect(processing).toContain("(b * 5 + step) * 3");
    expect(timeOrder).toContain("(b * 5 + t) * 3");
    expect(timeOrder).not.toContain("(b * 5 + step) * 3");
  });
});

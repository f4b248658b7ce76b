// A recurrent op as the hoisting pass leaves it (its projection done), with Keras's defaults: what
// the step-text tests render, a setting at a time overridden by `extra`.
import { CELLS } from "../../src/ir/cells.js";
import type { RecurrentOp } from "../../src/ir/graph.js";

export function recurrentOp(cell: RecurrentOp["cell"], extra: Partial<RecurrentOp> = {}): RecurrentOp {
  return {
    kind: "recurrent",
    cell,
    units: 3,
    goBackwards: false,
    returnSequences: true,
    activation: "tanh",
    recurrentActivation: "sigmoid",
    resetAfter: cell === "gru",
    zeroOutputForMask: false,
    projected: true,
    sequenceInTimeOrder: false,
    pair: undefined,
    used: [true, ...CELLS[cell].states.map(() => true)],
    inputNames: ["x", "recurrentKernel"],
    ...extra,
  };
}

// The states a stateful model carries from one call to the next (LANGUAGE.md §9). The graph reads
// them from its last inputs and returns their new values after the model's outputs (Graph.states);
// whoever runs it — loadModel on either backend, a compiled module — keeps them here between calls.
// `run` starts from zeros and leaves them as they are; `step` starts from them and keeps the new ones.
import type { TensorData } from "../types/tensor-data.js";
import type { TensorInput } from "./inputs.js";

/** One carried state: the graph input it goes in, and its shape `[batch, units]`. */
export interface CarriedStateSpec {
  name: string;
  shape: readonly number[];
}

export class CarriedStates {
  private readonly carried: TensorData[];
  private readonly zeros: TensorData[];

  /** `outputCount`: the model's own outputs, which come before the states' new values. */
  constructor(
    private readonly specs: readonly CarriedStateSpec[],
    private readonly outputCount: number,
  ) {
    const zeros = () => specs.map((s) => ({ shape: [...s.shape], data: new Float32Array(s.shape.reduce((a, b) => a * b, 1)) }));
    this.carried = zeros();
    this.zeros = zeros();
  }

  /** The inputs of a call: the caller's, and each state, carried (`step`) or zeros (`run`). */
  inputs(given: Readonly<Record<string, TensorInput>>, carried: boolean): Readonly<Record<string, TensorInput>> {
    if (this.specs.length === 0) return given;
    const states = carried ? this.carried : this.zeros;
    const all: Record<string, TensorInput> = typeof given === "object" && given !== null ? { ...given } : {};
    this.specs.forEach((s, i) => (all[s.name] = states[i]!));
    return all;
  }

  /** The model's outputs of a call; with `keep`, the states it ended in are carried to the next step. */
  outputs(all: TensorData[], keep: boolean): TensorData[] {
    if (this.specs.length === 0) return all;
    if (keep) this.carried.forEach((state, i) => state.data.set(all[this.outputCount + i]!.data as Float32Array));
    return all.slice(0, this.outputCount);
  }

  /** Every state back to zeros (Keras's `reset_states()`). */
  reset(): void {
    for (const state of this.carried) state.data.fill(0);
  }
}

// Dropout: the identity at inference; kept so that Keras models transcribe one to one.
import type { LayerDefinition } from "./layer.js";
import { nameParam } from "./recurrent.js";

export interface DropoutConfig {
  rate: number;
}

export const dropoutLayer: LayerDefinition<DropoutConfig> = {
  name: "dropout",
  aliases: ["Dropout"],
  kerasClass: "Dropout",
  autoName: "dropout",
  doc: "Randomly zeroes a fraction `rate` of its input while training; the identity at inference, which is all rnnc runs. No params.",
  params: [
    { name: "rate", kind: "rate", positional: true, required: true, doc: "The fraction of inputs dropped while training, in [0, 1)." },
    nameParam,
  ],
  callKeywords: [],
  inputs: { min: 1, max: 1 },
  configure: (args) => ({ rate: args.get("rate") as number }),
  apply: (_layer, args) => ({ items: [{ type: args.inputs[0]!.type, mask: args.inputs[0]!.mask, label: "output" }], tuple: false }),
  weights: () => [],
  initialWeights: () => [],
  // The identity at inference: no op at all.
  lower: (_layer, args) => [args.inputs[0]!],
  describe: (c) => `dropout(${c.rate})`,
};

// The recurrent layers' Keras keywords that change training or speed but never what inference
// computes (LANGUAGE.md §7): accepted so that a Keras model's constructor call can be written as it
// is, and said to have no effect. `time_major=true` would change the input layout: refused.
import type { ParamSpec } from "./layer.js";

/** Keras's regularizer and constraint names (their functional and class spellings' snake case). */
export const REGULARIZERS = ["l1", "l2", "l1_l2", "orthogonal_regularizer"] as const;
export const CONSTRAINTS = ["max_norm", "min_max_norm", "non_neg", "unit_norm", "radial_constraint"] as const;

const NO_EFFECT = "Accepted for Keras compatibility; no effect at inference.";

const regularizer = (name: string, of: string): ParamSpec => ({
  name,
  kind: "regularizer",
  default: "none",
  doc: `Keras \`${name}\`: a penalty on ${of} while training (\`l1(0.01)\`, \`l2(0.01)\`, \`l1_l2(l1=…, l2=…)\`, \`none\`). ${NO_EFFECT}`,
});

const constraint = (name: string, of: string): ParamSpec => ({
  name,
  kind: "constraint",
  default: "none",
  doc: `Keras \`${name}\`: a constraint on ${of} after each training update (\`max_norm(2)\`, \`non_neg\`, \`unit_norm\`, \`none\`). ${NO_EFFECT}`,
});

/** The keywords every recurrent layer (and its bidirectional shorthand) accepts without effect. */
export const trainingOnlyParams: readonly ParamSpec[] = [
  { name: "dropout", kind: "rate", default: 0, doc: `Input dropout rate while training. ${NO_EFFECT}` },
  { name: "recurrent_dropout", kind: "rate", default: 0, doc: `Recurrent dropout rate while training. ${NO_EFFECT}` },
  regularizer("kernel_regularizer", "the input kernel"),
  regularizer("recurrent_regularizer", "the recurrent kernel"),
  regularizer("bias_regularizer", "the bias"),
  regularizer("activity_regularizer", "the layer's output"),
  constraint("kernel_constraint", "the input kernel"),
  constraint("recurrent_constraint", "the recurrent kernel"),
  constraint("bias_constraint", "the bias"),
  {
    name: "unroll",
    kind: "bool",
    default: false,
    doc: `Keras \`unroll\`: unroll the time loop into a graph (faster for short sequences, in Keras). ${NO_EFFECT}`,
  },
  {
    name: "implementation",
    kind: "int",
    default: 2,
    doc: `Keras \`implementation\`: 1 (many small matmuls) or 2 (fused), the same formula. ${NO_EFFECT}`,
  },
  {
    name: "time_major",
    kind: "bool",
    default: false,
    doc: "Keras 2 `time_major`: only `false` (inputs `[B,T,F]`, batch first) is supported; `true` ([T,B,F]) is an error.",
  },
];

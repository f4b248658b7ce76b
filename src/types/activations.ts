// The activations of LANGUAGE.md. `hard_sigmoid` is clip(0.2x + 0.5, 0, 1): tf.keras 2's and tfjs's
// definition (Keras 3 changed it to x/6 + 0.5; rnnc keeps the TF2 one its contract names).

export const ACTIVATIONS = ["tanh", "sigmoid", "relu", "softmax", "linear", "hard_sigmoid"] as const;

export type Activation = (typeof ACTIVATIONS)[number];

export const ACTIVATION_DOCS: Record<Activation, string> = {
  tanh: "Hyperbolic tangent, in (-1, 1). Keras's default `activation` for recurrent layers.",
  sigmoid: "1 / (1 + exp(-x)), in (0, 1). Keras's default `recurrent_activation` (tfjs-layers defaults to hard_sigmoid).",
  relu: "max(x, 0).",
  softmax: "exp(x) / sum(exp(x)) over the last axis.",
  linear: "The identity. `None` means linear, as in Keras.",
  hard_sigmoid: "clip(0.2x + 0.5, 0, 1): the tf.keras 2 and tfjs definition.",
};

/** Accepts the names and Keras's spellings of "no activation". */
export function parseActivation(name: string): Activation | undefined {
  if (name === "None" || name === "none" || name === "null") return "linear";
  return (ACTIVATIONS as readonly string[]).includes(name) ? (name as Activation) : undefined;
}

// The activations of LANGUAGE.md. `hard_sigmoid` depends on the file's edition (§6): under keras 2
// it is clip(0.2x + 0.5, 0, 1) (tf.keras 2's and tfjs's), under keras 3 relu6(x + 3) / 6 =
// clip(x/6 + 0.5, 0, 1). The checker resolves the name once, so the graph and every backend see
// `hard_sigmoid3` for Keras 3's and never consult the edition.
import type { Edition } from "./edition.js";

/** The names a source may write. */
export const ACTIVATIONS = ["tanh", "sigmoid", "relu", "softmax", "linear", "hard_sigmoid"] as const;

export type ActivationName = (typeof ACTIVATIONS)[number];

/** What the graph computes: a written name, or `hard_sigmoid3` (Keras 3's hard_sigmoid). */
export type Activation = ActivationName | "hard_sigmoid3";

export const ACTIVATION_DOCS: Record<ActivationName, string> = {
  tanh: "Hyperbolic tangent, in (-1, 1). Keras's default `activation` for recurrent layers.",
  sigmoid: "1 / (1 + exp(-x)), in (0, 1). Keras's default `recurrent_activation` (tfjs-layers defaults to hard_sigmoid).",
  relu: "max(x, 0).",
  softmax: "exp(x) / sum(exp(x)) over the last axis.",
  linear: "The identity. `None` means linear, as in Keras.",
  hard_sigmoid:
    "Under `keras 2` (the default) clip(0.2x + 0.5, 0, 1), the tf.keras 2 and tfjs definition; under `keras 3` relu6(x + 3) / 6 = clip(x/6 + 0.5, 0, 1).",
};

/** Accepts the names and Keras's spellings of "no activation"; `hard_sigmoid` is the edition's. */
export function parseActivation(name: string, edition: Edition): Activation | undefined {
  if (name === "None" || name === "none" || name === "null") return "linear";
  if (name === "hard_sigmoid" && edition === 3) return "hard_sigmoid3";
  return (ACTIVATIONS as readonly string[]).includes(name) ? (name as Activation) : undefined;
}

/** The name a source writes for an activation (`hard_sigmoid` for either edition's). */
export function activationName(fn: Activation): ActivationName {
  return fn === "hard_sigmoid3" ? "hard_sigmoid" : fn;
}

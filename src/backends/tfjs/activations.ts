// The activations as tfjs ops.
import type { Activation } from "../../types/activations.js";
import type { TfContext } from "./context.js";
import type { TfTensor } from "./tfjs-core.js";

/** Element-wise activations; softmax is not (it normalises over a block of units). */
export function isElementwise(fn: Activation): boolean {
  return fn !== "softmax";
}

/**
 * `fn(x)`. Softmax runs over the last axis, or over axis 0 of a 2-D `x` with `unitsFirst` (the
 * recurrent loop's transposed layout, [units, batch]).
 */
export function activate(ctx: TfContext, fn: Activation, x: TfTensor, unitsFirst = false): TfTensor {
  const { tf } = ctx;
  switch (fn) {
    case "linear":
      return x;
    case "tanh":
      return tf.tanh(x);
    case "sigmoid":
      return tf.sigmoid(x);
    case "relu":
      return tf.relu(x);
    case "hard_sigmoid":
      // clip(0.2x + 0.5, 0, 1), tf.keras 2's and tfjs's definition.
      return tf.clipByValue(tf.add(tf.mul(x, ctx.scalar(0.2)), ctx.scalar(0.5)), 0, 1);
    case "hard_sigmoid3":
      // relu6(x + 3) / 6, Keras 3's definition (the `keras 3` edition's hard_sigmoid).
      return tf.div(tf.clipByValue(tf.add(x, ctx.scalar(3)), 0, 6), ctx.scalar(6));
    case "softmax":
      return unitsFirst ? tf.transpose(tf.softmax(tf.transpose(x, [1, 0])), [1, 0]) : tf.softmax(x);
  }
}

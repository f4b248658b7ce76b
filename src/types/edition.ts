// The Keras edition a file follows (LANGUAGE.md §6): `keras 2` (tf.keras and tfjs-layers, the
// default) or `keras 3`. They differ in hard_sigmoid, in how merges combine masks, and in whether a
// recurrent layer given `initial=` honours the mask flowing in; everything else is the same.

export type Edition = 2 | 3;

export const DEFAULT_EDITION: Edition = 2;

/** What the edition changes, for hover. */
export const EDITION_DOCS: Record<Edition, string> = {
  2: "Keras 2 (tf.keras, tfjs-layers), the default: `hard_sigmoid` is clip(0.2x + 0.5, 0, 1); merges (`add`, `concat`, …) AND the masks of their inputs, which never change their values; a recurrent layer applied with `initial=` honours the mask flowing in.",
  3: "Keras 3: `hard_sigmoid` is relu6(x + 3) / 6 = clip(x/6 + 0.5, 0, 1); merges OR the masks of their inputs and pass on none when an input has none, and `multiply` counts a masked step as 1 (0 where every input has a mask and none keeps it) and `maximum` takes the maximum over the inputs that keep the step; a recurrent layer applied with `initial=` and no `mask=` ignores the mask flowing in (its output still carries it on).",
};

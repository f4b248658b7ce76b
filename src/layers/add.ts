// Add tensors of one shape, element by element (Keras's Add; masks never change its values).
import { elementwiseMerge } from "./elementwise-merge.js";

export const addLayer = elementwiseMerge({
  name: "add",
  kerasClass: "Add",
  doc: "Adds tensors of the same shape element by element: `add(a, b)`. No params.",
  floatOnly: false,
  combine: (values, builder) => builder.op({ kind: "add" }, values, "add"),
});

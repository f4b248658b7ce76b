// The element-wise maximum of tensors of one shape (Keras's Maximum).
import { elementwiseMerge } from "./elementwise-merge.js";

export const maximumLayer = elementwiseMerge({
  name: "maximum",
  kerasClass: "Maximum",
  doc: "The element-wise maximum of tensors of the same shape: `maximum(a, b)`.",
  combine: (values, builder) => builder.op({ kind: "maximum" }, values, "maximum"),
});

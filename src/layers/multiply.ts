// Multiply tensors of one shape, element by element (Keras's Multiply).
import { elementwiseMerge } from "./elementwise-merge.js";

export const multiplyLayer = elementwiseMerge({
  name: "multiply",
  kerasClass: "Multiply",
  doc: "The element-wise product of tensors of the same shape: `multiply(a, b)`, folded left to right as Keras does.",
  combine: (values, builder) => values.slice(1).reduce((product, v) => builder.op({ kind: "mul" }, [product, v], "multiply"), values[0]!),
});

// The mean of tensors of one shape, element by element (Keras's Average).
import { elementwiseMerge, MERGE_DOC_TAIL } from "./elementwise-merge.js";

export const averageLayer = elementwiseMerge({
  name: "average",
  kerasClass: "Average",
  doc: `The element-wise mean of tensors of the same shape: \`average(a, b)\` — their sum divided by their count, as Keras computes it. ${MERGE_DOC_TAIL}`,
  floatOnly: true,
  // A division, as Keras's: a product by 1/n rounds differently when n is not a power of two.
  combine: (values, builder) =>
    builder.op({ kind: "divide", divisor: values.length }, [builder.op({ kind: "add" }, values, "sum")], "average"),
});

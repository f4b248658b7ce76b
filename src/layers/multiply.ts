// Multiply tensors of one shape, element by element (Keras's Multiply).
import { NONE } from "../ir/graph.js";
import { elementwiseMerge, MERGE_DOC_TAIL } from "./elementwise-merge.js";

export const multiplyLayer = elementwiseMerge({
  name: "multiply",
  kerasClass: "Multiply",
  doc: `The element-wise product of tensors of the same shape: \`multiply(a, b)\`, folded left to right as Keras does. ${MERGE_DOC_TAIL}`,
  floatOnly: true,
  combine: (values, builder) => values.slice(1).reduce((product, v) => builder.op({ kind: "mul" }, [product, v], "multiply"), values[0]!),
  // Keras 3 (multiply.py): a masked step of an input counts as 1; when every input has a mask, a step
  // that none keeps (the OR of the masks is false) is 0.
  combineMasked: (inputs, outputMask, builder) => {
    const values = inputs.map((i) =>
      i.mask === NONE ? i.value : builder.op({ kind: "where", fill: 1 }, [i.value, i.mask], "masked as 1"),
    );
    const product = values.slice(1).reduce((p, v) => builder.op({ kind: "mul" }, [p, v], "multiply"), values[0]!);
    return outputMask === NONE ? product : builder.op({ kind: "where", fill: 0 }, [product, outputMask], "multiply");
  },
});

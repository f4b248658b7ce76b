// The element-wise maximum of tensors of one shape (Keras's Maximum).
import { NONE } from "../ir/graph.js";
import { elementwiseMerge, MERGE_DOC_TAIL } from "./elementwise-merge.js";

export const maximumLayer = elementwiseMerge({
  name: "maximum",
  kerasClass: "Maximum",
  doc: `The element-wise maximum of tensors of the same shape: \`maximum(a, b)\`. ${MERGE_DOC_TAIL}`,
  floatOnly: true,
  combine: (values, builder) => builder.op({ kind: "maximum" }, values, "maximum"),
  // Keras 3 (base_merge.py, _apply_merge_op_and_or_mask), input by input: a masked step of the next
  // input takes the running result's value, a step the running mask hides takes the input's, then
  // the two are maxed. So a step is the maximum over the inputs that keep it (an unmasked input keeps
  // every step), and a step no input keeps is the first input's. The running mask is the OR of the
  // masks so far, or none once an input has no mask.
  combineMasked: (inputs, _outputMask, builder) => {
    let output = inputs[0]!.value;
    let runningMask = inputs[0]!.mask;
    for (let i = 1; i < inputs.length; i++) {
      const input = inputs[i]!;
      const x =
        input.mask === NONE ? input.value : builder.op({ kind: "where" }, [input.value, input.mask, output], "masked as the result so far");
      if (runningMask !== NONE) output = builder.op({ kind: "where" }, [output, runningMask, x], "hidden as the input");
      // Only a further input reads the running mask (the output's is merge-masks.ts's).
      const further = i < inputs.length - 1;
      runningMask =
        input.mask !== NONE && runningMask !== NONE && further
          ? builder.op({ kind: "maskOr" }, [runningMask, input.mask], "mask", "bool")
          : NONE;
      output = builder.op({ kind: "maximum" }, [output, x], "maximum");
    }
    return output;
  },
});

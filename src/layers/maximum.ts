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
    let outputMask = inputs[0]!.mask;
    inputs.slice(1).forEach((input, i) => {
      const x =
        input.mask === NONE ? input.value : builder.op({ kind: "where" }, [input.value, input.mask, output], "masked as the result so far");
      if (outputMask !== NONE) output = builder.op({ kind: "where" }, [output, outputMask, x], "hidden as the input");
      const last = i === inputs.length - 2;
      outputMask =
        input.mask === NONE || outputMask === NONE
          ? NONE
          : last
            ? NONE
            : builder.op({ kind: "maskOr" }, [outputMask, input.mask], "mask", "bool");
      output = builder.op({ kind: "maximum" }, [output, x], "maximum");
    });
    return output;
  },
});

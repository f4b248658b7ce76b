// TimeDistributed: applies a layer to every time step, `[B,T,...]` → `[B,T,...out]`, with one set
// of weights (the wrapped layer's) for all steps.
import { Codes } from "../source/catalog.js";
import { formatType, tensor } from "../types/types.js";
import { NONE } from "../ir/graph.js";
import type { LayerDefinition, LayerInstance } from "./layer.js";
import { nameParam } from "./recurrent.js";

export interface TimeDistributedConfig {
  inner: LayerInstance;
}

/** One level of description: a chain of wrappers bound one to another can be thousands deep. */
function describeTimeDistributed(c: TimeDistributedConfig): string {
  const inner = c.inner.def === timeDistributedLayer ? "time_distributed(…)" : c.inner.def.describe(c.inner.config);
  return `time_distributed(${inner})`;
}

function stepType(input: import("../types/types.js").TensorType) {
  return tensor(input.dtype, [input.dims[0]!, ...input.dims.slice(2)]);
}

export const timeDistributedLayer: LayerDefinition<TimeDistributedConfig> = {
  name: "time_distributed",
  aliases: ["TimeDistributed"],
  kerasClass: "TimeDistributed",
  autoName: "time_distributed",
  doc: "Applies a layer to every time step with the same weights: `[B,T,...]` → `[B,T,...out]`. Params: the wrapped layer's.",
  params: [{ name: "layer", kind: "layer", positional: true, required: true, doc: "The layer to apply at each step." }, nameParam],
  callKeywords: [],
  inputs: { min: 1, max: 1 },
  configure(args, ctx) {
    const inner = args.get("layer") as LayerInstance;
    // A stateful layer's states have one batch size; wrapped, it would run on B·T sequences per call.
    if (inner.def.recurrent && (inner.config as { stateful?: boolean }).stateful === true) {
      ctx.error(
        "layer",
        Codes.StatefulBatchDim,
        "time_distributed() cannot wrap a stateful layer: it runs the layer on batch × time sequences at once, so the layer's states would have no fixed batch size (Keras fails on this when it runs). Remove stateful=true.",
      );
      return undefined;
    }
    return { inner };
  },
  apply(layer, args, ctx) {
    const input = args.inputs[0]!;
    const text = describeTimeDistributed(layer.config);
    if (input.type.dims.length < 3) {
      ctx.report(Codes.RankMismatch, input.range, `${text} expects a sequence [B,T,...] (ndim≥3), found ${formatType(input.type)}.`);
      return undefined;
    }
    const out = ctx.applyInner(layer.config.inner, { type: stepType(input.type), mask: false, range: input.range }, args.range);
    if (!out) return undefined;
    if (out.tuple) {
      ctx.report(
        Codes.TimeDistributedTuple,
        layer.config.inner.constructorCall.range,
        `${text}: the wrapped layer returns ${out.items.length} values; time_distributed needs one tensor per step.`,
      );
      return undefined;
    }
    const step = out.items[0]!.type;
    return {
      items: [
        { type: tensor(step.dtype, [input.type.dims[0]!, input.type.dims[1]!, ...step.dims.slice(1)]), mask: input.mask, label: "output" },
      ],
      tuple: false,
    };
  },
  weights: (config, input) => config.inner.def.weights(config.inner.config, stepType(input)),
  initialWeights: (config, input, seed) => config.inner.def.initialWeights(config.inner.config, stepType(input), seed),
  weightOwner: (layer) => layer.config.inner,
  lower(layer, args, ctx) {
    const input = args.inputs[0]!;
    const b = ctx.builder;
    // Every step is one more sample: [B,T,...] → [B·T,...], the layer, then back to [B,T,...].
    const steps = b.op({ kind: "mergeTime" }, [input.value], "steps as samples");
    const out = ctx.lowerInner(layer.config.inner, { value: steps, mask: NONE })[0]!;
    return [{ value: b.op({ kind: "splitTime" }, [out.value, input.value], "time_distributed"), mask: input.mask }];
  },
  describe: describeTimeDistributed,
};

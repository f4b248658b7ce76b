// Conv1D: a 1-D convolution over time, `[B,T,F]` → `[B,T',filters]`, lowered as Keras's arithmetic
// is laid out: the patches of every step (im2col) times the kernel `[k,F,filters]` read as `[k·F, filters]`.
import { Codes } from "../source/catalog.js";
import { didYouMean } from "../source/suggest.js";
import { formatType, tensor } from "../types/types.js";
import type { Activation } from "../types/activations.js";
import { convGeometry, convKeepsLength, NONE, type Im2ColOp } from "../ir/graph.js";
import { formatInitializer, type Initializer } from "./initializers.js";
import { deriveSeed } from "./random.js";
import type { LayerDefinition } from "./layer.js";
import { nameParam } from "./recurrent.js";
import { drawn } from "./weight-recipe.js";

const PADDINGS = ["valid", "same", "causal"] as const;

export interface Conv1dConfig {
  filters: number;
  kernelSize: number;
  strides: number;
  padding: Im2ColOp["padding"];
  dilation: number;
  activation: Activation;
  useBias: boolean;
  kernelInitializer: Initializer;
  biasInitializer: Initializer;
}

function describeConv1d(c: Conv1dConfig): string {
  const parts = [String(c.filters), String(c.kernelSize)];
  if (c.strides !== 1) parts.push(`strides=${c.strides}`);
  if (c.padding !== "valid") parts.push(`padding="${c.padding}"`);
  if (c.dilation !== 1) parts.push(`dilation_rate=${c.dilation}`);
  if (c.activation !== "linear") parts.push(`activation=${c.activation}`);
  if (!c.useBias) parts.push("use_bias=false");
  if (c.kernelInitializer.kind !== "glorot_uniform" || c.kernelInitializer.seed !== undefined)
    parts.push(`kernel=${formatInitializer(c.kernelInitializer)}`);
  if (c.biasInitializer.kind !== "zeros") parts.push(`bias=${formatInitializer(c.biasInitializer)}`);
  return `conv1d(${parts.join(", ")})`;
}

const geometry = (c: Conv1dConfig): Im2ColOp => ({
  kind: "im2col",
  kernelSize: c.kernelSize,
  strides: c.strides,
  dilation: c.dilation,
  padding: c.padding,
});

export const conv1dLayer: LayerDefinition<Conv1dConfig> = {
  name: "conv1d",
  aliases: ["Conv1D", "Convolution1D"],
  kerasClass: "Conv1D",
  autoName: "conv1d",
  doc: 'A 1-D convolution over time: `[B,T,F]` → `[B,T\',filters]`, `T\'` = `T-(k-1)·d` for `padding="valid"` (stride 1), `T` for `"same"` and `"causal"` (causal: each step sees only itself and earlier steps). A mask does not pass (Keras Conv1D does not support masking). Params: `k·F·filters + filters`.',
  params: [
    {
      name: "filters",
      kind: "int",
      positional: true,
      required: true,
      doc: "The number of output channels: the size of the output's last axis.",
    },
    { name: "kernel_size", kind: "int", positional: true, required: true, doc: "The width of the window over time, in steps." },
    { name: "strides", kind: "int", default: 1, doc: "The step between windows. Default 1." },
    {
      name: "padding",
      kind: "string",
      default: "valid",
      doc: '"valid" (no padding: the output is shorter), "same" (zeros around: the length is kept at stride 1) or "causal" (zeros before: no step sees a later one).',
    },
    {
      name: "dilation_rate",
      kind: "int",
      default: 1,
      doc: "The spacing between the window's taps. Default 1; Keras allows it above 1 only with strides=1.",
    },
    { name: "activation", kind: "activation", default: "linear", doc: "Default `linear` (none), as in Keras." },
    { name: "use_bias", kind: "bool", default: true, doc: "Whether the layer has a bias vector." },
    {
      name: "kernel",
      aliases: ["kernel_initializer"],
      kind: "initializer",
      default: { kind: "glorot_uniform" },
      doc: "Initializer of the kernel `[kernel_size, F, filters]`.",
    },
    {
      name: "bias",
      aliases: ["bias_initializer"],
      kind: "initializer",
      default: { kind: "zeros" },
      doc: "Initializer of the bias `[filters]`.",
    },
    nameParam,
  ],
  callKeywords: [],
  inputs: { min: 1, max: 1 },
  configure: (args, ctx) => {
    const padding = args.get("padding") as string;
    if (!(PADDINGS as readonly string[]).includes(padding)) {
      ctx.error(
        "padding",
        Codes.BadArgumentValue,
        `conv1d(padding="${padding}"): expected "valid", "same" or "causal".${didYouMean(padding, PADDINGS)}`,
      );
      return undefined;
    }
    const strides = args.get("strides") as number;
    const dilation = args.get("dilation_rate") as number;
    if (strides > 1 && dilation > 1) {
      ctx.error(
        "dilation_rate",
        Codes.BadArgumentValue,
        `conv1d takes strides > 1 or dilation_rate > 1, not both (as Keras): strides=${strides}, dilation_rate=${dilation}.`,
      );
      return undefined;
    }
    return {
      filters: args.get("filters") as number,
      kernelSize: args.get("kernel_size") as number,
      strides,
      padding: padding as Conv1dConfig["padding"],
      dilation,
      activation: args.get("activation") as Activation,
      useBias: args.get("use_bias") as boolean,
      kernelInitializer: args.get("kernel") as Initializer,
      biasInitializer: args.get("bias") as Initializer,
    };
  },
  apply(layer, args, ctx) {
    const input = args.inputs[0]!;
    const t = input.type;
    const c = layer.config;
    const text = describeConv1d(c);
    if (t.dims.length !== 3) {
      ctx.report(Codes.RankMismatch, input.range, `${text} expects a sequence [B,T,F] (ndim=3), found ${formatType(t)}.`);
      return undefined;
    }
    if (t.dtype !== "f32") {
      const hint = t.dtype === "i32" ? " Token ids need an embedding(vocab, dim) first." : "";
      ctx.report(Codes.DtypeMismatch, input.range, `${text} expects f32 input, found ${formatType(t)}.${hint}`);
      return undefined;
    }
    const [batch, steps, features] = t.dims as [string | number, string | number, string | number];
    if (typeof features !== "number") {
      ctx.report(
        Codes.UnknownFeatureDim,
        input.range,
        `${text} sizes its kernel from the input's last dim, which is the name ${features}; declare it as a number.`,
      );
      return undefined;
    }
    let outSteps: number | string = steps;
    if (typeof steps === "number") {
      outSteps = convGeometry(geometry(c), steps).outSteps;
      if (outSteps < 1) {
        const span = (c.kernelSize - 1) * c.dilation + 1;
        ctx.report(
          Codes.DimMismatch,
          input.range,
          `${text} with padding="valid" needs at least ${span} steps, found ${steps} in ${formatType(t)}; use padding="same" or a smaller kernel_size.`,
        );
        return undefined;
      }
    } else if (!convKeepsLength(c)) {
      // A named length T would become T-(k-1)·d or ceil(T/s): sizes rnnc's types cannot name.
      const what =
        c.strides !== 1 ? `strides=${c.strides} divides it` : `padding="valid" shortens it by ${(c.kernelSize - 1) * c.dilation}`;
      ctx.report(
        Codes.BadArgumentValue,
        layer.argRanges?.get(c.strides !== 1 ? "strides" : "padding") ?? layer.constructorCall.range,
        `${text} changes the length of the named dim ${steps} of ${formatType(t)} (${what}), and the result would have no name; use padding="same" or "causal" with strides=1, or declare ${steps} as a number.`,
        c.strides === 1 ? { fix: ctx.fixSetKeyword(layer.constructorCall, "padding", '"same"') } : undefined,
      );
      return undefined;
    }
    return { items: [{ type: tensor("f32", [batch, outSteps, c.filters]), mask: false, label: "output" }], tuple: false };
  },
  weights: (c, input) => {
    const features = input.dims[2] as number;
    const kernel = { name: "kernel", shape: [c.kernelSize, features, c.filters] };
    return c.useBias ? [kernel, { name: "bias", shape: [c.filters] }] : [kernel];
  },
  initialWeights: (c, input, seed) => {
    const features = input.dims[2] as number;
    const kernel = drawn(c.kernelInitializer, [c.kernelSize, features, c.filters], deriveSeed(seed, "kernel"));
    return c.useBias ? [kernel, drawn(c.biasInitializer, [c.filters], deriveSeed(seed, "bias"))] : [kernel];
  },
  lower: (layer, args, ctx) => {
    const c = layer.config;
    const b = ctx.builder;
    const patches = b.op(geometry(c), [args.inputs[0]!.value], "conv1d patches");
    // The kernel [k, F, filters] is, row-major, the matrix [k·F, filters] the patches multiply.
    const kernel = b.op({ kind: "mergeTime" }, [ctx.weight(0)], "conv1d kernel as a matrix");
    const weights = c.useBias ? [kernel, ctx.weight(1)] : [kernel];
    return [{ value: b.op({ kind: "matmul", activation: c.activation }, [patches, ...weights], "conv1d"), mask: NONE }];
  },
  describe: describeConv1d,
};

// Each rnnc layer as the Keras 3 constructor that computes the same thing, with every setting rnnc
// has written out (initializers are left out: the weights are loaded). Dispatch is on the Keras
// class rnnc records for the layer; a class missing here is refused by name, never guessed.
import type { AttentionConfig } from "../layers/attention.js";
import type { BidirectionalConfig } from "../layers/bidirectional.js";
import type { ConcatConfig } from "../layers/concat.js";
import type { Conv1dConfig } from "../layers/conv1d.js";
import type { DenseConfig } from "../layers/dense.js";
import type { DropoutConfig } from "../layers/dropout.js";
import type { EmbeddingConfig } from "../layers/embedding.js";
import type { LayerInstance } from "../layers/layer.js";
import type { LayerNormConfig } from "../layers/layer-norm.js";
import type { MaskingConfig } from "../layers/masking.js";
import type { RecurrentConfig } from "../layers/recurrent.js";
import type { RepeatVectorConfig } from "../layers/repeat-vector.js";
import type { TimeDistributedConfig } from "../layers/time-distributed.js";
import type { ActivationConfig } from "../layers/activation.js";
import { echo } from "../source/echo.js";
import type { Activation } from "../types/activations.js";
import type { Edition } from "../types/edition.js";
import { DataError } from "../types/tensor-data.js";
import { pyBool, pyFloat, pyInt, pyString, type PyCall } from "./python.js";

/** What writing a constructor needs from the module being written. */
export interface ConstructorContext {
  edition: Edition;
  /** Called when tf.keras 2's hard_sigmoid is used: the module then defines it. */
  usesHardSigmoidTf2(): void;
  /** The Python variable already holding `layer`, when it is a shared layer built earlier. */
  variableOf(layer: LayerInstance): string | undefined;
}

/** The Keras 3 activation for an rnnc activation: a string, or the module's registered tf.keras 2 hard_sigmoid. */
function activation(fn: Activation, ctx: ConstructorContext): string {
  if (fn === "hard_sigmoid") {
    ctx.usesHardSigmoidTf2();
    return "hard_sigmoid_tf2";
  }
  // Keras 3's own "hard_sigmoid" is relu6(x + 3) / 6, which is what `keras 3` files mean by it.
  return pyString(fn === "hard_sigmoid3" ? "hard_sigmoid" : fn);
}

const RECURRENT_CLASSES: Record<RecurrentConfig["cell"], string> = { simple_rnn: "SimpleRNN", gru: "GRU", lstm: "LSTM" };

/** A recurrent layer's settings; inside Bidirectional, zero_output_for_mask is left to the wrapper (it forces it). */
function recurrentArgs(c: RecurrentConfig, ctx: ConstructorContext, wrapped: boolean): string[] {
  const args = [`units=${pyInt(c.units)}`, `activation=${activation(c.activation, ctx)}`];
  if (c.cell !== "simple_rnn") args.push(`recurrent_activation=${activation(c.recurrentActivation, ctx)}`);
  args.push(`use_bias=${pyBool(c.useBias)}`);
  if (c.cell === "gru") args.push(`reset_after=${pyBool(c.resetAfter)}`);
  args.push(
    `return_sequences=${pyBool(c.returnSequences)}`,
    `return_state=${pyBool(c.returnState)}`,
    `go_backwards=${pyBool(c.goBackwards)}`,
    `stateful=${pyBool(c.stateful)}`,
  );
  if (!wrapped) args.push(`zero_output_for_mask=${pyBool(c.zeroOutputForMask)}`);
  return args;
}

function call(cls: string, args: readonly (string | PyCall)[], name: string | undefined): PyCall {
  return { fn: `keras.layers.${cls}`, args: name === undefined ? [...args] : [...args, `name=${pyString(name)}`] };
}

/** The Python expression that constructs `layer` (named `name` in the model, unnamed inside a wrapper). */
export function kerasConstructor(layer: LayerInstance, name: string | undefined, ctx: ConstructorContext): PyCall {
  const cls = layer.def.kerasClass;
  const config = layer.config;
  switch (cls) {
    case "SimpleRNN":
    case "GRU":
    case "LSTM":
      return call(cls, recurrentArgs(config as RecurrentConfig, ctx, false), name);
    case "Bidirectional": {
      const c = config as BidirectionalConfig;
      const inner = call(RECURRENT_CLASSES[c.recurrent.cell], recurrentArgs(c.recurrent, ctx, true), undefined);
      return call(cls, [inner, `merge_mode=${c.merge === null ? "None" : pyString(c.merge)}`], name);
    }
    case "Dense": {
      const c = config as DenseConfig;
      return call(cls, [`units=${pyInt(c.units)}`, `activation=${activation(c.activation, ctx)}`, `use_bias=${pyBool(c.useBias)}`], name);
    }
    case "Embedding": {
      const c = config as EmbeddingConfig;
      return call(cls, [`input_dim=${pyInt(c.vocab)}`, `output_dim=${pyInt(c.dim)}`, `mask_zero=${pyBool(c.maskZero)}`], name);
    }
    case "Dropout":
      return call(cls, [`rate=${pyFloat((config as DropoutConfig).rate)}`], name);
    case "TimeDistributed": {
      const inner = (config as TimeDistributedConfig).inner;
      const built = ctx.variableOf(inner) ?? kerasConstructor(inner, inner.explicitName, ctx);
      return call(cls, [built], name);
    }
    case "RepeatVector":
      return call(cls, [`n=${pyInt((config as RepeatVectorConfig).n)}`], name);
    case "Concatenate":
      return call(cls, [`axis=${pyInt((config as ConcatConfig).axis)}`], name);
    case "Add":
    case "Multiply":
    case "Average":
    case "Maximum":
    case "Flatten":
    case "GlobalAveragePooling1D":
    case "GlobalMaxPooling1D":
      return call(cls, [], name);
    case "Masking":
      return call(cls, [`mask_value=${pyFloat((config as MaskingConfig).maskValue)}`], name);
    case "Activation":
      return call(cls, [`activation=${activation((config as ActivationConfig).fn, ctx)}`], name);
    case "LayerNormalization": {
      const c = config as LayerNormConfig;
      return call(
        cls,
        [`axis=${pyInt(c.axis)}`, `epsilon=${pyFloat(c.epsilon)}`, `center=${pyBool(c.center)}`, `scale=${pyBool(c.scale)}`],
        name,
      );
    }
    case "Conv1D": {
      const c = config as Conv1dConfig;
      return call(
        cls,
        [
          `filters=${pyInt(c.filters)}`,
          `kernel_size=${pyInt(c.kernelSize)}`,
          `strides=${pyInt(c.strides)}`,
          `padding=${pyString(c.padding)}`,
          `dilation_rate=${pyInt(c.dilation)}`,
          `activation=${activation(c.activation, ctx)}`,
          `use_bias=${pyBool(c.useBias)}`,
        ],
        name,
      );
    }
    case "Attention": {
      const c = config as AttentionConfig;
      return call(cls, [`use_scale=${pyBool(c.useScale)}`, `score_mode=${pyString(c.score)}`], name);
    }
    case "AdditiveAttention":
      return call(cls, [`use_scale=${pyBool((config as AttentionConfig).useScale)}`], name);
    default:
      throw new DataError(`layer ${echo(name ?? layer.def.name)}: ${layer.def.name}() (Keras ${cls}) has no Keras export yet`);
  }
}

/** Keras's call arguments that rnnc writes among a layer's settings (the attention layers'). */
export function callSettings(layer: LayerInstance): string[] {
  const cls = layer.def.kerasClass;
  if (cls !== "Attention" && cls !== "AdditiveAttention") return [];
  const c = layer.config as AttentionConfig;
  return [`use_causal_mask=${pyBool(c.causal)}`, `return_attention_scores=${pyBool(c.returnScores)}`];
}

/** Layers applied to a list of tensors (`Add()([a, b])`) rather than to one. */
export function takesList(layer: LayerInstance): boolean {
  return layer.def.appliesDirectly === true;
}

/** Why a recurrent layer of this module will not run on cuDNN when Keras trains it on a GPU, if it will not. */
export function cudnnObstacle(layer: LayerInstance): string | undefined {
  const cls = layer.def.kerasClass;
  const c =
    cls === "Bidirectional"
      ? (layer.config as BidirectionalConfig).recurrent
      : cls === "LSTM" || cls === "GRU"
        ? (layer.config as RecurrentConfig)
        : undefined;
  if (!c || c.cell === "simple_rnn") return undefined;
  const reasons: string[] = [];
  if (c.activation !== "tanh") reasons.push(`activation=${c.activation}`);
  if (c.recurrentActivation !== "sigmoid")
    reasons.push(`recurrent_activation=${c.recurrentActivation === "hard_sigmoid3" ? "hard_sigmoid" : c.recurrentActivation}`);
  if (!c.useBias) reasons.push("use_bias=False");
  if (c.cell === "gru" && !c.resetAfter) reasons.push("reset_after=False");
  return reasons.length > 0 ? reasons.join(", ") : undefined;
}

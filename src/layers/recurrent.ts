// What SimpleRNN, GRU and LSTM share: their keywords (with Keras's names as aliases), their
// configuration, and the shape rule of KERAS-SEMANTICS.md §1.1 — output, then the states, when
// `state=true`; the last step or the whole sequence by `seq`.
import { CELLS as CELL_FACTS, gateCount } from "../ir/cells.js";
import { NONE, type CellKind, type RecurrentOp } from "../ir/graph.js";
import type { CallExpr } from "../syntax/ast.js";
import { Codes } from "../source/catalog.js";
import { formatDims, formatType, tensor, type TensorType } from "../types/types.js";
import { activationName, type Activation } from "../types/activations.js";
import type { Edition } from "../types/edition.js";
import { formatInitializer, type Initializer } from "./initializers.js";
import { deriveSeed } from "./random.js";
import { trainingOnlyParams } from "./training-only.js";
import { drawn, pieces, type WeightRecipe } from "./weight-recipe.js";
import type {
  ApplyArgs,
  ApplyContext,
  CallKeywordSpec,
  ConfigureContext,
  LayerDefinition,
  LayerInstance,
  LowerArgs,
  LowerContext,
  LoweredTensor,
  OutputSlot,
  ParamSpec,
  ParamValue,
  TensorArg,
  WeightSpec,
} from "./layer.js";

export type { CellKind };

export interface RecurrentConfig {
  cell: CellKind;
  units: number;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  activation: Activation;
  recurrentActivation: Activation;
  useBias: boolean;
  kernelInitializer: Initializer;
  recurrentInitializer: Initializer;
  biasInitializer: Initializer;
  /** LSTM: the forget-gate bias starts at 1 whatever `bias` says (Keras's default). */
  unitForgetBias: boolean;
  /** GRU: reset gate applied after the recurrent matmul; bias `[2, 3u]` (Keras's default). */
  resetAfter: boolean;
  /** Masked steps output zeros (Keras `zero_output_for_mask`); a bidirectional layer overrides it with `seq`. */
  zeroOutputForMask: boolean;
  /** Keras `stateful`: the final states carry over to the next call (model.step). */
  stateful: boolean;
}

/** What differs between the three cells. */
export interface CellSpec {
  kind: CellKind;
  /** The DSL layer name. */
  layerName: string;
  stateNames: readonly string[];
  /** Gate blocks in the kernel (ir/cells.ts): 1, 3 (z, r, h) or 4 (i, f, c, o). */
  gates: number;
}

/** The cells' facts (states, gates) come from ir/cells.ts; this adds the layer's name. */
const spec = (kind: CellKind, layerName: string): CellSpec => ({
  kind,
  layerName,
  stateNames: CELL_FACTS[kind].states,
  gates: gateCount(kind),
});

export const CELLS: Record<CellKind, CellSpec> = {
  simple_rnn: spec("simple_rnn", "rnn"),
  gru: spec("gru", "gru"),
  lstm: spec("lstm", "lstm"),
};

export const unitsParam: ParamSpec = {
  name: "units",
  kind: "int",
  positional: true,
  required: true,
  doc: "The size of the output and of each state (Keras `units`).",
};

export const nameParam: ParamSpec = {
  name: "name",
  kind: "string",
  doc: "The layer's name, which weights files use. Default: the name it is bound to, else Keras-style `lstm`, `lstm_1`, …",
};

export function recurrentParams(cell: CellKind): ParamSpec[] {
  const params: ParamSpec[] = [
    unitsParam,
    {
      name: "seq",
      aliases: ["return_sequences"],
      kind: "bool",
      default: false,
      doc: "Keras `return_sequences`: true returns the output of every step `[B,T,u]`; false only the last step's `[B,u]`. A recurrent layer stacked on this one needs `seq=true`.",
    },
    {
      name: "state",
      aliases: ["return_state"],
      kind: "bool",
      default: false,
      doc: "Keras `return_state`: true returns a tuple, the output followed by the final states, to unpack: `y, h, c = lstm(u, state=true)(x)`.",
    },
    {
      name: "backwards",
      aliases: ["go_backwards"],
      kind: "bool",
      default: false,
      doc: "Keras `go_backwards`: process the sequence from its last step; with `seq=true` the outputs come in processing order (reversed), as in Keras.",
    },
    { name: "activation", kind: "activation", default: "tanh", doc: "The activation of the output/candidate. Default `tanh`." },
  ];
  if (cell !== "simple_rnn") {
    params.push({
      name: "recurrent_activation",
      kind: "activation",
      default: "sigmoid",
      doc: "The gates' activation. Default `sigmoid` as in TF2 Keras (tfjs-layers defaults to `hard_sigmoid`).",
    });
  }
  params.push(
    { name: "use_bias", kind: "bool", default: true, doc: "Whether the layer has a bias vector." },
    {
      name: "kernel",
      aliases: ["kernel_initializer"],
      kind: "initializer",
      default: { kind: "glorot_uniform" },
      doc: "Initializer of the input kernel `[F, G·u]`. Default `glorot_uniform`.",
    },
    {
      name: "recurrent",
      aliases: ["recurrent_initializer"],
      kind: "initializer",
      default: { kind: "orthogonal", gain: 1 },
      doc: "Initializer of the recurrent kernel `[u, G·u]`. Default `orthogonal`.",
    },
    {
      name: "bias",
      aliases: ["bias_initializer"],
      kind: "initializer",
      default: { kind: "zeros" },
      doc: "Initializer of the bias. Default `zeros`.",
    },
  );
  if (cell === "lstm") {
    params.push({
      name: "unit_forget_bias",
      kind: "bool",
      default: true,
      doc: "Start the forget-gate bias at 1 whatever `bias` says (Keras's default, true).",
    });
  }
  if (cell === "gru") {
    params.push({
      name: "reset_after",
      kind: "bool",
      default: true,
      doc: "Apply the reset gate after the recurrent matmul (Keras's default, true; bias `[2, 3u]`). false is the original GRU and tfjs-layers' only form.",
    });
  }
  params.push(
    {
      name: "zero_output_for_mask",
      kind: "bool",
      default: false,
      doc: "Keras `zero_output_for_mask`: a masked step outputs zeros instead of repeating the previous output. Inside `bidirectional` Keras sets it to `seq` whatever is given.",
    },
    ...trainingOnlyParams,
    nameParam,
  );
  // Streaming (LANGUAGE.md §9).
  params.push({
    name: "stateful",
    kind: "bool",
    default: false,
    doc: "Keras `stateful`: the final states carry over to the next call — `model.step(inputs)` continues the sequence, `model.reset()` starts again from zeros. Needs a numeric batch size; not with `backwards=true` or inside `bidirectional`.",
  });
  return params;
}

export const recurrentCallKeywords: readonly CallKeywordSpec[] = [
  {
    name: "initial",
    aliases: ["initial_state"],
    kind: "tensors",
    doc: "The initial states, each `[B,u]`: `(h, c)` for an LSTM, `h` for a GRU or SimpleRNN; a bidirectional layer takes the forward states then the backward ones.",
  },
  { name: "mask", kind: "tensor", doc: "A `bool[B,T]` mask, true where a step is used. A masked step keeps the previous state." },
];

/** The configuration of `args`; undefined when a keyword asks for what inference cannot do (reported). */
export function configureRecurrent(
  cell: CellKind,
  args: ReadonlyMap<string, ParamValue>,
  ctx: ConfigureContext,
): RecurrentConfig | undefined {
  if (args.get("time_major") === true) {
    const message = `time_major=true means inputs laid out [T,B,F]; rnnc's recurrent inputs are batch-major [B,T,F]. Remove time_major (or set it to false) and feed [B,T,F].`;
    ctx.error("time_major", Codes.BadArgumentValue, message);
    return undefined;
  }
  const implementation = args.get("implementation");
  if (implementation !== 1 && implementation !== 2) {
    ctx.error(
      "implementation",
      Codes.BadArgumentValue,
      `implementation must be 1 or 2 (Keras's two forms of the same formula); found ${String(implementation)}.`,
    );
    return undefined;
  }
  return {
    cell,
    units: args.get("units") as number,
    returnSequences: args.get("seq") as boolean,
    returnState: args.get("state") as boolean,
    goBackwards: args.get("backwards") as boolean,
    activation: args.get("activation") as Activation,
    recurrentActivation: (args.get("recurrent_activation") as Activation | undefined) ?? "sigmoid",
    useBias: args.get("use_bias") as boolean,
    kernelInitializer: args.get("kernel") as Initializer,
    recurrentInitializer: args.get("recurrent") as Initializer,
    biasInitializer: args.get("bias") as Initializer,
    unitForgetBias: (args.get("unit_forget_bias") as boolean | undefined) ?? true,
    resetAfter: (args.get("reset_after") as boolean | undefined) ?? true,
    zeroOutputForMask: args.get("zero_output_for_mask") as boolean,
    stateful: (args.get("stateful") as boolean | undefined) ?? false,
  };
}

/** Keras `get_weights()` of one cell: kernel `[F, G·u]`, recurrent `[u, G·u]`, bias `[G·u]` (`[2, 3u]` for GRU reset_after). */
export function cellWeights(spec: CellSpec, config: RecurrentConfig, features: number): WeightSpec[] {
  const width = spec.gates * config.units;
  const weights: WeightSpec[] = [
    { name: "kernel", shape: [features, width] },
    { name: "recurrent_kernel", shape: [config.units, width] },
  ];
  if (config.useBias) {
    const gruTwoBiases = spec.kind === "gru" && config.resetAfter;
    weights.push({ name: "bias", shape: gruTwoBiases ? [2, width] : [width] });
  }
  return weights;
}

export function describeRecurrent(name: string, config: RecurrentConfig, extra: string[] = []): string {
  const parts = [String(config.units)];
  if (config.returnSequences) parts.push("seq=true");
  if (config.returnState) parts.push("state=true");
  if (config.goBackwards) parts.push("backwards=true");
  if (config.activation !== "tanh") parts.push(`activation=${activationName(config.activation)}`);
  if (config.cell !== "simple_rnn" && config.recurrentActivation !== "sigmoid")
    parts.push(`recurrent_activation=${activationName(config.recurrentActivation)}`);
  if (!config.useBias) parts.push("use_bias=false");
  if (config.kernelInitializer.kind !== "glorot_uniform" || config.kernelInitializer.seed !== undefined)
    parts.push(`kernel=${formatInitializer(config.kernelInitializer)}`);
  if (config.recurrentInitializer.kind !== "orthogonal" || config.recurrentInitializer.seed !== undefined)
    parts.push(`recurrent=${formatInitializer(config.recurrentInitializer)}`);
  if (config.biasInitializer.kind !== "zeros") parts.push(`bias=${formatInitializer(config.biasInitializer)}`);
  if (config.cell === "lstm" && !config.unitForgetBias) parts.push("unit_forget_bias=false");
  if (config.cell === "gru" && !config.resetAfter) parts.push("reset_after=false");
  if (config.zeroOutputForMask) parts.push("zero_output_for_mask=true");
  if (config.stateful) parts.push("stateful=true");
  return `${name}(${[...parts, ...extra].join(", ")})`;
}

/**
 * Checks the input of a recurrent layer (plain or bidirectional) — `[B,T,F]`, float, F a number —
 * and its `mask=` and `initial=` keywords. Returns the input and whether a mask reaches the layer.
 */
export function checkRecurrentInput(
  layerText: string,
  units: number,
  stateCount: number,
  stateLabels: readonly string[],
  args: ApplyArgs,
  ctx: ApplyContext,
): { input: TensorArg; masked: boolean } | undefined {
  const input = args.inputs[0]!;
  if (!checkSequenceInput(layerText, input, ctx)) return undefined;
  const [batch, time] = input.type.dims;

  let masked = input.mask;
  const mask = args.keywords.get("mask");
  if (mask) {
    const m = mask.values[0];
    if (mask.values.length !== 1 || !m) {
      ctx.report(Codes.InputCount, mask.range, `mask= takes one bool[B,T] tensor; found ${mask.values.length}.`);
    } else if (m.type.dtype !== "bool" || m.type.dims.length !== 2 || m.type.dims[0] !== batch || m.type.dims[1] !== time) {
      const expected = `bool${formatDims([batch!, time!])}`;
      const code = m.type.dtype !== "bool" ? Codes.DtypeMismatch : m.type.dims.length !== 2 ? Codes.RankMismatch : Codes.DimMismatch;
      ctx.report(code, m.range, `mask= must be ${expected}, matching the input's batch and time dims; found ${formatType(m.type)}.`);
    }
    masked = true;
  }

  const initial = args.keywords.get("initial");
  if (initial) {
    if (initial.values.length !== stateCount) {
      ctx.report(
        Codes.InitialStateCount,
        initial.range,
        `${layerText} takes ${stateCount} initial state${stateCount === 1 ? "" : "s"} (${stateLabels.join(", ")}), each f32${formatDims([batch!, units])}; found ${initial.values.length}.`,
      );
    } else {
      initial.values.forEach((s, i) => {
        const expected = tensor("f32", [batch!, units]);
        if (s.type.dtype !== "f32" || s.type.dims.length !== 2 || s.type.dims[0] !== batch || s.type.dims[1] !== units) {
          ctx.report(
            s.type.dtype !== "f32" ? Codes.DtypeMismatch : s.type.dims.length !== 2 ? Codes.RankMismatch : Codes.DimMismatch,
            s.range,
            `initial state ${stateLabels[i]} of ${layerText} must be ${formatType(expected)} (batch × units); found ${formatType(s.type)}.`,
          );
        }
      });
    }
  }
  return { input, masked };
}

/** A recurrent layer's input must be `[B,T,F]` float with F a number; the stacking mistake gets its fix. */
export function checkSequenceInput(layerText: string, input: TensorArg, ctx: ApplyContext): input is TensorArg {
  const t = input.type;
  if (t.dtype !== "f32") {
    const hint = t.dtype === "i32" ? " Token ids need an embedding(vocab, dim) first." : "";
    ctx.report(Codes.DtypeMismatch, input.range, `${layerText} expects f32 input, found ${formatType(t)}.${hint}`);
    return false;
  }
  if (t.dims.length !== 3) {
    const found = formatType(t);
    const flag = t.dims.length === 2 ? input.origin?.def.sequenceFlag?.(input.origin) : undefined;
    if (flag && !flag.returnsSequences) {
      ctx.report(
        Codes.RankMismatch,
        input.range,
        `${layerText} expects a sequence [B,T,F] (ndim=3), found ${found} (ndim=2): the ${flag.layerText} that produced it returns only its last step. Add seq=true to it to pass on every step.`,
        {
          fix: ctx.fixSetKeyword(flag.call, "seq", "true"),
          related: [{ range: flag.call.range, message: `this returns only its last step; add seq=true` }],
        },
      );
    } else {
      const hint = t.dims.length === 2 ? " Give the input a time axis, e.g. repeat_vector(n) to repeat a vector n times." : "";
      ctx.report(
        Codes.RankMismatch,
        input.range,
        `${layerText} expects a sequence [B,T,F] (ndim=3), found ${found} (ndim=${t.dims.length}).${hint}`,
      );
    }
    return false;
  }
  if (typeof t.dims[2] !== "number") {
    ctx.report(
      Codes.UnknownFeatureDim,
      input.range,
      `${layerText} sizes its kernel from the input's last dim, which is the name ${t.dims[2]}; declare it as a number in the model's input type.`,
    );
    return false;
  }
  return true;
}

/** The output tensor of one direction: `[B,T,w]` with seq, else `[B,w]`. */
export function recurrentOutput(input: TensorType, width: number, seq: boolean): TensorType {
  const [batch, time] = input.dims;
  return tensor("f32", seq ? [batch!, time!, width] : [batch!, width]);
}

export function stateSlots(input: TensorType, units: number, labels: readonly string[]): OutputSlot[] {
  return labels.map((label) => ({ type: tensor("f32", [input.dims[0]!, units]), mask: false, label }));
}

export function recurrentSequenceFlag(layer: LayerInstance<RecurrentConfig>): {
  returnsSequences: boolean;
  call: CallExpr;
  layerText: string;
} {
  return {
    returnsSequences: layer.config.returnSequences,
    call: layer.constructorCall,
    layerText: describeRecurrent(layerNameOf(layer.config.cell), layer.config),
  };
}

export function layerNameOf(cell: CellKind): string {
  return cell === "simple_rnn" ? "rnn" : cell;
}

/**
 * The recipe of a cell's starting weights, as Keras builds them: with unit_forget_bias the LSTM bias
 * is `bias_init(u) ++ ones(u) ++ bias_init(2u)`, whatever `bias` says.
 */
export function initialCellWeights(spec: CellSpec, config: RecurrentConfig, features: number, seed: number): WeightRecipe[] {
  const [kernel, recurrentKernel, bias] = cellWeights(spec, config, features);
  const weights = [
    drawn(config.kernelInitializer, kernel!.shape, deriveSeed(seed, "kernel")),
    drawn(config.recurrentInitializer, recurrentKernel!.shape, deriveSeed(seed, "recurrent_kernel")),
  ];
  if (bias) {
    const biasSeed = deriveSeed(seed, "bias");
    const u = config.units;
    weights.push(
      spec.kind === "lstm" && config.unitForgetBias
        ? pieces(bias.shape, [
            { init: config.biasInitializer, shape: [u], seed: biasSeed },
            { init: { kind: "ones" }, shape: [u], seed: biasSeed },
            { init: config.biasInitializer, shape: [2 * u], seed: deriveSeed(biasSeed, "rest") },
          ])
        : drawn(config.biasInitializer, bias.shape, biasSeed),
    );
  }
  return weights;
}

/** One direction of a recurrent layer in the graph: its output value and its final states' values. */
export function lowerRecurrent(
  ctx: LowerContext,
  config: RecurrentConfig,
  weightBase: number,
  x: LoweredTensor,
  mask: number,
  initial: readonly LoweredTensor[],
  goBackwards: boolean,
  zeroOutputForMask: boolean,
  /** One direction of a bidirectional layer: the layer's pair number, and whether the sequence comes out in time order. */
  bidirectional?: { pair: number; sequenceInTimeOrder: boolean },
  /** `initial` holds a stateful layer's carried states (RecurrentOp.outputStartsAtState). */
  carried = false,
): { output: number; states: number[] } {
  const b = ctx.builder;
  const spec = CELLS[config.cell];
  const kernel = ctx.weight(weightBase);
  const recurrentKernel = ctx.weight(weightBase + 1);
  let inputBias = NONE;
  let recurrentBias = NONE;
  if (config.useBias) {
    const bias = ctx.weight(weightBase + 2);
    if (config.cell === "gru" && config.resetAfter) {
      // Keras's [2, 3u] bias: row 0 goes with the input, row 1 inside the reset gate's product.
      inputBias = b.op({ kind: "row", index: 0 }, [bias], "input bias");
      recurrentBias = b.op({ kind: "row", index: 1 }, [bias], "recurrent bias");
    } else {
      inputBias = bias;
    }
  }
  const op: Omit<RecurrentOp, "inputNames"> = {
    kind: "recurrent",
    cell: config.cell,
    units: config.units,
    goBackwards,
    returnSequences: config.returnSequences,
    activation: config.activation,
    recurrentActivation: config.cell === "simple_rnn" ? "linear" : config.recurrentActivation,
    resetAfter: config.cell === "gru" && config.resetAfter,
    zeroOutputForMask,
    projected: false,
    sequenceInTimeOrder: bidirectional?.sequenceInTimeOrder ?? false,
    pair: bidirectional?.pair,
    ...(carried ? { outputStartsAtState: true } : {}),
    used: [true, ...spec.stateNames.map(() => true)],
  };
  const outputs = b.recurrent(
    op,
    { x: x.value, kernel, recurrentKernel, inputBias, recurrentBias, mask, h0: initial[0]?.value, c0: initial[1]?.value },
    [
      { dtype: "f32", note: `${config.cell} output` },
      ...spec.stateNames.map((s) => ({ dtype: "f32" as const, note: `${config.cell} ${s}` })),
    ],
  );
  return { output: outputs[0]!, states: outputs.slice(1) };
}

/**
 * A stateful layer's batch is fixed, as Keras requires (`batch_input_shape`): its states hold one row
 * per sample from one call to the next.
 */
function checkStatefulBatch(layerText: string, input: TensorArg, first: TensorType | undefined, ctx: ApplyContext): void {
  const batch = input.type.dims[0];
  const firstBatch = first?.dims[0];
  if (typeof batch === "number" && firstBatch !== undefined && firstBatch !== batch) {
    ctx.report(
      Codes.StatefulBatchDim,
      input.range,
      `${layerText} keeps one set of states with the batch size of its first application, ${firstBatch}; this one has batch ${batch}. A stateful layer is shared only across inputs of one batch size.`,
    );
    return;
  }
  if (typeof batch === "number") return;
  ctx.report(
    Codes.StatefulBatchDim,
    input.range,
    `${layerText} keeps its states between calls, one row per sample, so its batch size must be fixed (Keras's batch_input_shape); its input ${formatType(input.type)} has the named batch ${batch}. Declare the batch as a number in the model's input type, e.g. 1.`,
    { fix: ctx.fixNamedDim(String(batch), "1") },
  );
}

/** The graph inputs a stateful layer's states are carried in, `[batch, units]` each (ir/states.ts keeps them). */
function carriedStates(ctx: LowerContext, layer: LayerInstance<RecurrentConfig>, spec: CellSpec): LoweredTensor[] {
  const batch = layer.built?.input.dims[0];
  if (typeof batch !== "number") throw new Error("a stateful layer's batch is a number (the checker makes sure)");
  const name = layer.name ?? spec.layerName;
  return spec.stateNames.map((state) => ({ value: ctx.builder.carriedInput(`${name}/${state}`, batch, layer.config.units), mask: NONE }));
}

/** The mask a recurrent layer passes on (with `seq=true`): `mask=` if given, else the one riding on its input. */
export function carriedMask(args: LowerArgs): number {
  return args.keywords.get("mask")?.[0]?.value ?? args.inputs[0]!.mask;
}

/**
 * The mask the steps honour: the carried one, except that under `keras 3` a layer given `initial=`
 * and no `mask=` ignores the mask riding on its input, as Keras 3.15 does (LANGUAGE.md §6).
 */
export function effectiveMask(args: LowerArgs, edition: Edition): number {
  if (edition === 3 && args.keywords.has("initial") && !args.keywords.has("mask")) return NONE;
  return carriedMask(args);
}

/** The definition of a plain recurrent layer; simple-rnn.ts, gru.ts and lstm.ts each give their cell. */
export function defineRecurrentLayer(
  spec: CellSpec,
  kerasClass: string,
  doc: string,
  aliases: readonly string[],
): LayerDefinition<RecurrentConfig> {
  return {
    name: spec.layerName,
    aliases,
    kerasClass,
    autoName: spec.kind,
    doc,
    params: recurrentParams(spec.kind),
    callKeywords: recurrentCallKeywords,
    inputs: { min: 1, max: 1 },
    recurrent: { stateNames: spec.stateNames },
    configure: (args, ctx) => {
      const config = configureRecurrent(spec.kind, args, ctx);
      if (!config) return undefined;
      if (config.stateful && config.goBackwards) {
        ctx.error(
          "stateful",
          Codes.StatefulBackwards,
          `${spec.layerName}() with stateful=true cannot run backwards: each call would run its chunk from the chunk's last step, starting from the state the previous chunk ended in, so chunks can never give the numbers of the whole sequence. Remove backwards=true (or stateful=true).`,
        );
        return undefined;
      }
      return config;
    },
    apply(layer, args, ctx) {
      const config = layer.config;
      const text = describeRecurrent(spec.layerName, config);
      const checked = checkRecurrentInput(text, config.units, spec.stateNames.length, spec.stateNames, args, ctx);
      if (!checked) return undefined;
      if (config.stateful) checkStatefulBatch(text, checked.input, layer.built?.input, ctx);
      const out = recurrentOutput(checked.input.type, config.units, config.returnSequences);
      // Keras passes the mask on only with the sequence (KERAS-SEMANTICS.md §6).
      const items: OutputSlot[] = [{ type: out, mask: checked.masked && config.returnSequences, label: "output" }];
      if (!config.returnState) return { items, tuple: false };
      return { items: [...items, ...stateSlots(checked.input.type, config.units, spec.stateNames)], tuple: true };
    },
    weights: (config, input) => cellWeights(spec, config, input.dims[2] as number),
    initialWeights: (config, input, seed) => initialCellWeights(spec, config, input.dims[2] as number, seed),
    sequenceFlag: recurrentSequenceFlag,
    stateOutputs: (layer) => ({
      returned: layer.config.returnState,
      outputs: ["output"],
      labels: [...spec.stateNames],
      call: layer.constructorCall,
    }),
    lower(layer, args, ctx) {
      const config = layer.config;
      const mask = effectiveMask(args, ctx.edition);
      const given = args.keywords.get("initial") ?? [];
      // A stateful layer starts from its carried states, unless initial= gives them (Keras 3: docs/decisions.md).
      const carried = config.stateful && given.length === 0 ? carriedStates(ctx, layer, spec) : [];
      const initial = carried.length > 0 ? carried : given;
      const { output, states } = lowerRecurrent(
        ctx,
        config,
        0,
        args.inputs[0]!,
        mask,
        initial,
        config.goBackwards,
        config.zeroOutputForMask,
        undefined,
        carried.length > 0,
      );
      carried.forEach((state, i) => ctx.builder.carry(state.value, states[i]!));
      const out: LoweredTensor = { value: output, mask: config.returnSequences ? carriedMask(args) : NONE };
      return config.returnState ? [out, ...states.map((value) => ({ value, mask: NONE }))] : [out];
    },
    describe: (config) => describeRecurrent(spec.layerName, config),
  };
}

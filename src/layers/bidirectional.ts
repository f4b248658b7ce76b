// Bidirectional: a forward and a backward copy of a recurrent layer, merged (KERAS-SEMANTICS.md §1.2,
// §2). `bidirectional(lstm(u, ...))` wraps a layer; `bilstm(u, ...)`, `bigru`, `birnn` are shorthands
// taking the recurrent keywords and `merge` at once.
import type { CallExpr } from "../syntax/ast.js";
import { Codes } from "../source/catalog.js";
import { NONE, type GraphBuilder } from "../ir/graph.js";
import { deriveSeed } from "./random.js";
import type { LayerDefinition, LayerInstance, LoweredTensor, Merge, OutputSlot, ParamSpec, ParamValue } from "./layer.js";
import {
  CELLS,
  cellWeights,
  checkRecurrentInput,
  configureRecurrent,
  describeRecurrent,
  carriedMask,
  effectiveMask,
  initialCellWeights,
  layerNameOf,
  lowerRecurrent,
  nameParam,
  recurrentCallKeywords,
  recurrentOutput,
  recurrentParams,
  stateSlots,
  type CellKind,
  type RecurrentConfig,
} from "./recurrent.js";

export interface BidirectionalConfig {
  recurrent: RecurrentConfig;
  merge: Merge;
  /** The wrapped layer, for `bidirectional(lstm(...))`; absent for the shorthands. */
  inner?: LayerInstance<RecurrentConfig>;
}

const mergeParam: ParamSpec = {
  name: "merge",
  aliases: ["merge_mode"],
  kind: "merge",
  default: "concat",
  doc: "Keras `merge_mode`: `concat` (width 2u, forward first), `sum`, `mul`, `ave` (width u), or `none` to return the forward and backward outputs as two tensors.",
};

function mergeText(merge: Merge): string[] {
  return merge === "concat" ? [] : [`merge=${merge ?? "none"}`];
}

function describeBidirectional(config: BidirectionalConfig, shorthand: string | undefined): string {
  const name = layerNameOf(config.recurrent.cell);
  if (shorthand) return describeRecurrent(shorthand, config.recurrent, mergeText(config.merge));
  return `bidirectional(${[describeRecurrent(name, config.recurrent), ...mergeText(config.merge)].join(", ")})`;
}

function mergeDirections(b: GraphBuilder, merge: Exclude<Merge, null>, forward: number, backward: number): number {
  switch (merge) {
    case "concat":
      return b.op({ kind: "concat", axis: -1 }, [forward, backward], "concat");
    case "sum":
      return b.op({ kind: "add" }, [forward, backward], "sum");
    case "mul":
      return b.op({ kind: "mul" }, [forward, backward], "mul");
    case "ave":
      return b.op({ kind: "scale", factor: 0.5 }, [b.op({ kind: "add" }, [forward, backward], "sum")], "ave");
  }
}

/** Why a stateful bidirectional layer is refused (in both editions; Keras accepts it). */
function statefulBidirectionalMessage(layer: string): string {
  return `${layer} cannot be stateful: its backward copy would start each chunk from the state the previous chunk ended in, which comes after the chunk in time, so chunks can never give the numbers of the whole sequence (Keras accepts this but computes something else). Remove stateful=true, or run a stateful forward layer.`;
}

/** Forward states then backward ones: fh, fc, bh, bc. */
function stateLabels(cell: CellKind): string[] {
  const names = CELLS[cell].stateNames;
  return [...names.map((s) => `f${s}`), ...names.map((s) => `b${s}`)];
}

/** Where `seq=true` belongs: on the wrapped layer's call, or on the shorthand's own. */
function seqCall(layer: LayerInstance<BidirectionalConfig>): CallExpr {
  return layer.config.inner?.constructorCall ?? layer.constructorCall;
}

function defineBidirectional(
  name: string,
  doc: string,
  params: readonly ParamSpec[],
  configure: LayerDefinition<BidirectionalConfig>["configure"],
  shorthandOf: CellKind | undefined,
): LayerDefinition<BidirectionalConfig> {
  const shorthand = shorthandOf !== undefined;
  return {
    name,
    ...(shorthandOf ? { innerAutoName: shorthandOf } : {}),
    kerasClass: "Bidirectional",
    autoName: "bidirectional",
    doc,
    params,
    callKeywords: recurrentCallKeywords,
    inputs: { min: 1, max: 1 },
    configure,
    apply(layer, args, ctx) {
      const { recurrent, merge } = layer.config;
      const text = describeBidirectional(layer.config, shorthand ? name : undefined);
      const labels = stateLabels(recurrent.cell);
      const checked = checkRecurrentInput(text, recurrent.units, labels.length, labels, args, ctx);
      if (!checked) return undefined;
      const input = checked.input.type;
      const seqMask = checked.masked && recurrent.returnSequences;
      const items: OutputSlot[] =
        merge === null
          ? [
              { type: recurrentOutput(input, recurrent.units, recurrent.returnSequences), mask: seqMask, label: "forward" },
              { type: recurrentOutput(input, recurrent.units, recurrent.returnSequences), mask: seqMask, label: "backward" },
            ]
          : [
              {
                type: recurrentOutput(input, merge === "concat" ? 2 * recurrent.units : recurrent.units, recurrent.returnSequences),
                mask: seqMask,
                label: "output",
              },
            ];
      if (recurrent.returnState) items.push(...stateSlots(input, recurrent.units, labels));
      return { items, tuple: items.length > 1 };
    },
    weights(config, input) {
      const cellWeightsOnce = cellWeights(CELLS[config.recurrent.cell], config.recurrent, input.dims[2] as number);
      return [
        ...cellWeightsOnce.map((w) => ({ name: `forward_${w.name}`, shape: w.shape })),
        ...cellWeightsOnce.map((w) => ({ name: `backward_${w.name}`, shape: w.shape })),
      ];
    },
    // The backward copy is built from the config, as in Keras: its own starting numbers.
    initialWeights: (config, input, seed) => [
      ...initialCellWeights(CELLS[config.recurrent.cell], config.recurrent, input.dims[2] as number, deriveSeed(seed, "forward")),
      ...initialCellWeights(CELLS[config.recurrent.cell], config.recurrent, input.dims[2] as number, deriveSeed(seed, "backward")),
    ],
    sequenceFlag: (layer) => ({
      returnsSequences: layer.config.recurrent.returnSequences,
      call: seqCall(layer),
      layerText: describeBidirectional(layer.config, shorthand ? name : undefined),
    }),
    stateOutputs: (layer) => ({
      returned: layer.config.recurrent.returnState,
      outputs: layer.config.merge === null ? ["forward", "backward"] : ["output"],
      labels: stateLabels(layer.config.recurrent.cell),
      call: seqCall(layer),
    }),
    lower(layer, args, ctx) {
      const { recurrent, merge } = layer.config;
      const b = ctx.builder;
      const mask = effectiveMask(args, ctx.edition);
      const initial = args.keywords.get("initial") ?? [];
      const half = initial.length / 2;
      // Keras forces zero_output_for_mask = return_sequences on both copies inside Bidirectional.
      const zero = recurrent.returnSequences;
      const x = args.inputs[0]!;
      // The two directions share a pair number; the backward copy's sequence comes out re-aligned with time.
      const pair = b.newPair();
      const fwd = lowerRecurrent(ctx, recurrent, 0, x, mask, initial.slice(0, half), false, zero, { pair, sequenceInTimeOrder: true });
      const perDirection = recurrent.useBias ? 3 : 2;
      const bwd = lowerRecurrent(ctx, recurrent, perDirection, x, mask, initial.slice(half), true, zero, {
        pair,
        sequenceInTimeOrder: true,
      });
      const backward = bwd.output;
      const outMask = recurrent.returnSequences ? carriedMask(args) : NONE;
      const outputs: LoweredTensor[] =
        merge === null
          ? [
              { value: fwd.output, mask: outMask },
              { value: backward, mask: outMask },
            ]
          : [{ value: mergeDirections(b, merge, fwd.output, backward), mask: outMask }];
      if (recurrent.returnState) outputs.push(...[...fwd.states, ...bwd.states].map((value) => ({ value, mask: NONE })));
      return outputs;
    },
    describe: (config) => describeBidirectional(config, shorthand ? name : undefined),
  };
}

export const bidirectionalLayer = defineBidirectional(
  "bidirectional",
  "Runs a recurrent layer forwards and a copy of it backwards over the sequence and merges the two (Keras `Bidirectional`). With `state=true` on the wrapped layer it returns the output, then the forward states, then the backward ones. Params: twice the wrapped layer's.",
  [
    {
      name: "layer",
      kind: "layer",
      positional: true,
      required: true,
      doc: "The recurrent layer to run in both directions: `rnn`, `gru` or `lstm`.",
    },
    mergeParam,
    nameParam,
  ],
  (args, ctx) => {
    const inner = args.get("layer") as LayerInstance;
    if (!inner.def.recurrent) {
      ctx.error("layer", Codes.NotRecurrent, `bidirectional() wraps a recurrent layer (rnn, gru, lstm); found ${inner.def.name}.`);
      return undefined;
    }
    const recurrentInner = inner as LayerInstance<RecurrentConfig>;
    if (recurrentInner.config.stateful) {
      ctx.error("layer", Codes.StatefulBidirectional, statefulBidirectionalMessage("bidirectional()"));
      return undefined;
    }
    if (recurrentInner.config.goBackwards) {
      // Keras 3 raises here; Keras 2 silently swapped the two directions.
      ctx.error(
        "layer",
        Codes.BidirectionalBackwards,
        "bidirectional() already runs a backward copy of its layer; remove backwards=true from the wrapped layer (Keras 3 rejects this too).",
      );
      return undefined;
    }
    return { recurrent: recurrentInner.config, merge: args.get("merge") as Merge, inner: recurrentInner };
  },
  undefined,
);

function defineShorthand(cell: CellKind, name: string, wrapped: string): LayerDefinition<BidirectionalConfig> {
  const params = recurrentParams(cell).filter((p) => p.name !== "name");
  return defineBidirectional(
    name,
    `Shorthand for \`bidirectional(${wrapped}(u, ...), merge=...)\`: a forward and a backward ${wrapped}, merged. \`state=true\` returns the output, the forward states, then the backward ones (${
      CELLS[cell].stateNames.length * 2 + 1
    } values). Params: twice the ${wrapped}'s.`,
    [...params, mergeParam, nameParam],
    (args: ReadonlyMap<string, ParamValue>, ctx) => {
      const recurrent = configureRecurrent(cell, args, ctx);
      if (!recurrent) return undefined;
      if (recurrent.stateful) {
        ctx.error("stateful", Codes.StatefulBidirectional, statefulBidirectionalMessage(`${name}()`));
        return undefined;
      }
      if (recurrent.goBackwards) {
        ctx.error("backwards", Codes.BidirectionalBackwards, `${name}() already runs a backward copy; remove backwards=true.`);
        return undefined;
      }
      return { recurrent, merge: args.get("merge") as Merge };
    },
    cell,
  );
}

export const birnnLayer = defineShorthand("simple_rnn", "birnn", "rnn");
export const bigruLayer = defineShorthand("gru", "bigru", "gru");
export const bilstmLayer = defineShorthand("lstm", "bilstm", "lstm");

// A masked recurrent op, exact for every mask and fast for padded ones (INTEROP.md §1.5, "Recommended
// graph"): the graph itself tests the mask it is given and picks
//   If (every row a prefix: post-padded)  → the fused node with sequence_lens + fix-ups
//   else If (every row a suffix: pre-padded) → the same inside a ReverseSequence sandwich
//   else                                  → the Scan (scan.ts: holes, anything else).
// The fix-ups make the fused node's numbers Keras's: a masked step repeats the previous output (ONNX
// writes 0 there) or outputs 0 with zeroOutputForMask; a row with no kept step keeps its initial state
// and outputs 0 (or h0, outputStartsAtState) — ONNX leaves L = 0 undefined, so max(L,1) is fed and
// the results of such rows are replaced.
import type { RecurrentOp } from "../ir/graph.js";
import { ElemType } from "./messages.js";
import { fusedNode, reverseTime, type FusedResults, type FusedWeights } from "./fused.js";
import { scanRecurrent, type RecurrentSources, type RecurrentTargets } from "./scan.js";
import type { OnnxWriter } from "./writer.js";

/**
 * The mask's facts every branch reads, computed once in the model's graph. None is a Cast's output:
 * ORT's optimizer warns that it cannot rename such a value where a subgraph reads it.
 */
interface MaskFacts {
  /** The mask [B,T,1], to select whole steps of [B,T,u]. */
  steps: string;
  /** max(L,1), L the kept steps per row: int32 [B] (sequence_lens; ReverseSequence casts it to int64). */
  lengths: string;
  /** T repeated, int64 [B]: ReverseSequence over every step. */
  fullLengths: string;
  /** L > 0, [B,1]. */
  rowUsed: string;
  isPrefix: string;
  isSuffix: string;
}

/** One direction of a masked op: what it is, what it reads and what it writes. */
export interface MaskedDirection {
  op: RecurrentOp;
  layer: string;
  sources: RecurrentSources;
  targets: RecurrentTargets;
}

/**
 * Writes a masked op (sources.mask set) — or a bidirectional layer's two, on one x and one mask,
 * with `weights` stacked [2,…]: its fast branches are then one bidirectional node — as the If of
 * its three lowerings, into the targets.
 */
export function maskedRecurrent(w: OnnxWriter, directions: readonly MaskedDirection[], weights: FusedWeights): void {
  const facts = maskFacts(w, directions[0]!.sources.mask!);
  const listed = (t: RecurrentTargets) => [t.output, t.h, t.c].filter((v): v is string => v !== undefined);
  const wanted = directions.flatMap((d) => listed(d.targets));
  const types = wanted.map(() => "float" as const);
  // A branch's own names for the targets (subgraph values are distinct from the model's).
  const branchTargets = () =>
    directions.map(({ targets }) => ({
      ...(targets.output !== undefined ? { output: w.fresh("out") } : {}),
      ...(targets.h !== undefined ? { h: w.fresh("h") } : {}),
      ...(targets.c !== undefined ? { c: w.fresh("c") } : {}),
    }));
  const padded = (suffix: boolean) =>
    w.subgraph(suffix ? "pre_padded" : "post_padded", [], types, () => {
      const targets = branchTargets();
      paddedRecurrent(w, directions, targets, weights, facts, suffix);
      return targets.flatMap(listed);
    });
  const scan = w.subgraph("scan", [], types, () => {
    const targets = branchTargets();
    directions.forEach((d, k) =>
      scanRecurrent(w, d.op, d.layer, directionWeights(w, weights, directions.length, k), d.sources, targets[k]!),
    );
    return targets.flatMap(listed);
  });
  const otherwise = w.subgraph("not_post_padded", [], types, () => {
    const results = wanted.map(() => w.fresh("result"));
    w.emit("If", [facts.isSuffix], results, { then_branch: padded(true), else_branch: scan });
    return results;
  });
  w.emit("If", [facts.isPrefix], wanted, { then_branch: padded(false), else_branch: otherwise });
}

/** Direction k's weights [1,…] of weights stacked for `count` directions (a Slice on axis 0). */
function directionWeights(w: OnnxWriter, weights: FusedWeights, count: number, k: number): FusedWeights {
  if (count === 1) return weights;
  const starts = w.int64s("starts", [k]);
  const ends = w.int64s("ends", [k + 1]);
  const axes = w.int64s("axes", [0]);
  const slice = (m: string) => {
    if (!m) return "";
    const out = w.fresh("direction_weights");
    w.emit("Slice", [m, starts, ends, axes], [out]);
    return out;
  };
  return { W: slice(weights.W), R: slice(weights.R), B: slice(weights.B) };
}

function maskFacts(w: OnnxWriter, mask: string): MaskFacts {
  const out = (opType: string, inputs: string[], label: string, attributes?: Parameters<OnnxWriter["emit"]>[3]) =>
    emitted(w, opType, inputs, label, attributes);
  const int32 = (value: number) => w.initializer(w.fresh("i32"), [], Int32Array.of(value));
  const toInt32 = { to: { int: ElemType.int32 } };
  const lengths = out("ReduceSum", [out("Cast", [mask], "mask_i32", toInt32), w.int64s("axis1", [1])], "lengths", {
    keepdims: { int: 0 },
  });
  const T = w.shapeSlice(mask, 1, 2);
  const T32 = out("Cast", [T], "T_i32", toInt32);
  // Range in int64, T's own type: ORT's shape inference refuses an int32 Range whose limit is a
  // Cast of a static shape ("All inputs to 'Range' op must be of the same type").
  const int64 = (value: bigint) => w.initializer(w.fresh("i64"), [], BigInt64Array.of(value));
  const steps64 = out("Range", [int64(0n), out("Squeeze", [T], "T"), int64(1n)], "steps_i64");
  const steps = out("Cast", [steps64], "steps", toInt32);
  const stepRow = out("Unsqueeze", [steps, w.int64s("axis0", [0])], "step_row");
  const lengthColumn = out("Unsqueeze", [lengths, w.int64s("axis1", [1])], "length_column");
  const prefix = out("Less", [stepRow, lengthColumn], "prefix_mask");
  const suffix = out("GreaterOrEqual", [stepRow, out("Sub", [T32, lengthColumn], "first_kept")], "suffix_mask");
  // Whether `mask` equals `expected` everywhere: no step differs.
  const equals = (expected: string, label: string) => {
    const differs = out("Cast", [out("Xor", [mask, expected], `${label}_differs`)], `${label}_differs_i32`, toInt32);
    const any = out("ReduceMax", [differs], `${label}_any_differs`, { keepdims: { int: 0 } });
    return out("Not", [out("Cast", [any], `${label}_any_bool`, { to: { int: ElemType.bool } })], label);
  };
  return {
    steps: out("Unsqueeze", [mask, w.int64s("axis2", [2])], "mask_steps"),
    lengths: out("Max", [lengths, int32(1)], "sequence_lens"),
    fullLengths: out("Expand", [T, w.shapeSlice(mask, 0, 1)], "full_lengths"),
    rowUsed: out("Greater", [lengthColumn, int32(0)], "row_used"),
    isPrefix: equals(prefix, "is_post_padded"),
    isSuffix: equals(suffix, "is_pre_padded"),
  };
}

/**
 * The fused node on a post-padded mask (or, `suffix`, a pre-padded one: x's kept steps moved to the
 * front by ReverseSequence over T then over L, and the outputs moved back), then each direction's
 * fix-ups.
 */
function paddedRecurrent(
  w: OnnxWriter,
  directions: readonly MaskedDirection[],
  targets: readonly RecurrentTargets[],
  weights: FusedWeights,
  facts: MaskFacts,
  suffix: boolean,
): void {
  const first = directions[0]!;
  let x = emitted(w, "Transpose", [first.sources.x], "x_tbf", { perm: { ints: [1, 0, 2] } });
  const lengths64 = suffix ? emitted(w, "Cast", [facts.lengths], "lengths_i64", { to: { int: ElemType.int64 } }) : undefined;
  if (lengths64) x = reverse(w, reverse(w, x, facts.fullLengths, "x_reversed"), lengths64, "x_kept_first");
  const results = fusedNode(
    w,
    first.op,
    first.layer,
    weights,
    x,
    directions.map((d) => d.sources),
    { sequence: targets.some((t) => t.output !== undefined), c: targets.some((t) => t.c !== undefined), lengths: facts.lengths },
  );
  directions.forEach((d, k) => fixUps(w, d, results[k]!, targets[k]!, facts, lengths64));
}

/** One name out of one new node. */
function emitted(w: OnnxWriter, opType: string, inputs: string[], label: string, attributes?: Parameters<OnnxWriter["emit"]>[3]): string {
  const name = w.fresh(label);
  w.emit(opType, inputs, [name], attributes);
  return name;
}

/** [T,B,…] with each row's first `lengths` steps reversed (ReverseSequence's time axis 0). */
function reverse(w: OnnxWriter, value: string, lengths: string, label: string): string {
  return emitted(w, "ReverseSequence", [value, lengths], label);
}

/** One direction's fused results made Keras's (see the top of this file), into its targets. */
function fixUps(
  w: OnnxWriter,
  direction: MaskedDirection,
  results: FusedResults,
  targets: RecurrentTargets,
  facts: MaskFacts,
  /** For a pre-padded mask: max(L,1) as int64, for ReverseSequence. */
  suffixLengths: string | undefined,
): void {
  const { op, sources } = direction;
  const suffix = suffixLengths !== undefined;
  const out = (opType: string, inputs: string[], label: string, attributes?: Parameters<OnnxWriter["emit"]>[3]) =>
    emitted(w, opType, inputs, label, attributes);
  let zeroName: string | undefined; // written only when read (ORT warns about unread initializers)
  const zero = () => (zeroName ??= w.initializer(w.fresh("zero"), [], Float32Array.of(0)));
  // A row with no kept step keeps its initial states.
  if (targets.h !== undefined) w.emit("Where", [facts.rowUsed, results.h, sources.h0 ?? zero()], [targets.h]);
  if (targets.c !== undefined) w.emit("Where", [facts.rowUsed, results.c!, sources.c0 ?? zero()], [targets.c]);
  if (targets.output === undefined) return;

  let sequence = results.sequence!;
  if (suffix) sequence = reverse(w, reverse(w, sequence, suffixLengths, "Y_reversed"), facts.fullLengths, "Y_in_place");
  const batchFirst = out("Transpose", [sequence], "Y_btu", { perm: { ints: [1, 0, 2] } });
  // What a masked step outputs: 0 (zeroOutputForMask), else the previous output — the last kept
  // step's when the masked steps come after the kept ones in processing order (post-padded
  // forwards, pre-padded backwards), else the output before the first step (0, or h0).
  const before = op.outputStartsAtState && sources.h0 ? sources.h0 : undefined; // undefined: 0
  const keptFirst = suffix === op.goBackwards;
  let fallback: string;
  if (op.zeroOutputForMask) fallback = zero();
  else {
    const previous = keptFirst ? out("Where", [facts.rowUsed, results.h, before ?? zero()], "last_output") : before;
    fallback = previous === undefined ? zero() : out("Unsqueeze", [previous, w.int64s("axis1", [1])], "fallback");
  }
  const inTimeOrder = out("Where", [facts.steps, batchFirst, fallback], "sequence");
  if (!op.returnSequences) {
    // The output of the last step processed: t = T−1, or t = 0 going backwards.
    const last = w.initializer(w.fresh("last_step"), [], BigInt64Array.of(op.goBackwards ? 0n : -1n));
    w.emit("Gather", [inTimeOrder, last], [targets.output], { axis: { int: 1 } });
  } else if (op.goBackwards && !op.sequenceInTimeOrder) {
    reverseTime(w, inTimeOrder, targets.output);
  } else {
    w.emit("Identity", [inTimeOrder], [targets.output]);
  }
}

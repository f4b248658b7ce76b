// Where each comment of a .rnn file goes when the file is printed.
//
// Comments attach only to "anchors": nodes that the printer can start on a line of their own —
// models, model inputs, statements, dims of a tensor type, call arguments, tuple items and the
// stages of a pipeline. For each comment we find the innermost list of anchors that contains it
// (the file's models, a model's inputs or body, a call's arguments, a tuple, a pipeline, a type's
// dims) and then, as prettier does:
//
// - a comment alone on its line becomes a leading comment of the next anchor in that list, else a
//   trailing comment of the previous one, else a dangling comment of the list;
// - a comment at the end of a line of code becomes a trailing comment of the previous anchor,
//   else a leading comment of the next one, else a dangling comment of the list.
//
// A comment inside an anchor but in none of its lists (`y = # why\n f(x)`) belongs to that anchor:
// leading if alone on its line, trailing otherwise. So a comment never leaves the statement (or
// model header) it was written in: the printer prints a leading comment on its own line before the
// anchor, and a trailing one at the end of the line where the anchor ends.
//
// Pipelines are the exception to "an anchor starts a line": their first stage never does, and
// nothing of the pipeline follows its last. So what would lead the first stage leads the anchor the
// pipeline is in, and what would trail the last stage trails it. Without that, formatting the
// output again would attach those comments elsewhere and print them differently.
import type { Comment } from "../syntax/parse.js";
import type {
  Argument,
  DimExpr,
  EditionDecl,
  Expr,
  File,
  InputDecl,
  ModelDecl,
  PipeExpr,
  Statement,
  TensorTypeExpr,
  CallExpr,
  TupleExpr,
} from "../syntax/ast.js";

export type Anchor = EditionDecl | ModelDecl | InputDecl | Statement | DimExpr | Argument | Expr;

export interface Attached {
  leading: Comment[];
  trailing: Comment[];
}

export interface AttachedComments {
  /** Leading and trailing comments of anchors. */
  anchors: Map<Anchor, Attached>;
  /** Dangling comments, by the node that owns the list: File, Call (arguments), TensorType (dims), Model (body). */
  dangling: Map<object, Comment[]>;
  /** Dangling comments of a model's empty input list. */
  headerDangling: Map<ModelDecl, Comment[]>;
  /** A comment at the end of a model's `{` line, before any statement. */
  afterBrace: Map<ModelDecl, Comment[]>;
  /**
   * Comments attached away from where the rules above put them, to keep every comment after the ones
   * before it. Printed without the blank line before them, so that formatting again attaches them
   * where they then stand and prints the same text.
   */
  rerouted: Set<Comment>;
}

type List =
  | { kind: "file"; owner: File; items: readonly (EditionDecl | ModelDecl)[] }
  | { kind: "header"; owner: ModelDecl; items: readonly InputDecl[] }
  | { kind: "body"; owner: ModelDecl; items: readonly Statement[] }
  | { kind: "dims"; owner: TensorTypeExpr; items: readonly DimExpr[] }
  | { kind: "args"; owner: CallExpr; items: readonly Argument[] }
  | { kind: "tuple"; owner: TupleExpr; items: readonly Expr[] }
  | { kind: "pipe"; owner: PipeExpr; items: readonly Expr[] };

const start = (node: { range: { start: { offset: number } } }) => node.range.start.offset;
const end = (node: { range: { end: { offset: number } } }) => node.range.end.offset;

/** The file's edition statements and models, in source order. */
export function topLevel(file: File): (EditionDecl | ModelDecl)[] {
  return [...file.editions, ...file.models].sort((a, b) => start(a) - start(b));
}

/** `a |> b |> c` (left-nested in the AST) as its stages [a, b, c]. */
export function pipeStages(pipe: PipeExpr): Expr[] {
  const stages: Expr[] = [];
  let node: Expr = pipe;
  while (node.kind === "Pipe") {
    stages.push(node.right);
    node = node.left;
  }
  stages.push(node);
  return stages.reverse();
}

/** Whether only whitespace stands between the start of its line and `offset`. */
export function isOwnLine(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === "\n" || ch === "\r") return true;
    if (ch !== " " && ch !== "\t" && ch !== "\uFEFF") return false;
  }
  return true;
}

export function attachComments(file: File, comments: readonly Comment[], text: string): AttachedComments {
  const result: AttachedComments = {
    anchors: new Map(),
    dangling: new Map(),
    headerDangling: new Map(),
    afterBrace: new Map(),
    rerouted: new Set(),
  };
  const push = <K>(map: Map<K, Comment[]>, key: K, comment: Comment) => {
    const list = map.get(key);
    if (list) list.push(comment);
    else map.set(key, [comment]);
  };
  // The previous comment's attachment: a comment must never be printed before an earlier one.
  // `nextStage`: set when it trails a pipeline's first stage, where a second trailing comment would
  // be printed on a line of its own, as if it led the next stage (so it does).
  let last: { anchor: Anchor; where: "leading" | "trailing"; nextStage?: Anchor } | undefined;
  // A dangling comment printed inside an anchor: a later comment leading that anchor joins it there.
  let lastDangling: { map: Map<object, Comment[]>; owner: { range: Anchor["range"] } } | undefined;
  const attach = (anchor: Anchor, where: "leading" | "trailing", comment: Comment, nextStage?: Anchor) => {
    const d = lastDangling;
    lastDangling = undefined;
    if (d && where === "leading" && start(anchor) <= start(d.owner) && start(d.owner) < end(anchor)) {
      d.map.get(d.owner)!.push(comment);
      result.rerouted.add(comment);
      lastDangling = d;
      last = undefined;
      return;
    }
    if (last?.where === "leading" && where === "leading" && start(last.anchor) > start(anchor) && end(last.anchor) <= end(anchor)) {
      // The previous comment leads an anchor inside this one's: leading here would print this comment
      // before it. It leads that inner anchor too, after the previous one.
      ({ anchor, where } = last);
      result.rerouted.add(comment);
    } else if (last?.where === "leading" && where === "trailing" && start(last.anchor) >= end(anchor)) {
      // The previous comment leads an anchor after this one's: trailing here would print this comment
      // at the end of the line before it. It leads that anchor too, after the previous one.
      ({ anchor, where } = last);
      result.rerouted.add(comment);
    } else if (
      last?.where === "trailing" &&
      (where === "leading" ? start(anchor) < end(last.anchor) : start(anchor) >= start(last.anchor) && end(anchor) <= end(last.anchor))
    ) {
      // The previous comment trails an anchor this one's is in (or is): leading or trailing here would
      // print this comment before it. It trails that anchor too, on a line of its own after the previous one.
      if (anchor !== last.anchor || where !== "trailing") result.rerouted.add(comment);
      if (last.nextStage) {
        anchor = last.nextStage;
        where = "leading";
      } else ({ anchor, where, nextStage } = last);
    }
    let entry = result.anchors.get(anchor);
    if (!entry) result.anchors.set(anchor, (entry = { leading: [], trailing: [] }));
    entry[where].push(comment);
    last = where === "trailing" && nextStage ? { anchor, where, nextStage } : { anchor, where };
  };
  /** A dangling comment inside an anchor whose (earlier) trailing comment prints after it trails that anchor too. */
  const dangle = <K extends object>(map: Map<K, Comment[]>, owner: K, comment: Comment) => {
    const inside = (node: unknown): node is { range: Anchor["range"] } => typeof node === "object" && node !== null && "range" in node;
    if (last?.where === "trailing" && inside(owner) && start(owner) >= start(last.anchor) && start(owner) < end(last.anchor)) {
      attach(last.anchor, "trailing", comment, last.nextStage);
      result.rerouted.add(comment);
      return;
    }
    push(map, owner, comment);
    last = undefined;
    lastDangling = inside(owner) ? { map: map as Map<object, Comment[]>, owner } : undefined;
  };

  const items = topLevel(file);
  for (const comment of comments) {
    const at = comment.range.start.offset;
    const ownLine = isOwnLine(text, at);
    // The lists that contain the comment, outermost first, each with the anchor it is in.
    const path: { list: List; index: number }[] = [];
    let list: List = { kind: "file", owner: file, items };
    // The first stage of a pipeline does not start a line: what would lead it leads the anchor
    // the pipeline is in (or that one's, and so on).
    const lead = (anchor: Anchor, within: List) => {
      let level = path.length;
      while (within.kind === "pipe" && anchor === within.items[0] && level > 0) {
        const up = path[--level]!;
        within = up.list;
        anchor = up.list.items[up.index]!;
      }
      attach(anchor, "leading", comment);
    };
    // Likewise nothing of a pipeline follows its last stage: what would trail that stage would be
    // printed after the pipeline, so it trails the anchor the pipeline is in.
    const trail = (anchor: Anchor, within: List) => {
      let level = path.length;
      while (within.kind === "pipe" && anchor === within.items[within.items.length - 1] && level > 0) {
        const up = path[--level]!;
        within = up.list;
        anchor = up.list.items[up.index]!;
      }
      // A second comment after a pipeline's first stage is printed on a line of its own, where it
      // would lead the next stage (whose lines are indented): so it leads the next stage.
      if (within.kind === "pipe" && anchor === within.items[0] && result.anchors.get(anchor)?.trailing.length) {
        attach(within.items[1]!, "leading", comment);
      } else {
        attach(anchor, "trailing", comment, within.kind === "pipe" && anchor === within.items[0] ? within.items[1] : undefined);
      }
    };
    for (;;) {
      const { index, containing } = locate<Anchor>(list.items, at);
      if (containing) {
        const inner = innerList(containing, at);
        if (inner) {
          path.push({ list, index });
          list = inner;
          continue;
        }
        // Inside an anchor, in none of its lists. (Inside `keras N` it leads: the number ends the line.)
        if (ownLine || containing.kind === "Edition") lead(containing, list);
        else trail(containing, list);
        break;
      }
      const previous = list.items[index - 1];
      const next = list.items[index];
      if (list.kind === "body" && !ownLine && !previous) {
        push(result.afterBrace, list.owner, comment);
        last = undefined;
        lastDangling = undefined;
      } else if (next && (ownLine || !previous)) lead(next, list);
      else if (previous) trail(previous, list);
      else if (list.kind === "header") dangle(result.headerDangling, list.owner, comment);
      else dangle(result.dangling, list.owner, comment);
      break;
    }
  }
  return result;
}

/**
 * The index of the first item that ends after `at`, and that item if it contains `at` strictly
 * (items are in source order and do not overlap).
 */
function locate<T extends { range: { start: { offset: number }; end: { offset: number } } }>(
  items: readonly T[],
  at: number,
): { index: number; containing: T | undefined } {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (end(items[mid]!) <= at) lo = mid + 1;
    else hi = mid;
  }
  const item = items[lo];
  return { index: lo, containing: item && start(item) < at && at < end(item) ? item : undefined };
}

/** The list inside `anchor` that contains `at`, if any. */
function innerList(anchor: Anchor, at: number): List | undefined {
  switch (anchor.kind) {
    case "Model":
      return at >= anchor.bodyRange.start.offset
        ? { kind: "body", owner: anchor, items: anchor.body }
        : { kind: "header", owner: anchor, items: anchor.inputs };
    case "Input":
      return start(anchor.type) < at && at < end(anchor.type) ? { kind: "dims", owner: anchor.type, items: anchor.type.dims } : undefined;
    case "Assign":
      return listInExpr(anchor.value, at);
    case "Return": {
      const value = anchor.values.find((v) => start(v) < at && at < end(v));
      return value && listInExpr(value, at);
    }
    case "Argument":
      return listInExpr(anchor.value, at);
    case "IntDim":
    case "NamedDim":
    case "Edition":
      return undefined;
    default:
      return listInExpr(anchor, at);
  }
}

/** The outermost list of `expr` that contains `at`: a call's arguments, a tuple, a pipeline. */
function listInExpr(expr: Expr, at: number): List | undefined {
  let node = expr;
  for (;;) {
    if (!(start(node) < at && at < end(node))) return undefined;
    switch (node.kind) {
      case "Call":
        if (node.argsRange.start.offset < at && at < node.argsRange.end.offset) return { kind: "args", owner: node, items: node.args };
        node = node.callee;
        continue;
      case "Tuple":
        return { kind: "tuple", owner: node, items: node.items };
      case "Pipe":
        return { kind: "pipe", owner: node, items: pipeStages(node) };
      default:
        return undefined;
    }
  }
}

// What the formatter tests assert about a text and its formatted form: the AST is the same but for
// ranges, every comment is still there, and each comment is still with the same statement.
import fc from "fast-check";
import { parse, type Ast, type Comment } from "../../src/index.js";

const RANGE_KEYS = new Set(["range", "argsRange", "bodyRange", "keywordRange"]);

/** The AST of a text without its ranges, as JSON (parse errors are an error here). */
export function astWithoutRanges(text: string): string {
  const result = parse(text);
  if (result.diagnostics.length > 0) throw new Error(`does not parse: ${result.diagnostics[0]!.message}\n${text}`);
  return JSON.stringify(result.file, (key, value) => (RANGE_KEYS.has(key) ? undefined : value));
}

/**
 * Where a comment is, at the granularity the formatter promises to keep: between which models,
 * and between (or inside) which model inputs and statements — the "items" of the file, counted in
 * source order.
 */
interface Place {
  text: string;
  modelsStarted: number;
  modelsEnded: number;
  itemsStarted: number;
  itemsEnded: number;
}

function places(text: string): Place[] {
  const { file, comments } = parse(text);
  const items = file.models.flatMap((m): { range: Ast.Range }[] => [...m.inputs, ...m.body]);
  const before = (o: number, nodes: readonly { range: Ast.Range }[], edge: "start" | "end") =>
    nodes.filter((n) => (edge === "start" ? n.range.start.offset < o : n.range.end.offset <= o)).length;
  return comments.map((c: Comment) => {
    const o = c.range.start.offset;
    return {
      text: c.text.trimEnd(),
      modelsStarted: before(o, file.models, "start"),
      modelsEnded: before(o, file.models, "end"),
      itemsStarted: before(o, items, "start"),
      itemsEnded: before(o, items, "end"),
    };
  });
}

/**
 * Every way `formatted` moved or lost a comment of `original`: the comments (their text without
 * trailing blanks) must be the same, in the same order, and each must stay between the same models
 * and the same items. A comment inside an item may move to just before it (if it stood on its own line)
 * or just after it (if it ended a line of code); the printer never moves one further.
 */
export function commentProblems(original: string, formatted: string): string[] {
  const before = places(original);
  const after = places(formatted);
  const problems: string[] = [];
  const sorted = (ps: Place[]) => ps.map((p) => p.text).sort();
  if (JSON.stringify(sorted(before)) !== JSON.stringify(sorted(after))) {
    problems.push(`comments differ: ${JSON.stringify(sorted(before))} became ${JSON.stringify(sorted(after))}`);
    return problems;
  }
  const order = (ps: Place[]) => ps.map((p) => p.text);
  if (JSON.stringify(order(before)) !== JSON.stringify(order(after))) {
    problems.push(`comments reordered: ${JSON.stringify(order(before))} became ${JSON.stringify(order(after))}`);
  }
  // The k-th comment with a given text corresponds to the k-th one with that text after formatting.
  const remaining = new Map<string, Place[]>();
  for (const p of after) remaining.set(p.text, [...(remaining.get(p.text) ?? []), p]);
  for (const b of before) {
    const a = remaining.get(b.text)!.shift()!;
    const inside = b.itemsStarted === b.itemsEnded + 1;
    const same = a.itemsStarted === b.itemsStarted && a.itemsEnded === b.itemsEnded;
    const justBefore = inside && a.itemsStarted === b.itemsStarted - 1 && a.itemsEnded === b.itemsEnded;
    const justAfter = inside && a.itemsStarted === b.itemsStarted && a.itemsEnded === b.itemsEnded + 1;
    if (a.modelsStarted !== b.modelsStarted || a.modelsEnded !== b.modelsEnded || !(same || justBefore || justAfter)) {
      problems.push(`${JSON.stringify(b.text)} moved from ${JSON.stringify(b)} to ${JSON.stringify(a)}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries: comments inserted at random token boundaries, and random re-spacing.

/** The offsets just after each token of `text` (and 0): where a comment can be inserted. */
function boundaries(text: string): number[] {
  const { tokens } = parse(text);
  return [0, ...tokens.map((t) => t.startOffset + t.image.length)];
}

/**
 * `text` with comments inserted after random tokens: at the end of a line of code (` # cN`) or on
 * a line of their own (`\n    # cN`), each followed by a line break so that the code goes on.
 */
export function withComments(text: string, maxComments = 8): fc.Arbitrary<string> {
  const points = boundaries(text);
  return fc
    .uniqueArray(
      fc.record({
        at: fc.nat({ max: points.length - 1 }),
        ownLine: fc.boolean(),
        indent: fc.constantFrom("", "  ", "\t"),
        blank: fc.boolean(),
      }),
      { minLength: 1, maxLength: maxComments, selector: (r) => r.at },
    )
    .map((inserts) => {
      let out = text;
      const sorted = [...inserts].sort((a, b) => points[b.at]! - points[a.at]!);
      sorted.forEach((ins, i) => {
        const at = points[ins.at]!;
        const comment = `# c${sorted.length - i}`;
        const piece = ins.ownLine ? `\n${ins.blank ? "\n" : ""}${ins.indent}${comment}\n` : ` ${comment}\n`;
        out = out.slice(0, at) + piece + out.slice(at);
      });
      return out;
    });
}

/** `text`'s tokens joined by random whitespace (no blank lines), its comments dropped. */
export function respaced(text: string): fc.Arbitrary<string> {
  const { tokens } = parse(text);
  return fc
    .array(fc.constantFrom("", " ", "  ", "\n", "\t", "\n    ", " \n "), { minLength: tokens.length, maxLength: tokens.length })
    .map((spaces) =>
      tokens.map((t, i) => t.image + (needsSpace(t.image, tokens[i + 1]?.image) && spaces[i] === "" ? " " : spaces[i])).join(""),
    );
}

/** Whether two tokens would run together without a space (`model M`, `x -1`). */
function needsSpace(left: string, right: string | undefined): boolean {
  if (right === undefined) return false;
  return /[A-Za-z0-9_.]$/.test(left) && /^[A-Za-z0-9_.-]/.test(right);
}

/**
 * `text` with every identifier lengthened by `_long` repeated 0 to 5 times, so that lines grow
 * past the width and lists and pipelines break (the meaning does not matter to the formatter).
 */
export function widened(text: string): fc.Arbitrary<string> {
  const { tokens } = parse(text);
  return fc.integer({ min: 0, max: 5 }).map((k) => {
    let out = text;
    for (const t of [...tokens].reverse()) {
      if (t.tokenType.name !== "Identifier") continue;
      out = out.slice(0, t.startOffset) + t.image + "_long".repeat(k) + out.slice(t.startOffset + t.image.length);
    }
    return out;
  });
}

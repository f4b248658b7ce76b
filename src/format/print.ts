// The layout of a .rnn file, as a prettier doc: 2-space indent, one statement per line, lists that
// break one item per line (no trailing comma) when they do not fit, pipelines that break before
// each `|>`. README.md ("Formatting") lists the choices.
import { doc } from "prettier";
import type {
  Argument,
  CallExpr,
  DimExpr,
  EditionDecl,
  Expr,
  File,
  InputDecl,
  ModelDecl,
  PipeExpr,
  Statement,
  TensorTypeExpr,
} from "../syntax/ast.js";
import type { Comment } from "../syntax/parse.js";
import { attachComments, isOwnLine, pipeStages, topLevel, type Anchor, type AttachedComments } from "./comments.js";

type Doc = doc.builders.Doc;
const { breakParent, fill, group, hardline, indent, join, line, lineSuffix, softline } = doc.builders;

/** The line width of the .rnn style. It is fixed: see `layout`. */
export const PRINT_WIDTH = 100;

/** What the plugin's parser hands the printer: the file, its comments and its text. */
export interface RnnRoot {
  kind: "RnnRoot";
  file: File;
  /** Not `comments`: prettier would take that property and attach the comments itself. */
  sourceComments: Comment[];
  text: string;
  range: File["range"];
}

/**
 * The doc for a whole file. Every comment of `root.sourceComments` is in it exactly once (the tests check
 * that none is lost or moved to another statement).
 */
export function printRoot(root: RnnRoot): Doc {
  return new Printer(root).file();
}

/**
 * A doc laid out in the .rnn style. The width and indentation are the language's, not prettier's
 * options: `rnnc fmt`, the editor and `prettier --plugin` agree whatever a .prettierrc says.
 */
export function layout(d: Doc): string {
  return doc.printer.printDocToString(d, { printWidth: PRINT_WIDTH, tabWidth: 2, useTabs: false }).formatted;
}

const ESCAPES: Record<string, string> = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** A string literal for `value`: `\\ \" \n \r \t` escaped, everything else as it is. */
export function quote(value: string): string {
  return `"${value.replace(/[\\"\n\r\t]/g, (c) => ESCAPES[c]!)}"`;
}

class Printer {
  private readonly text: string;
  private readonly attached: AttachedComments;

  constructor(private readonly root: RnnRoot) {
    this.text = root.text;
    this.attached = attachComments(root.file, root.sourceComments, root.text);
  }

  file(): Doc {
    const items = topLevel(this.root.file);
    const dangling = this.attached.dangling.get(this.root.file) ?? [];
    if (items.length === 0) return dangling.length > 0 ? [this.commentLines(dangling), hardline] : "";
    return [
      join(
        [hardline, hardline],
        items.map((item) => this.anchor(item, item.kind === "Edition" ? this.edition(item) : this.model(item))),
      ),
      hardline,
    ];
  }

  /** `keras 3`, the number as written (a wrong one is the checker's to report). */
  private edition(e: EditionDecl): Doc {
    return e.number ? `keras ${e.number.text}` : "keras";
  }

  // -------------------------------------------------------------------------------------------
  // Comments

  private commentText(comment: Comment): string {
    return comment.text.trimEnd();
  }

  /** An anchor with its comments: leading ones on their own lines before it, trailing ones after. */
  private anchor(node: Anchor, printed: Doc, { leading = true } = {}): Doc {
    const attached = this.attached.anchors.get(node);
    if (!attached) return printed;
    return [leading ? this.leading(attached.leading) : "", printed, this.trailing(attached.trailing)];
  }

  private leading(comments: readonly Comment[]): Doc {
    return comments.map((c) => [this.commentText(c), hardline, blankLineAfter(this.text, c.range.end.offset) ? hardline : ""]);
  }

  /**
   * Trailing comments wait for the end of the line (a line comment ends it); one that stood on a
   * line of its own in the source gets a line of its own after the anchor.
   */
  private trailing(comments: readonly Comment[]): Doc {
    return comments.map((c, i) => {
      const text = this.commentText(c);
      if (i === 0 && !isOwnLine(this.text, c.range.start.offset)) return [lineSuffix([" ", text]), breakParent];
      const blank = !this.attached.rerouted.has(c) && blankLineBefore(this.text, c.range.start.offset);
      return [lineSuffix([hardline, blank ? hardline : "", text]), breakParent];
    });
  }

  /** Comments on lines of their own, with at most one blank line where the source had some. */
  private commentLines(comments: readonly Comment[]): Doc {
    return comments.map((c, i) => [
      this.commentText(c),
      i < comments.length - 1 ? [hardline, blankLineAfter(this.text, c.range.end.offset) ? hardline : ""] : "",
    ]);
  }

  /**
   * `(items)` on one line, or one item per line; dangling comments alone inside. `tail` follows the
   * closing bracket inside the group, so that the items break when the tail does not fit either.
   */
  private list(open: string, items: Doc[], close: string, dangling: readonly Comment[] = [], tail: Doc = ""): Doc {
    if (items.length === 0) {
      if (dangling.length === 0) return [open, close, tail];
      return [open, indent([hardline, this.commentLines(dangling)]), hardline, close, tail];
    }
    return group([open, indent([softline, join([",", line], items)]), softline, close, tail]);
  }

  // -------------------------------------------------------------------------------------------
  // Declarations and statements

  private model(m: ModelDecl): Doc {
    const header = this.list(
      "(",
      m.inputs.map((input) => this.anchor(input, this.input(input))),
      ")",
      this.attached.headerDangling.get(m),
    );
    const afterBrace = (this.attached.afterBrace.get(m) ?? []).map((c) => [lineSuffix([" ", this.commentText(c)]), breakParent]);
    const dangling = this.attached.dangling.get(m) ?? [];
    let body: Doc;
    if (m.body.length > 0) body = [indent([hardline, this.statements(m.body)]), hardline];
    else if (dangling.length > 0) body = [indent([hardline, this.commentLines(dangling)]), hardline];
    else body = afterBrace.length > 0 ? hardline : "";
    return ["model ", m.name.name, header, " {", afterBrace, body, "}"];
  }

  private input(input: InputDecl): Doc {
    return [input.name.name, ": ", this.type(input.type)];
  }

  private type(type: TensorTypeExpr): Doc {
    const dims = type.dims.map((d) => this.anchor(d, dimText(d)));
    return [type.dtype ? type.dtype.name : "", this.list("[", dims, "]", this.attached.dangling.get(type))];
  }

  /** One statement per line, keeping (at most) one blank line where the source had one. */
  private statements(body: readonly Statement[]): Doc {
    return body.map((s, i) => [
      i > 0 ? [hardline, blankLineAfter(this.text, body[i - 1]!.range.end.offset) ? hardline : ""] : "",
      this.anchor(s, this.statement(s)),
    ]);
  }

  private statement(s: Statement): Doc {
    if (s.kind === "Assign") return [s.targets.map((t) => t.name).join(", "), " = ", this.expr(s.value)];
    // Values that do not fit continue on indented lines (a `,` at the end of a line continues the
    // statement, as newlines are insignificant).
    const values = s.values.map((v) => this.expr(v));
    return ["return ", values.length === 1 ? values[0]! : indent(fill(join([",", line], values) as Doc[]))];
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  private expr(e: Expr): Doc {
    switch (e.kind) {
      case "Number":
        return e.text;
      case "String":
        return quote(e.value);
      case "Bool":
        return e.value ? "true" : "false";
      case "Name":
        return e.name;
      case "Tuple": {
        const items = e.items.map((item) => this.anchor(item, this.expr(item)));
        // `(a,)` is a one-item tuple; `(a)` would be `a`.
        if (items.length === 1) return group(["(", indent([softline, items[0]!, ","]), softline, ")"]);
        return this.list("(", items, ")");
      }
      case "Call":
        return this.call(e);
      case "Pipe":
        return this.pipe(e);
      case "Error":
        // Never printed: a file with syntax errors is not formatted.
        throw new Error("cannot format an expression that did not parse");
    }
  }

  /** `f(a)(b)(c)`, built by a loop: call chains can be long. */
  private call(e: CallExpr): Doc {
    const calls: CallExpr[] = [];
    let callee: Expr = e;
    while (callee.kind === "Call") {
      calls.push(callee);
      callee = callee.callee;
    }
    calls.reverse();
    // Only a pipeline needs parentheses to be called: `(x |> f)(y)`.
    const parts: Doc[] = [callee.kind === "Pipe" ? this.parenthesized(this.pipe(callee)) : this.expr(callee)];
    // Of `lstm(64, seq=true, ...)(x)`, the longest argument list breaks first, while what follows
    // it stays on its closing line if it fits: `)(x)`. The lists after it are its group's tail.
    let longest = 0;
    if (calls.length > 1) {
      const widths = calls.map((call) => call.args.reduce((sum, a) => sum + flatText(a).length, 0));
      longest = widths.indexOf(Math.max(...widths));
    }
    const args = (call: CallExpr, tail?: Doc) =>
      this.list(
        "(",
        call.args.map((a) => this.anchor(a, this.argument(a))),
        ")",
        this.attached.dangling.get(call),
        tail,
      );
    parts.push(...calls.slice(0, longest).map((call) => args(call)));
    parts.push(
      args(
        calls[longest]!,
        calls.slice(longest + 1).map((call) => args(call)),
      ),
    );
    return parts;
  }

  private argument(a: Argument): Doc {
    return a.keyword ? [a.keyword.name, "=", this.expr(a.value)] : this.expr(a.value);
  }

  /** `x |> a |> b`, or, when that does not fit, a line per stage starting with `|>`. */
  private pipe(p: PipeExpr): Doc {
    const [first, ...rest] = pipeStages(p);
    return group([
      this.anchor(first!, this.expr(first!)),
      indent(
        rest.map((stage) => {
          // `a |> (b |> c)` keeps its parentheses; a stage's leading comments go before its `|>`.
          const printed = stage.kind === "Pipe" ? this.parenthesized(this.pipe(stage)) : this.expr(stage);
          return [
            line,
            this.leading(this.attached.anchors.get(stage)?.leading ?? []),
            "|> ",
            this.anchor(stage, printed, { leading: false }),
          ];
        }),
      ),
    ]);
  }

  private parenthesized(d: Doc): Doc {
    return group(["(", indent([softline, d]), softline, ")"]);
  }
}

/**
 * An argument or expression on one line, without comments: how wide it is decides which argument
 * list of a call chain breaks first. Computed from the AST alone, so that it is the same for a
 * text and its formatted form. Recursion follows parentheses only (bounded by the parser).
 */
function flatText(node: Argument | Expr): string {
  switch (node.kind) {
    case "Argument":
      return node.keyword ? `${node.keyword.name}=${flatText(node.value)}` : flatText(node.value);
    case "Number":
      return node.text;
    case "String":
      return quote(node.value);
    case "Bool":
      return node.value ? "true" : "false";
    case "Name":
      return node.name;
    case "Tuple":
      return `(${node.items.map(flatText).join(", ")}${node.items.length === 1 ? "," : ""})`;
    case "Call": {
      const lists: string[] = [];
      let callee: Expr = node;
      while (callee.kind === "Call") {
        lists.push(`(${callee.args.map(flatText).join(", ")})`);
        callee = callee.callee;
      }
      const head = callee.kind === "Pipe" ? `(${flatText(callee)})` : flatText(callee);
      return head + lists.reverse().join("");
    }
    case "Pipe":
      return pipeStages(node)
        .map((stage) => (stage.kind === "Pipe" ? `(${flatText(stage)})` : flatText(stage)))
        .join(" |> ");
    case "Error":
      return "";
  }
}

function dimText(d: DimExpr): string {
  return d.kind === "IntDim" ? d.text : d.name;
}

const isSpace = (ch: string | undefined) => ch === " " || ch === "\t" || ch === "\uFEFF";
const isNewline = (ch: string | undefined) => ch === "\n" || ch === "\r";

/** Skips one line break at `i` (`\r\n` counts as one); undefined if there is none. */
function skipNewline(text: string, i: number): number | undefined {
  if (text[i] === "\r" && text[i + 1] === "\n") return i + 2;
  return isNewline(text[i]) ? i + 1 : undefined;
}

/**
 * Whether the line after the one where `offset` is (after the code and any comment ending that
 * line) is blank.
 */
export function blankLineAfter(text: string, offset: number): boolean {
  let i = offset;
  while (isSpace(text[i])) i++;
  if (text[i] === "#") while (i < text.length && !isNewline(text[i])) i++;
  const next = skipNewline(text, i);
  if (next === undefined) return false;
  i = next;
  while (isSpace(text[i])) i++;
  return isNewline(text[i]);
}

/** Whether the line before the one where `offset` is, is blank. */
export function blankLineBefore(text: string, offset: number): boolean {
  let i = offset - 1;
  while (i >= 0 && isSpace(text[i])) i--;
  // The line break ending the previous line.
  if (text[i] === "\n" && text[i - 1] === "\r") i -= 2;
  else if (isNewline(text[i])) i--;
  else return false;
  while (i >= 0 && isSpace(text[i])) i--;
  return i >= 0 && isNewline(text[i]);
}

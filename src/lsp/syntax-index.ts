// An index of one checked file for the editor features: every identifier-like place (model and input
// declarations, dtype words, dim names, assignment targets, name references, keyword arguments) in
// source order with what it is, and the parent of every expression. Built by one walk of the AST the
// checker already produced; it resolves nothing itself.
import type { Ast, CheckedFile, Range } from "../index.js";

interface Base {
  range: Range;
  model: Ast.ModelDecl;
}

export type Occurrence =
  | (Base & { kind: "model" })
  | (Base & { kind: "input"; input: Ast.InputDecl })
  | (Base & { kind: "dtype"; type: Ast.TensorTypeExpr })
  | (Base & { kind: "dim"; name: string; type: Ast.TensorTypeExpr })
  | (Base & { kind: "target"; ident: Ast.Identifier; statement: Ast.Assignment; index: number })
  | (Base & { kind: "name"; ref: Ast.NameRef })
  | (Base & { kind: "keyword"; arg: Ast.Argument; call: Ast.CallExpr });

export type Parent = Ast.Node;

export class SyntaxIndex {
  /** Sorted by start offset. */
  readonly occurrences: Occurrence[] = [];
  /** The parent of every expression and argument (a statement, call, pipe, tuple or argument). */
  readonly parents = new Map<Ast.Expr | Ast.Argument, Parent>();
  /** The assignment each target identifier belongs to. */
  readonly statementOfTarget = new Map<Ast.Identifier, Ast.Assignment>();
  /** Every call by the offset of its `(`, for the features that start from tokens (completion, signature help). */
  readonly callsByParen = new Map<number, Ast.CallExpr>();

  constructor(readonly checked: CheckedFile) {
    for (const model of checked.parse.file.models) this.indexModel(model);
    this.occurrences.sort((a, b) => a.range.start.offset - b.range.start.offset);
  }

  private indexModel(model: Ast.ModelDecl): void {
    const add = (o: Occurrence) => this.occurrences.push(o);
    add({ kind: "model", range: model.name.range, model });
    for (const input of model.inputs) {
      add({ kind: "input", range: input.name.range, model, input });
      const type = input.type;
      if (type.dtype) add({ kind: "dtype", range: type.dtype.range, model, type });
      for (const dim of type.dims) if (dim.kind === "NamedDim") add({ kind: "dim", range: dim.range, model, name: dim.name, type });
    }
    const pending: { expr: Ast.Expr; parent: Parent }[] = [];
    for (const statement of model.body) {
      if (statement.kind === "Assign") {
        statement.targets.forEach((ident, index) => {
          this.statementOfTarget.set(ident, statement);
          add({ kind: "target", range: ident.range, model, ident, statement, index });
        });
        pending.push({ expr: statement.value, parent: statement });
      } else {
        for (const value of statement.values) pending.push({ expr: value, parent: statement });
      }
    }
    // An explicit stack: a pipeline of thousands of stages must not overflow the call stack.
    while (pending.length > 0) {
      const { expr, parent } = pending.pop()!;
      this.parents.set(expr, parent);
      switch (expr.kind) {
        case "Name":
          add({ kind: "name", range: expr.range, model, ref: expr });
          break;
        case "Tuple":
          for (const item of expr.items) pending.push({ expr: item, parent: expr });
          break;
        case "Pipe":
          pending.push({ expr: expr.left, parent: expr }, { expr: expr.right, parent: expr });
          break;
        case "Call":
          this.callsByParen.set(expr.argsRange.start.offset, expr);
          pending.push({ expr: expr.callee, parent: expr });
          for (const arg of expr.args) {
            this.parents.set(arg, expr);
            if (arg.keyword) add({ kind: "keyword", range: arg.keyword.range, model, arg, call: expr });
            pending.push({ expr: arg.value, parent: arg });
          }
          break;
        default:
          break;
      }
    }
  }

  /**
   * The occurrence under an offset: one that contains it, else (unless `strict`) one that ends
   * exactly there — the text cursor just after a name, as when renaming from the keyboard. Hover
   * is strict: the mouse is on a character, and `(` after `lstm` is not `lstm`.
   */
  at(offset: number, strict = false): Occurrence | undefined {
    const list = this.occurrences;
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.range.start.offset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    const o = list[found]!;
    if (offset < o.range.end.offset) return o;
    return offset === o.range.end.offset && !strict ? o : undefined;
  }

  /** The model whose text contains the offset. */
  modelAt(offset: number): Ast.ModelDecl | undefined {
    return this.checked.parse.file.models.find((m) => m.range.start.offset <= offset && offset <= m.range.end.offset);
  }

  /** The call whose callee is this expression, if it is one. */
  callOfCallee(expr: Ast.Expr): Ast.CallExpr | undefined {
    const parent = this.parents.get(expr);
    return parent?.kind === "Call" && parent.callee === expr ? parent : undefined;
  }

  /** The keyword argument whose value is this expression, if it is one. */
  keywordArgOf(expr: Ast.Expr): { arg: Ast.Argument; call: Ast.CallExpr } | undefined {
    const arg = this.parents.get(expr);
    if (arg?.kind !== "Argument" || !arg.keyword) return undefined;
    const call = this.parents.get(arg);
    return call?.kind === "Call" ? { arg, call } : undefined;
  }
}

// The abstract syntax tree of a .rnn file. Every node carries the source range it came from so
// that the checker, the CLI and the language server can point at it.

import type { Range } from "../source/range.js";

export type { Position, Range } from "../source/range.js";

export interface Identifier {
  kind: "Identifier";
  name: string;
  range: Range;
}

export interface File {
  kind: "File";
  models: ModelDecl[];
  /** Every `keras N` statement in source order; the checker accepts one, before the first model. */
  editions: EditionDecl[];
  range: Range;
}

/** `keras 3`: the Keras edition the file follows. The number is as written; the checker judges it. */
export interface EditionDecl {
  kind: "Edition";
  number: { value: number; text: string; range: Range } | undefined;
  range: Range;
}

export interface ModelDecl {
  kind: "Model";
  name: Identifier;
  inputs: InputDecl[];
  body: Statement[];
  range: Range;
  /** The range of the braces' contents, for folding. */
  bodyRange: Range;
}

export interface InputDecl {
  kind: "Input";
  name: Identifier;
  type: TensorTypeExpr;
  range: Range;
}

/** `[1, 4, 5]`, `int[B, T]`, `bool[B, T]`: the dtype word is checked by the checker. */
export interface TensorTypeExpr {
  kind: "TensorType";
  dtype: Identifier | undefined;
  dims: DimExpr[];
  range: Range;
}

export type DimExpr = { kind: "IntDim"; value: number; text: string; range: Range } | { kind: "NamedDim"; name: string; range: Range };

export type Statement = Assignment | ReturnStatement;

export interface Assignment {
  kind: "Assign";
  /** `_` is an Identifier named "_". */
  targets: Identifier[];
  value: Expr;
  range: Range;
}

export interface ReturnStatement {
  kind: "Return";
  values: Expr[];
  range: Range;
  keywordRange: Range;
}

export type Expr = NumberLit | StringLit | BoolLit | NameRef | TupleExpr | CallExpr | PipeExpr | ErrorExpr;

export interface NumberLit {
  kind: "Number";
  value: number;
  text: string;
  range: Range;
}

export interface StringLit {
  kind: "String";
  value: string;
  range: Range;
}

export interface BoolLit {
  kind: "Bool";
  value: boolean;
  range: Range;
}

export interface NameRef {
  kind: "Name";
  name: string;
  range: Range;
}

/** `(a, b)`; a parenthesised single expression is not a tuple. */
export interface TupleExpr {
  kind: "Tuple";
  items: Expr[];
  range: Range;
}

export interface CallExpr {
  kind: "Call";
  callee: Expr;
  args: Argument[];
  range: Range;
  /** The parentheses, `(` to `)` inclusive: where a keyword can be inserted. */
  argsRange: Range;
}

export interface Argument {
  kind: "Argument";
  /** Present for keyword arguments `name=value`. */
  keyword: Identifier | undefined;
  value: Expr;
  range: Range;
}

/** `left |> right`: apply the layer `right` to `left`. */
export interface PipeExpr {
  kind: "Pipe";
  left: Expr;
  right: Expr;
  range: Range;
}

/** What the parser produced where it recovered from a syntax error. */
export interface ErrorExpr {
  kind: "Error";
  range: Range;
}

export type Node = File | EditionDecl | ModelDecl | InputDecl | TensorTypeExpr | Statement | Expr | Argument | Identifier;

// CST → AST. The CST may come from a recovered parse: any child can be missing, a node can be a
// partial `recoveredNode`, and tokens inserted by recovery have no position. Every builder here
// accepts that and produces a well-formed AST: a missing expression becomes an Error node, a
// model or input without a name is dropped. Nothing here throws.
//
// Recursion only follows parentheses (whose depth parse() bounds); pipe chains and call chains,
// which can be thousands long, are built by loops.
import type { CstElement, CstNode, IToken } from "chevrotain";
import type { LineIndex, Range } from "../source/range.js";
import type {
  Argument,
  Assignment,
  DimExpr,
  EditionDecl,
  Expr,
  File,
  Identifier as IdentifierNode,
  InputDecl,
  ModelDecl,
  ReturnStatement,
  Statement,
  TensorTypeExpr,
} from "./ast.js";
import {
  Colon,
  Comma,
  Equals,
  FalseKw,
  Identifier,
  KerasKw,
  LBrace,
  LBracket,
  LParen,
  ModelKw,
  NumberLit,
  Pipe,
  RBrace,
  RBracket,
  ReturnKw,
  RParen,
  Semicolon,
  StringLit,
  TrueKw,
  UnterminatedString,
} from "./tokens.js";

/** A token the lexer produced, as opposed to one recovery invented (which has NaN offsets). */
export function isRealToken(token: IToken): boolean {
  return !token.isInsertedInRecovery && Number.isFinite(token.startOffset);
}

/** The offset just past a token. (The lexer tracks start offsets only: it is faster, and enough.) */
export function tokenEnd(token: IToken): number {
  return token.startOffset + token.image.length;
}

function isToken(element: CstElement): element is IToken {
  return "tokenType" in element;
}

function realTokens(node: CstNode | undefined, key: string): IToken[] {
  return (node?.children[key] ?? []).filter((e): e is IToken => isToken(e) && isRealToken(e));
}

function firstToken(node: CstNode | undefined, key: string): IToken | undefined {
  return realTokens(node, key)[0];
}

function childNodes(node: CstNode | undefined, key: string): CstNode[] {
  return (node?.children[key] ?? []).filter((e): e is CstNode => !isToken(e));
}

/**
 * An expression with its syntactic extent in offsets, which includes grouping parentheses that the
 * AST does not keep: the call `(f)(x)` starts at the first `(`, not at `f`.
 */
interface Built {
  expr: Expr;
  start: number;
  end: number;
}

const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };

/** The value of a string literal: `\n \t \r \" \\` are escapes, any other `\c` stands for `c`. */
function stringValue(token: IToken): string {
  const body = token.tokenType === UnterminatedString ? token.image.slice(1) : token.image.slice(1, -1);
  return body.replace(/\\(.?)/gs, (_, c: string) => escapes[c] ?? c);
}

class AstBuilder {
  constructor(private readonly lines: LineIndex) {}

  file(cst: CstNode): File {
    const models = childNodes(cst, "model").flatMap((node) => this.model(node) ?? []);
    const editions = childNodes(cst, "edition").flatMap((node) => this.edition(node) ?? []);
    return { kind: "File", models, editions, range: this.lines.range(0, this.lines.text.length) };
  }

  private edition(cst: CstNode): EditionDecl | undefined {
    const keyword = firstToken(cst, KerasKw.name);
    if (!keyword) return undefined;
    const token = firstToken(cst, NumberLit.name);
    const number = token && { value: Number(token.image), text: token.image, range: this.range(token.startOffset, tokenEnd(token)) };
    return { kind: "Edition", number, range: this.range(keyword.startOffset, token ? tokenEnd(token) : tokenEnd(keyword)) };
  }

  private range(start: number, end: number): Range {
    return this.lines.range(start, Math.max(start, end));
  }

  private identifier(token: IToken): IdentifierNode {
    return { kind: "Identifier", name: token.image, range: this.range(token.startOffset, tokenEnd(token)) };
  }

  private model(cst: CstNode): ModelDecl | undefined {
    const name = firstToken(cst, "name");
    if (!name) return undefined;
    const keyword = firstToken(cst, ModelKw.name);
    const rparen = firstToken(cst, RParen.name);
    const lbrace = firstToken(cst, LBrace.name);
    const rbrace = firstToken(cst, RBrace.name);

    const inputs: InputDecl[] = [];
    for (const node of childNodes(cst, "inputDecl")) {
      const input = this.inputDecl(node);
      if (input) inputs.push(input);
    }
    const header = [tokenEnd(name), ...inputs.map((i) => i.range.end.offset), rparen ? tokenEnd(rparen) : 0];
    const bodyStart = lbrace ? tokenEnd(lbrace) : Math.max(...header);

    const body: Statement[] = [];
    for (const node of childNodes(cst, "statement")) {
      const statement = this.statement(node);
      if (statement) body.push(statement);
    }
    const bodyEnd = rbrace ? rbrace.startOffset : (body.at(-1)?.range.end.offset ?? bodyStart);
    return {
      kind: "Model",
      name: this.identifier(name),
      inputs,
      body,
      range: this.range((keyword ?? name).startOffset, rbrace ? tokenEnd(rbrace) : bodyEnd),
      bodyRange: this.range(bodyStart, bodyEnd),
    };
  }

  private inputDecl(cst: CstNode): InputDecl | undefined {
    const name = firstToken(cst, "name");
    if (!name) return undefined;
    const colon = firstToken(cst, Colon.name);
    const type = this.tensorType(childNodes(cst, "tensorType")[0], tokenEnd(colon ?? name));
    return {
      kind: "Input",
      name: this.identifier(name),
      type,
      range: this.range(name.startOffset, type.range.end.offset),
    };
  }

  /** A missing type becomes `[]` with an empty range at `at`, so the input can still be referred to. */
  private tensorType(cst: CstNode | undefined, at: number): TensorTypeExpr {
    const dtype = firstToken(cst, "dtype");
    const lbracket = firstToken(cst, LBracket.name);
    const rbracket = firstToken(cst, RBracket.name);
    const dims: DimExpr[] = [];
    for (const node of childNodes(cst, "dim")) {
      const dim = this.dim(node);
      if (dim) dims.push(dim);
    }
    const start = (dtype ?? lbracket)?.startOffset ?? dims[0]?.range.start.offset ?? at;
    const end = rbracket ? tokenEnd(rbracket) : (dims.at(-1)?.range.end.offset ?? (lbracket ? tokenEnd(lbracket) : start));
    return {
      kind: "TensorType",
      dtype: dtype && this.identifier(dtype),
      dims,
      range: this.range(start, end),
    };
  }

  private dim(cst: CstNode): DimExpr | undefined {
    const number = firstToken(cst, NumberLit.name);
    if (number) {
      const range = this.range(number.startOffset, tokenEnd(number));
      return { kind: "IntDim", value: Number(number.image), text: number.image, range };
    }
    const name = firstToken(cst, Identifier.name);
    return name && { kind: "NamedDim", name: name.image, range: this.range(name.startOffset, tokenEnd(name)) };
  }

  private statement(cst: CstNode): Statement | undefined {
    const assignment = childNodes(cst, "assignment")[0];
    const returnStatement = childNodes(cst, "returnStatement")[0];
    const statement = assignment ? this.assignment(assignment) : returnStatement ? this.returnStatement(returnStatement) : undefined;
    // The optional `;` belongs to the statement it ends.
    const semicolon = firstToken(cst, Semicolon.name);
    if (statement && semicolon) statement.range = this.range(statement.range.start.offset, tokenEnd(semicolon));
    return statement;
  }

  private assignment(cst: CstNode): Assignment | undefined {
    const targets = realTokens(cst, "target").map((t) => this.identifier(t));
    if (targets.length === 0) return undefined;
    const equals = firstToken(cst, Equals.name);
    const value = this.expression(childNodes(cst, "expression")[0], equals ? tokenEnd(equals) : targets.at(-1)!.range.end.offset);
    return { kind: "Assign", targets, value: value.expr, range: this.range(targets[0]!.range.start.offset, value.end) };
  }

  private returnStatement(cst: CstNode): ReturnStatement | undefined {
    const keyword = firstToken(cst, ReturnKw.name);
    if (!keyword) return undefined;
    const keywordRange = this.range(keyword.startOffset, tokenEnd(keyword));
    const values: Expr[] = [];
    let end = keywordRange.end.offset;
    const expressions = childNodes(cst, "expression");
    // A bare `return` still returns something the checker can see: an Error value.
    for (let i = 0; i < Math.max(1, expressions.length); i++) {
      const value = this.expression(expressions[i], end);
      values.push(value.expr);
      end = value.end;
    }
    return { kind: "Return", values, range: this.range(keyword.startOffset, end), keywordRange };
  }

  private error(at: number): Built {
    return { expr: { kind: "Error", range: this.range(at, at) }, start: at, end: at };
  }

  /** `a |> b |> c` is `(a |> b) |> c`, built left to right in a loop. */
  private expression(cst: CstNode | undefined, at: number): Built {
    const operands = childNodes(cst, "postfix");
    const pipes = realTokens(cst, Pipe.name);
    if (operands.length === 0) return this.error(at);
    let left = this.postfix(operands[0]!, at);
    for (let i = 1; i < Math.max(operands.length, pipes.length + 1); i++) {
      const pipe = pipes[i - 1];
      const right = this.postfix(operands[i], pipe ? tokenEnd(pipe) : left.end);
      left = {
        expr: { kind: "Pipe", left: left.expr, right: right.expr, range: this.range(left.start, right.end) },
        start: left.start,
        end: right.end,
      };
    }
    return left;
  }

  /** `f(1)(x)` is a call of the call `f(1)`, built left to right in a loop. */
  private postfix(cst: CstNode | undefined, at: number): Built {
    let callee = this.primary(childNodes(cst, "primary")[0], at);
    for (const list of childNodes(cst, "argumentList")) {
      const lparen = firstToken(list, LParen.name);
      const rparen = firstToken(list, RParen.name);
      const argsStart = lparen?.startOffset ?? callee.end;
      const args: Argument[] = [];
      let end = lparen ? tokenEnd(lparen) : argsStart;
      for (const node of childNodes(list, "argument")) {
        const argument = this.argument(node, end);
        if (!argument) continue;
        args.push(argument);
        end = argument.range.end.offset;
      }
      if (rparen) end = tokenEnd(rparen);
      callee = {
        expr: {
          kind: "Call",
          callee: callee.expr,
          args,
          range: this.range(callee.start, end),
          argsRange: this.range(argsStart, end),
        },
        start: callee.start,
        end,
      };
    }
    return callee;
  }

  private argument(cst: CstNode, at: number): Argument | undefined {
    const keyword = firstToken(cst, "keyword");
    const valueNode = childNodes(cst, "expression")[0];
    if (!keyword && !valueNode) return undefined;
    const equals = firstToken(cst, Equals.name);
    const valueAt = equals ? tokenEnd(equals) : keyword ? tokenEnd(keyword) : at;
    const value = this.expression(valueNode, valueAt);
    return {
      kind: "Argument",
      keyword: keyword && this.identifier(keyword),
      value: value.expr,
      range: this.range(keyword?.startOffset ?? value.start, value.end),
    };
  }

  private primary(cst: CstNode | undefined, at: number): Built {
    const literal = (expr: Expr): Built => ({ expr, start: expr.range.start.offset, end: expr.range.end.offset });
    const tokenRange = (token: IToken) => this.range(token.startOffset, tokenEnd(token));

    const number = firstToken(cst, NumberLit.name);
    if (number) return literal({ kind: "Number", value: Number(number.image), text: number.image, range: tokenRange(number) });
    const string = firstToken(cst, StringLit.name);
    if (string) return literal({ kind: "String", value: stringValue(string), range: tokenRange(string) });
    const bool = firstToken(cst, TrueKw.name) ?? firstToken(cst, FalseKw.name);
    if (bool) return literal({ kind: "Bool", value: bool.tokenType === TrueKw, range: tokenRange(bool) });
    const name = firstToken(cst, Identifier.name);
    if (name) return literal({ kind: "Name", name: name.image, range: tokenRange(name) });

    const lparen = firstToken(cst, LParen.name);
    if (!lparen) return this.error(at);
    return this.parenthesized(cst!, lparen);
  }

  /** `(e)` is just `e`; `(e,)` and `(a, b)` are tuples. */
  private parenthesized(cst: CstNode, lparen: IToken): Built {
    const rparen = firstToken(cst, RParen.name);
    const expressions = childNodes(cst, "expression");
    const isTuple = realTokens(cst, Comma.name).length > 0;
    const items: Expr[] = [];
    let end = tokenEnd(lparen);
    for (let i = 0; i < Math.max(1, expressions.length); i++) {
      const item = this.expression(expressions[i], end);
      items.push(item.expr);
      end = item.end;
    }
    if (rparen) end = tokenEnd(rparen);
    const expr: Expr = isTuple ? { kind: "Tuple", items, range: this.range(lparen.startOffset, end) } : items[0]!;
    return { expr, start: lparen.startOffset, end };
  }
}

/** The AST of a `file` CST node. */
export function toAst(cst: CstNode, lines: LineIndex): File {
  return new AstBuilder(lines).file(cst);
}

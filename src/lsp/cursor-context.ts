// Where the cursor is, for completion and signature help: the word being typed, the token before it,
// the bracket it is inside, and for a call the argument it is in. The text under the cursor is often
// half-written, so this reads the lexer's tokens (which the parse already holds) rather than the AST,
// and asks the checked document what the callee is. It never parses or infers.
import type { IToken } from "chevrotain";
import { findLayer, type Ast, type Binding, type CheckedModel, type LayerDefinition } from "../index.js";
import type { CheckedDocument } from "./documents.js";
import { initializerSpec, type InitializerSpec } from "./layer-docs.js";
import { appliedLayerOf, constructorOf } from "./resolve.js";

export interface CallSite {
  /** The offset of the call's `(`. */
  open: number;
  /** Which argument the cursor is in (0-based). */
  argIndex: number;
  /** Positional arguments before the first keyword argument (and before the cursor's argument). */
  positionalBefore: number;
  /** The keyword of the cursor's argument, when it is written `kw=` before the cursor. */
  keyword: string | undefined;
  /** Every keyword written in the call, before or after the cursor. */
  given: string[];
}

export type CallTarget =
  | { kind: "constructor"; def: LayerDefinition }
  | { kind: "application"; def: LayerDefinition; text: string }
  | { kind: "model"; model: CheckedModel }
  | { kind: "initializer"; spec: InitializerSpec }
  | { kind: "header" }
  | { kind: "other" };

export interface CursorContext {
  offset: number;
  /** The identifier being typed (possibly empty) and where it starts. */
  word: string;
  wordStart: number;
  /** The last token before the word. */
  before: IToken | undefined;
  /** The innermost unclosed bracket before the cursor: `(`, `[` or `{`. */
  opener: IToken | undefined;
  /** Inside a comment or a string: nothing to complete. */
  inert: boolean;
  /** The model whose text holds the cursor. */
  model: Ast.ModelDecl | undefined;
}

const OPEN: Record<string, string> = { RParen: "LParen", RBracket: "LBracket", RBrace: "LBrace" };
const OPENERS = new Set(["LParen", "LBracket", "LBrace"]);

export function typeName(token: IToken | undefined): string | undefined {
  return token?.tokenType.name;
}

function end(token: IToken): number {
  return token.startOffset + token.image.length;
}

/** The index of the last token starting before `offset` (-1 when none). */
function lastTokenBefore(tokens: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset < offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

const WORDLIKE = new Set(["Identifier", "Model", "Return", "True", "False"]);

export function cursorContext(doc: CheckedDocument, offset: number): CursorContext {
  const { tokens, comments } = doc.checked.parse;
  const inComment = comments.some((c) => c.range.start.offset < offset && offset <= c.range.end.offset);
  let i = lastTokenBefore(tokens, offset);
  let word = "";
  let wordStart = offset;
  let inert = inComment;
  const last = tokens[i];
  if (last && offset <= end(last)) {
    if (WORDLIKE.has(last.tokenType.name)) {
      word = last.image.slice(0, offset - last.startOffset);
      wordStart = last.startOffset;
      i--;
    } else if (last.tokenType.name === "String" || last.tokenType.name === "UnterminatedString" || last.tokenType.name === "Number") {
      // Inside a literal (or right after a number being typed).
      inert = inert || offset < end(last) || last.tokenType.name !== "String";
    }
  }
  const before = i >= 0 ? tokens[i] : undefined;
  let depth = 0;
  let openerIndex = -1;
  for (let j = i; j >= 0; j--) {
    const name = tokens[j]!.tokenType.name;
    if (name in OPEN) depth++;
    else if (OPENERS.has(name)) {
      if (depth === 0) {
        openerIndex = j;
        break;
      }
      depth--;
    }
  }
  const opener = openerIndex >= 0 ? tokens[openerIndex] : undefined;
  return {
    offset,
    word,
    wordStart,
    before,
    opener,
    inert,
    model: doc.index.modelAt(offset),
  };
}

/** The arguments of the call whose `(` is the context's opener, relative to the cursor. */
export function callSite(doc: CheckedDocument, ctx: CursorContext): CallSite | undefined {
  const opener = ctx.opener;
  if (typeName(opener) !== "LParen") return undefined;
  const { tokens } = doc.checked.parse;
  let j = lastTokenBefore(tokens, opener!.startOffset + 1);
  let depth = 0;
  let argIndex = 0;
  let positional = 0;
  let argStart = true;
  let keyword: string | undefined;
  let sawKeyword = false;
  const given: string[] = [];
  for (j = j + 1; j < tokens.length; j++) {
    const t = tokens[j]!;
    const name = t.tokenType.name;
    if (depth === 0 && (name === "RParen" || name === "LBrace" || name === "RBrace" || name === "Return" || name === "Model")) break;
    if (name in OPEN) depth--;
    else if (OPENERS.has(name)) depth++;
    if (depth !== 0) continue;
    const beforeCursor = t.startOffset < ctx.wordStart;
    if (name === "Comma") {
      if (beforeCursor) {
        argIndex++;
        keyword = undefined;
      }
      argStart = true;
      continue;
    }
    if (argStart && name === "Identifier" && typeName(tokens[j + 1]) === "Equals") {
      given.push(t.image);
      if (beforeCursor && tokens[j + 1]!.startOffset < ctx.wordStart) keyword = t.image;
      if (beforeCursor) sawKeyword = true;
    } else if (argStart && beforeCursor && !sawKeyword) {
      positional++;
    }
    argStart = false;
  }
  return { open: opener!.startOffset, argIndex, positionalBefore: Math.min(positional, argIndex), keyword, given };
}

/** What the call around the cursor calls: a layer constructor, an applied layer, a model, or a model header. */
export function callTarget(doc: CheckedDocument, ctx: CursorContext): CallTarget {
  const opener = ctx.opener;
  if (typeName(opener) !== "LParen") return { kind: "other" };
  const { tokens } = doc.checked.parse;
  const openIndex = lastTokenBefore(tokens, opener!.startOffset + 1);
  const prev = tokens[openIndex - 1];
  if (typeName(prev) === "Identifier" && typeName(tokens[openIndex - 2]) === "Model") return { kind: "header" };
  // The checker's view of the call, when the parser could make one.
  const call = doc.index.callsByParen.get(opener!.startOffset);
  if (call) {
    const ctor = constructorOf(doc, call);
    if (ctor) return { kind: "constructor", def: ctor };
    const applied = appliedLayerOf(doc, call);
    if (applied) return { kind: "application", def: applied, text: calleeText(doc, call) };
    const type = doc.checked.types.get(call.callee);
    if (type?.kind === "model") {
      const model = doc.modelNamed(type.name);
      if (model) return { kind: "model", model };
    }
  }
  // Half-written: decide from the name before the `(` as the checker would (scope, models, layers).
  if (typeName(prev) === "Identifier") {
    const name = prev!.image;
    const binding = bindingsInScope(doc, ctx).find((b) => b.name === name);
    if (binding) {
      if (binding.type.kind === "layer") {
        const def = findLayer(binding.type.layerKind);
        if (def) return { kind: "application", def, text: name };
      }
      return { kind: "other" };
    }
    const model = doc.modelNamed(name);
    if (model) return { kind: "model", model };
    const def = findLayer(name);
    if (def) return { kind: "constructor", def };
    // `kernel=glorot_uniform(…`: an initializer's own arguments.
    const spec = initializerSpec(name);
    return spec ? { kind: "initializer", spec } : { kind: "other" };
  }
  if (typeName(prev) === "RParen") {
    // `lstm(3)(…`: the base of the chain names the layer.
    let depth = 0;
    for (let j = openIndex - 1; j >= 0; j--) {
      const name = tokens[j]!.tokenType.name;
      if (name === "RParen") depth++;
      else if (name === "LParen" && --depth === 0) {
        const base = tokens[j - 1];
        if (typeName(base) !== "Identifier") return { kind: "other" };
        const def = findLayer(base!.image);
        return def ? { kind: "application", def, text: `${base!.image}(…)` } : { kind: "other" };
      }
    }
  }
  return { kind: "other" };
}

function calleeText(doc: CheckedDocument, call: Ast.CallExpr): string {
  const text = doc.text.slice(call.callee.range.start.offset, call.callee.range.end.offset);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/**
 * The bindings visible at the cursor, latest first by name: the model's inputs, and every binding
 * whose statement ends before the statement the cursor is in (a name can be rebound; the latest wins).
 */
export function bindingsInScope(doc: CheckedDocument, ctx: Pick<CursorContext, "model" | "offset">): Binding[] {
  const decl = ctx.model;
  const model = decl && doc.modelOf(decl);
  if (!model) return [];
  const visible = new Map<string, Binding>();
  for (const b of model.bindings) {
    if (b.kind === "binding") {
      const statement = doc.index.statementOfTarget.get(b.decl);
      if (!statement || !endsBefore(doc, statement, ctx.offset)) continue;
    }
    visible.delete(b.name);
    visible.set(b.name, b);
  }
  return [...visible.values()].reverse();
}

/** Whether a statement is complete before the offset (a statement still being typed is not). */
function endsBefore(doc: CheckedDocument, statement: Ast.Assignment, offset: number): boolean {
  const stop = statement.range.end.offset;
  if (stop > offset) return false;
  if (statement.range.start.offset <= offset && statement.value.kind === "Error") {
    // `b = <cursor>`: the statement's value is missing and the cursor is where it goes.
    return doc.text.slice(stop, offset).trim() !== "";
  }
  return true;
}

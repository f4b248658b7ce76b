// The syntax phase's one entry point: text in, AST and diagnostics out. It never throws.
import type { ILexingError, IRecognitionException, IToken } from "chevrotain";
import { Codes, makeDiagnostic } from "../source/catalog.js";
import type { Diagnostic } from "../source/diagnostic.js";
import { LineIndex, type Range } from "../source/range.js";
import type { File } from "./ast.js";
import { MAX_SYNTAX_ERRORS, parser } from "./parser.js";
import { isRealToken, toAst, tokenEnd } from "./to-ast.js";
import { lexer, LParen, RParen, UnterminatedString } from "./tokens.js";

export interface Comment {
  /** The comment's text, from `#` to the end of its line. */
  text: string;
  range: Range;
}

export interface ParseResult {
  file: File;
  /** Lexical and syntax errors (RNN001–RNN004), in source order. */
  diagnostics: Diagnostic[];
  comments: Comment[];
  /** Every token the lexer produced (without whitespace and comments), for highlighting. */
  tokens: IToken[];
  lineIndex: LineIndex;
}

/**
 * How deeply parentheses may nest. The parser recurses for each level, so unbounded nesting would
 * overflow the stack; no real model comes near this (Python's parser stops at 200).
 */
export const MAX_PAREN_DEPTH = 100;

export function parse(text: string): ParseResult {
  const lineIndex = new LineIndex(text);
  const lexed = lexer.tokenize(text);
  const diagnostics = [
    ...unexpectedCharacters(lexed.errors, lineIndex),
    ...lexed.tokens.filter((t) => t.tokenType === UnterminatedString).map((t) => unterminatedString(t, lineIndex)),
  ];

  const { tokens, regions } = limitNesting(lexed.tokens);
  const [firstTooDeep] = regions;
  if (firstTooDeep) {
    const range = lineIndex.range(firstTooDeep.start, firstTooDeep.start + 1);
    const message = `parentheses are nested more than ${MAX_PAREN_DEPTH} deep; the deeper ones are ignored`;
    diagnostics.push(makeDiagnostic(Codes.NestingTooDeep, range, message));
  }

  let file: File;
  try {
    parser.input = tokens;
    const cst = parser.file();
    diagnostics.push(...syntaxErrors(parser.errors, regions, tokens, lineIndex));
    file = toAst(cst, lineIndex);
  } catch (error) {
    // Only a bug (or an input defeating the nesting limit) gets here; still answer with a diagnostic.
    const reason = error instanceof Error ? error.message : String(error);
    const range = lineIndex.range(0, 0);
    diagnostics.push(makeDiagnostic(Codes.SyntaxError, range, `the parser could not read this file (${reason})`));
    file = { kind: "File", models: [], editions: [], range: lineIndex.range(0, text.length) };
  }

  const comments = (lexed.groups["comments"] ?? []).map((t) => ({
    text: t.image,
    range: lineIndex.range(t.startOffset, tokenEnd(t)),
  }));
  diagnostics.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return { file, diagnostics, comments, tokens: lexed.tokens, lineIndex };
}

/** One diagnostic per run of adjacent characters that start no token. */
function unexpectedCharacters(errors: ILexingError[], lineIndex: LineIndex): Diagnostic[] {
  const runs: { start: number; end: number }[] = [];
  for (const error of errors) {
    const last = runs.at(-1);
    if (last && last.end === error.offset) last.end += error.length;
    else runs.push({ start: error.offset, end: error.offset + error.length });
  }
  return runs.map(({ start, end }) => {
    const chars = [...lineIndex.text.slice(start, end)];
    const message = `unexpected character${chars.length > 1 ? "s" : ""} '${chars.map(visible).join("")}'`;
    return makeDiagnostic(Codes.UnexpectedCharacter, lineIndex.range(start, end), message);
  });
}

/** A character as it can be read in a message: invisible ones (NBSP, control codes) as `\u{a0}`. */
function visible(char: string): string {
  return /[\p{L}\p{N}\p{P}\p{S}]/u.test(char) ? char : `\\u{${char.codePointAt(0)!.toString(16)}}`;
}

function unterminatedString(token: IToken, lineIndex: LineIndex): Diagnostic {
  const range = lineIndex.range(token.startOffset, tokenEnd(token));
  return makeDiagnostic(Codes.UnterminatedString, range, "unterminated string: add a closing '\"' on the same line");
}

/** RNN002 for each parser error, up to MAX_SYNTAX_ERRORS. */
function syntaxErrors(errors: IRecognitionException[], regions: TooDeep[], tokens: IToken[], lineIndex: LineIndex): Diagnostic[] {
  // What the parser trips over where parentheses were dropped is a consequence of RNN004.
  const inTooDeep = (e: IRecognitionException) =>
    isRealToken(e.token)
      ? regions.some((r) => r.start <= e.token.startOffset && e.token.startOffset < r.end)
      : regions.at(-1)?.end === Infinity;
  const reported = errors.filter((e) => !inTooDeep(e));
  const diagnostics = reported
    .slice(0, MAX_SYNTAX_ERRORS)
    .map((e) => makeDiagnostic(Codes.SyntaxError, errorRange(e, tokens, lineIndex), e.message));
  // Past the budget the parser skips ahead, and what it reports there is noise.
  const firstUnreported = reported[MAX_SYNTAX_ERRORS];
  if (firstUnreported) {
    const message = `more than ${MAX_SYNTAX_ERRORS} syntax errors; later ones are not reported`;
    diagnostics.push(makeDiagnostic(Codes.SyntaxError, errorRange(firstUnreported, tokens, lineIndex), message));
  }
  return diagnostics;
}

/** Offsets [start, end) of a '(' nested too deep, through its matching ')' (or the end of the text). */
interface TooDeep {
  start: number;
  end: number;
}

/**
 * Drops every '(' nested deeper than MAX_PAREN_DEPTH, and the ')' that closes it, so that the
 * parser and every later phase see bounded depth.
 */
function limitNesting(tokens: IToken[]): { tokens: IToken[]; regions: TooDeep[] } {
  if (maxParenDepth(tokens) <= MAX_PAREN_DEPTH) return { tokens, regions: [] };
  const open: boolean[] = []; // for each unclosed '(': was it dropped?
  const kept: IToken[] = [];
  const regions: TooDeep[] = [];
  for (const token of tokens) {
    if (token.tokenType === LParen) {
      const tooDeep = open.length >= MAX_PAREN_DEPTH;
      if (open.length === MAX_PAREN_DEPTH) regions.push({ start: token.startOffset, end: Infinity });
      open.push(tooDeep);
      if (tooDeep) continue;
    } else if (token.tokenType === RParen && open.length > 0 && open.pop()) {
      if (open.length === MAX_PAREN_DEPTH) regions.at(-1)!.end = tokenEnd(token);
      continue;
    }
    kept.push(token);
  }
  return { tokens: regions.length > 0 ? kept : tokens, regions };
}

/** The deepest parenthesis nesting, counted without allocating (the common case has nothing to drop). */
function maxParenDepth(tokens: IToken[]): number {
  let depth = 0;
  let max = 0;
  for (const token of tokens) {
    if (token.tokenType === LParen) max = Math.max(max, ++depth);
    else if (token.tokenType === RParen && depth > 0) depth--;
  }
  return max;
}

/**
 * The offending token's range, or for an error at the end of the input (where Chevrotain's token
 * has NaN positions) an empty range just after the last token before it.
 */
function errorRange(error: IRecognitionException, tokens: IToken[], lineIndex: LineIndex): Range {
  if (isRealToken(error.token)) return lineIndex.range(error.token.startOffset, tokenEnd(error.token));
  const previous = (error as { previousToken?: IToken }).previousToken;
  const before = previous && isRealToken(previous) ? previous : tokens.at(-1);
  const at = before ? tokenEnd(before) : lineIndex.text.length;
  return lineIndex.range(at, at);
}

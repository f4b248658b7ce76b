// The syntax phase's one entry point: text in, AST and diagnostics out. It never throws.
import type { ILexingError, IRecognitionException, IToken } from "chevrotain";
import { Codes, makeDiagnostic } from "../source/catalog.js";
import type { Diagnostic } from "../source/diagnostic.js";
import { LineIndex, type Range } from "../source/range.js";
import type { EditionDecl, File, ModelDecl } from "./ast.js";
import { MAX_SYNTAX_ERRORS, parser } from "./parser.js";
import { isRealToken, toAst, tokenEnd } from "./to-ast.js";
import {
  Comma,
  Equals,
  FalseKw,
  Identifier,
  LBrace,
  lexer,
  LParen,
  ModelKw,
  NumberLit,
  RBrace,
  RParen,
  Semicolon,
  StringLit,
  TrueKw,
  UnterminatedString,
} from "./tokens.js";

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

/**
 * The longest source rnnc reads, in characters (UTF-16 code units, as editors count): 8 Mi, over a
 * hundred thousand lines. Checking costs memory in proportion to the tokens, so a longer file would
 * run the process (or the language server) out of memory; it gets one RNN005 instead.
 */
export const MAX_SOURCE_LENGTH = 8 * 1024 * 1024;

/** The most tokens rnnc reads: about 2 GB of syntax tree and types. A denser 8 Mi-character file gets RNN005. */
export const MAX_TOKENS = 2_000_000;

/**
 * A longer text is lexed and parsed in pieces of about this many characters, each a run of whole
 * models (a piece starts at a line beginning with `model`), so that `parseSteps` can yield between
 * them. Shorter texts are read in one piece, as they always were.
 */
export const PIECE_LENGTH = 64 * 1024;

export function parse(text: string): ParseResult {
  return drain(parseSteps(text));
}

/** Runs a sliced computation to its end, without yielding. */
export function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * `parse`, in slices: it yields after each piece of a long text (see PIECE_LENGTH), so that a caller
 * (the language server) can answer other requests in between, or stop.
 */
export function* parseSteps(text: string, pieceLength = PIECE_LENGTH): Generator<void, ParseResult> {
  const lineIndex = new LineIndex(text);
  if (text.length > MAX_SOURCE_LENGTH) {
    return tooLarge(
      lineIndex,
      `this file is ${count(text.length)} characters long, more than rnnc reads (${count(MAX_SOURCE_LENGTH)}); split it into several files`,
    );
  }
  const starts = pieceStarts(text, pieceLength);
  const lexStarts = lineStarts(text, pieceLength);
  const lexedTokens: IToken[] = [];
  const lexErrors: ILexingError[] = [];
  const commentTokens: IToken[] = [];
  for (let i = 0; i < lexStarts.length; i++) {
    const start = lexStarts[i]!;
    const lexed = lexer.tokenize(lexStarts.length === 1 ? text : text.slice(start, lexStarts[i + 1] ?? text.length));
    for (const t of lexed.tokens) lexedTokens.push(shift(t, start));
    for (const e of lexed.errors) lexErrors.push({ ...e, offset: e.offset + start });
    for (const t of lexed.groups["comments"] ?? []) commentTokens.push(shift(t, start));
    if (lexedTokens.length > MAX_TOKENS) {
      return tooLarge(lineIndex, `this file has more than ${count(MAX_TOKENS)} tokens, more than rnnc reads; split it into several files`);
    }
    if (lexStarts.length > 1) yield;
  }
  const diagnostics = [
    ...unexpectedCharacters(lexErrors, lineIndex),
    ...lexedTokens.filter((t) => t.tokenType === UnterminatedString).map((t) => unterminatedString(t, lineIndex)),
  ];

  const { tokens, regions } = limitNesting(lexedTokens);
  const [firstTooDeep] = regions;
  if (firstTooDeep) {
    const range = lineIndex.range(firstTooDeep.start, firstTooDeep.start + 1);
    const message = `parentheses are nested more than ${MAX_PAREN_DEPTH} deep; the deeper ones are ignored`;
    diagnostics.push(makeDiagnostic(Codes.NestingTooDeep, range, message));
  }

  let file: File;
  try {
    const models: ModelDecl[] = [];
    const editions: EditionDecl[] = [];
    const errors: ParserError[] = [];
    // A text as long as a piece or shorter is parsed in one pass, as it always was.
    const sliced = text.length > pieceLength;
    const chunks = sliced ? isolateLongModels(tokenPieces(tokens, starts), text) : [tokens];
    for (let i = 0; i < chunks.length; i++) {
      let chunk = chunks[i]!;
      // A model of many statements alone in its piece: parsed a slice of statements at a time when it reads clean.
      const long = sliced && chunk.length > MODEL_SLICE_TOKENS ? yield* parseModelInSlices(chunk, lineIndex) : undefined;
      if (long) {
        models.push(long);
        yield;
        continue;
      }
      parser.input = chunk;
      let cst = parser.file();
      // An error in the last piece read (or at its end) could have been recovered from differently with
      // the next piece in view, as one pass would: read the two together, and so on.
      let lastPiece = chunk[0]?.startOffset ?? 0;
      while (i + 1 < chunks.length && endsInError(parser.errors, lastPiece)) {
        const next = chunks[++i]!;
        lastPiece = next[0]?.startOffset ?? lastPiece;
        chunk = chunk.concat(next);
        parser.input = chunk;
        cst = parser.file();
      }
      for (const error of parser.errors) errors.push({ error, tokens: chunk });
      const ast = toAst(cst, lineIndex);
      models.push(...ast.models);
      editions.push(...ast.editions);
      // Past the error budget the parser reads no further models (see MAX_SYNTAX_ERRORS): neither do the pieces.
      if (errors.length >= MAX_SYNTAX_ERRORS) break;
      if (sliced) yield;
    }
    diagnostics.push(...syntaxErrors(errors, regions, lineIndex));
    file = { kind: "File", models, editions, range: lineIndex.range(0, text.length) };
  } catch (error) {
    // Only a bug (or an input defeating the nesting limit) gets here; still answer with a diagnostic.
    const reason = error instanceof Error ? error.message : String(error);
    const range = lineIndex.range(0, 0);
    diagnostics.push(makeDiagnostic(Codes.SyntaxError, range, `the parser could not read this file (${reason})`));
    file = { kind: "File", models: [], editions: [], range: lineIndex.range(0, text.length) };
  }

  const comments = commentTokens.map((t) => ({
    text: t.image,
    range: lineIndex.range(t.startOffset, tokenEnd(t)),
  }));
  diagnostics.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return { file, diagnostics, comments, tokens: lexedTokens, lineIndex };
}

/** A file refused whole: one RNN005 at its top, and nothing else read. */
function tooLarge(lineIndex: LineIndex, message: string): ParseResult {
  const file: File = { kind: "File", models: [], editions: [], range: lineIndex.range(0, lineIndex.text.length) };
  return { file, diagnostics: [makeDiagnostic(Codes.SourceTooLarge, lineIndex.range(0, 0), message)], comments: [], tokens: [], lineIndex };
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** A token of a piece, moved to its place in the whole text. */
function shift(token: IToken, by: number): IToken {
  if (by === 0) return token;
  token.startOffset += by;
  if (token.endOffset !== undefined && Number.isFinite(token.endOffset)) token.endOffset += by;
  return token;
}

/**
 * Where the pieces of a text start: 0, then every PIECE_LENGTH characters or so, at the next line
 * that begins with the keyword `model`. No token spans such a line break (strings and comments end
 * at the line's end), so the pieces lex exactly as the whole text does.
 */
function pieceStarts(text: string, pieceLength: number): number[] {
  return breaks(text, pieceLength, "\nmodel");
}

/**
 * Where the text is cut for lexing: every PIECE_LENGTH characters or so, at the start of a line. No
 * token spans a line break but whitespace (which is skipped, and not merged with anything), and a
 * run of unexpected characters never includes one, so the pieces lex exactly as the whole text does.
 */
function lineStarts(text: string, pieceLength: number): number[] {
  return breaks(text, pieceLength, "\n");
}

/** 0, then the offset after each `\n` of `needle` (not followed by a name character) found every `pieceLength` characters. */
function breaks(text: string, pieceLength: number, needle: string): number[] {
  const starts = [0];
  let at = pieceLength;
  while (at < text.length) {
    const found = text.indexOf(needle, at);
    if (found < 0) break;
    const next = text[found + needle.length];
    if (needle === "\n" || next === undefined || !/[A-Za-z0-9_]/.test(next)) {
      starts.push(found + 1);
      at = found + 1 + pieceLength;
    } else at = found + needle.length;
  }
  return starts;
}

/** Whether the parser's last error is in the piece starting at `lastPiece`, or at the end of the input. */
function endsInError(errors: IRecognitionException[], lastPiece: number): boolean {
  const last = errors.at(-1);
  return last !== undefined && (!isRealToken(last.token) || last.token.startOffset >= lastPiece);
}

/** A model of more tokens than this is parsed a slice of statements at a time (see parseModelInSlices). */
export const MODEL_SLICE_TOKENS = 16_384;

/**
 * The pieces, with each model longer than MODEL_SLICE_TOKENS made a piece of its own (a model starts
 * at a `model` token that begins its line, as pieces do).
 */
function isolateLongModels(pieces: IToken[][], text: string): IToken[][] {
  const out: IToken[][] = [];
  for (const piece of pieces) {
    if (piece.length <= MODEL_SLICE_TOKENS) {
      out.push(piece);
      continue;
    }
    const starts = [];
    for (let i = 0; i < piece.length; i++) {
      const t = piece[i]!;
      if (t.tokenType === ModelKw && (t.startOffset === 0 || text[t.startOffset - 1] === "\n")) starts.push(i);
    }
    if (starts[0] !== 0) starts.unshift(0);
    let group = 0;
    for (let k = 0; k < starts.length; k++) {
      const from = starts[k]!;
      const to = starts[k + 1] ?? piece.length;
      if (to - from <= MODEL_SLICE_TOKENS) continue;
      if (from > group) out.push(piece.slice(group, from));
      out.push(piece.slice(from, to));
      group = to;
    }
    if (group < piece.length) out.push(piece.slice(group));
  }
  return out;
}

/**
 * One long model, parsed a slice of statements at a time: each slice between the model's own header
 * and closing brace, so that each is a whole model to the parser and its AST is the model's, with
 * that slice's statements. A slice ends where the next statement starts: an identifier followed by
 * `=` or `,`, outside parentheses, after a token that cannot continue an expression before it —
 * there the whole parse starts a statement too. Undefined (and the model is parsed whole, as
 * always) when any slice has a syntax error: recovery must see the whole model.
 */
function* parseModelInSlices(tokens: IToken[], lineIndex: LineIndex): Generator<void, ModelDecl | undefined> {
  let depth = 0;
  let brace = -1;
  for (let i = 0; i < tokens.length && brace < 0; i++) {
    const type = tokens[i]!.tokenType;
    if (type === LParen) depth++;
    else if (type === RParen) depth--;
    else if (type === LBrace && depth === 0) brace = i;
  }
  const last = tokens.length - 1;
  if (tokens[0]!.tokenType !== ModelKw || brace < 0 || tokens[last]!.tokenType !== RBrace) return undefined;
  // One model with no other brace: a piece of several models, or a body with a stray brace, is parsed whole.
  for (let i = brace + 1; i < last; i++) {
    const type = tokens[i]!.tokenType;
    if (type === ModelKw || type === LBrace || type === RBrace) return undefined;
  }
  const header = tokens.slice(0, brace + 1);
  const close = tokens[last]!;
  const cuts = [brace + 1];
  depth = 0;
  for (let i = brace + 1; i < last; i++) {
    const type = tokens[i]!.tokenType;
    if (type === LParen) depth++;
    else if (type === RParen) depth--;
    else if (depth === 0 && i - cuts.at(-1)! >= MODEL_SLICE_TOKENS && startsStatement(tokens, i)) cuts.push(i);
  }
  cuts.push(last);
  let model: ModelDecl | undefined;
  for (let k = 0; k + 1 < cuts.length; k++) {
    parser.input = [...header, ...tokens.slice(cuts[k], cuts[k + 1]), close];
    const cst = parser.file();
    if (parser.errors.length > 0) return undefined;
    const [part] = toAst(cst, lineIndex).models;
    if (!part) return undefined;
    if (model) model.body.push(...part.body);
    else model = part;
    yield;
  }
  return model;
}

/** Whether token i starts an assignment for certain: `name =` or `name,` after the end of an expression or statement. */
function startsStatement(tokens: IToken[], i: number): boolean {
  const next = tokens[i + 1]?.tokenType;
  const previous = tokens[i - 1]?.tokenType;
  return (
    tokens[i]!.tokenType === Identifier &&
    (next === Equals || next === Comma) &&
    (previous === Identifier ||
      previous === RParen ||
      previous === Semicolon ||
      previous === NumberLit ||
      previous === StringLit ||
      previous === TrueKw ||
      previous === FalseKw)
  );
}

/** The tokens of each piece (each piece's first token is its `model`). */
function tokenPieces(tokens: IToken[], starts: number[]): IToken[][] {
  if (starts.length === 1) return [tokens];
  const pieces: IToken[][] = [];
  let from = 0;
  for (let i = 1; i <= starts.length; i++) {
    const end = starts[i] ?? Infinity;
    let to = from;
    while (to < tokens.length && tokens[to]!.startOffset < end) to++;
    pieces.push(tokens.slice(from, to));
    from = to;
  }
  return pieces.filter((p) => p.length > 0);
}

/** A parser error, with the tokens of the piece it was found in (for an error at the piece's end). */
interface ParserError {
  error: IRecognitionException;
  tokens: IToken[];
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
function syntaxErrors(errors: ParserError[], regions: TooDeep[], lineIndex: LineIndex): Diagnostic[] {
  // What the parser trips over where parentheses were dropped is a consequence of RNN004.
  const inTooDeep = (e: IRecognitionException) =>
    isRealToken(e.token)
      ? regions.some((r) => r.start <= e.token.startOffset && e.token.startOffset < r.end)
      : regions.at(-1)?.end === Infinity;
  const reported = errors.filter((e) => !inTooDeep(e.error));
  const diagnostics = reported
    .slice(0, MAX_SYNTAX_ERRORS)
    .map((e) => makeDiagnostic(Codes.SyntaxError, errorRange(e.error, e.tokens, lineIndex), e.error.message));
  // Past the budget the parser skips ahead, and what it reports there is noise.
  const firstUnreported = reported[MAX_SYNTAX_ERRORS];
  if (firstUnreported) {
    const message = `more than ${MAX_SYNTAX_ERRORS} syntax errors; later ones are not reported`;
    diagnostics.push(makeDiagnostic(Codes.SyntaxError, errorRange(firstUnreported.error, firstUnreported.tokens, lineIndex), message));
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

// The tokens of a .rnn file and the one lexer that produces them.
//
// Newlines are insignificant (a statement ends where the next one can start), so whitespace of any
// kind is skipped. Comments are kept in their own group for a future formatter.
import { createToken, Lexer, type TokenType } from "chevrotain";

/** What a token is, in the vocabulary of semantic tokens and TextMate scopes. */
export type TokenCategory = "keyword" | "identifier" | "number" | "string" | "operator" | "punctuation" | "comment";

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  // U+FEFF: the byte-order mark some editors put at the start of a file.
  pattern: /[ \t\r\n\uFEFF]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

export const Comment = createToken({ name: "Comment", pattern: /#[^\r\n]*/, group: "comments", label: "comment" });

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: "identifier" });

function keyword(word: string): TokenType {
  const name = word[0]!.toUpperCase() + word.slice(1);
  return createToken({ name, pattern: word, label: `'${word}'`, longer_alt: Identifier });
}

export const ModelKw = keyword("model");
export const ReturnKw = keyword("return");
export const TrueKw = keyword("true");
export const FalseKw = keyword("false");
/** `keras 2` / `keras 3`: the Keras edition a file follows (LANGUAGE.md §6). */
export const KerasKw = keyword("keras");

// The sign is part of the literal: the language has no binary minus, so `axis=-1` is one token.
export const NumberLit = createToken({
  name: "Number",
  pattern: /-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/,
  label: "number",
});

export const StringLit = createToken({ name: "String", pattern: /"(?:[^"\\\r\n]|\\.)*"/, label: "string" });

// A string that reaches the end of its line without a closing quote. It is a kind of String so the
// parser accepts it where a string may stand; parse() reports it once, as RNN003.
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\r\n]|\\.)*\\?/,
  label: "unterminated string",
  categories: [StringLit],
});

export const Pipe = createToken({ name: "Pipe", pattern: "|>", label: "'|>'" });

function punctuation(name: string, text: string): TokenType {
  return createToken({ name, pattern: text, label: `'${text}'` });
}

export const LParen = punctuation("LParen", "(");
export const RParen = punctuation("RParen", ")");
export const LBracket = punctuation("LBracket", "[");
export const RBracket = punctuation("RBracket", "]");
export const LBrace = punctuation("LBrace", "{");
export const RBrace = punctuation("RBrace", "}");
export const Comma = punctuation("Comma", ",");
export const Equals = punctuation("Equals", "=");
export const Colon = punctuation("Colon", ":");
export const Semicolon = punctuation("Semicolon", ";");

/** Every token type, in the order the lexer tries them (keywords before Identifier). */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  ModelKw,
  ReturnKw,
  TrueKw,
  FalseKw,
  KerasKw,
  Identifier,
  NumberLit,
  StringLit,
  UnterminatedString,
  Pipe,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Equals,
  Colon,
  Semicolon,
];

// ensureOptimizations: a pattern that defeats Chevrotain's first-character optimisation fails at
// load time instead of silently making every lex slower.
export const lexer = new Lexer(allTokens, { positionTracking: "onlyOffset", ensureOptimizations: true });

const categories = new Map<TokenType, TokenCategory>([
  [Comment, "comment"],
  [ModelKw, "keyword"],
  [ReturnKw, "keyword"],
  [TrueKw, "keyword"],
  [FalseKw, "keyword"],
  [KerasKw, "keyword"],
  [Identifier, "identifier"],
  [NumberLit, "number"],
  [StringLit, "string"],
  [UnterminatedString, "string"],
  [Pipe, "operator"],
  ...[LParen, RParen, LBracket, RBracket, LBrace, RBrace, Comma, Equals, Colon, Semicolon].map((type): [TokenType, TokenCategory] => [
    type,
    "punctuation",
  ]),
]);

/** The highlighting category of a token type (undefined for skipped whitespace). */
export function tokenCategory(type: TokenType): TokenCategory | undefined {
  return categories.get(type);
}

// Highlighting for .rnn: a StreamLanguage over rnnc's own token definitions (src/syntax/tokens.ts),
// so the editor colours exactly what the lexer sees, in the categories the language server's
// semantic tokens use. A name followed by `(` is coloured as a call (a layer or a model).
import { StreamLanguage, type StringStream } from "@codemirror/language";
import type { TokenType } from "chevrotain";
import { allTokens, tokenCategory, WhiteSpace, type TokenCategory } from "../../src/syntax/tokens.js";

/** Each token type's pattern, anchored at the stream's position, in the lexer's order. */
const MATCHERS: { pattern: RegExp | string; category: TokenCategory }[] = allTokens
  .filter((type) => type !== WhiteSpace)
  .map((type: TokenType) => {
    const category = tokenCategory(type);
    if (!category) throw new Error(`rnn-language: token ${type.name} has no category`);
    const p = type.PATTERN;
    if (typeof p === "string") return { pattern: p, category };
    if (p instanceof RegExp) return { pattern: new RegExp(`^(?:${p.source})`, p.flags.replace("g", "")), category };
    throw new Error(`rnn-language: token ${type.name} has a custom pattern`);
  });

const STYLE: Record<TokenCategory, string> = {
  keyword: "keyword",
  identifier: "variableName",
  number: "number",
  string: "string",
  operator: "operator",
  punctuation: "punctuation",
  comment: "lineComment",
};

function token(stream: StringStream): string | null {
  if (stream.eatSpace()) return null;
  let best: { length: number; category: TokenCategory } | undefined;
  const rest = stream.string.slice(stream.pos);
  for (const { pattern, category } of MATCHERS) {
    const length = typeof pattern === "string" ? (rest.startsWith(pattern) ? pattern.length : 0) : (pattern.exec(rest)?.[0].length ?? 0);
    // The longest match wins, earlier on a tie: keywords before identifiers, as Chevrotain's longer_alt.
    if (length > 0 && (!best || length > best.length)) best = { length, category };
  }
  if (!best) {
    stream.next();
    return "invalid";
  }
  stream.pos += best.length;
  if (best.category === "identifier" && stream.match(/^\s*\(/, false)) return "variableName.function";
  return STYLE[best.category];
}

export const rnnLanguage = StreamLanguage.define<null>({
  name: "rnn",
  startState: () => null,
  token,
  languageData: { commentTokens: { line: "#" } },
});

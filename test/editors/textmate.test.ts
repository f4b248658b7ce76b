// The VS Code extension's TextMate grammar, run by the engine VS Code uses (vscode-textmate with
// the Oniguruma WebAssembly build) on the examples and on generated programs, and compared with
// rnnc's own lexer: every keyword, number, string and comment token of the lexer is highlighted as
// one, nothing else is, and nothing but whitespace is left without a scope.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import fc from "fast-check";
import onig from "vscode-oniguruma";
import vsctm from "vscode-textmate";
import { beforeAll, describe, expect, it } from "vitest";
import { layerNames, parse } from "../../src/index.js";
import { tokenCategory, type TokenCategory } from "../../src/syntax/tokens.js";
import { TMLANGUAGE_PATH } from "../../scripts/generate-tmlanguage.js";
import { withComments } from "../format/support.js";
import { EXAMPLES, plausibleProgramArb, programArb } from "../fuzz/support.js";

const require = createRequire(import.meta.url);

let grammar: vsctm.IGrammar;

beforeAll(async () => {
  await onig.loadWASM(readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new onig.OnigScanner(patterns),
      createOnigString: (text: string) => new onig.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === "source.rnn" ? vsctm.parseRawGrammar(readFileSync(TMLANGUAGE_PATH, "utf8"), TMLANGUAGE_PATH) : null,
  });
  const loaded = await registry.loadGrammar("source.rnn");
  if (!loaded) throw new Error("the grammar did not load");
  grammar = loaded;
});

interface Token {
  line: number;
  start: number;
  end: number;
  text: string;
  scopes: string[];
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let state = vsctm.INITIAL;
  text.split(/\r\n|\r|\n/).forEach((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, state);
    state = result.ruleStack;
    for (const t of result.tokens) {
      tokens.push({
        line,
        start: t.startIndex,
        end: Math.min(t.endIndex, lineText.length),
        text: lineText.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      });
    }
  });
  return tokens.filter((t) => t.end > t.start);
}

/** The TextMate scope prefix of each lexer category the grammar must agree on. */
const PREFIX: Partial<Record<TokenCategory, string>> = {
  keyword: "keyword.",
  number: "constant.numeric.",
  string: "string.",
  comment: "comment.",
};

/** The lexer category a TextMate token claims, if it claims one of those. */
function claimed(scopes: readonly string[]): TokenCategory | undefined {
  if (scopes.some((s) => s.startsWith("comment."))) return "comment";
  if (scopes.some((s) => s.startsWith("string."))) return "string";
  if (scopes.some((s) => s.startsWith("constant.numeric."))) return "number";
  if (scopes.some((s) => s.startsWith("keyword.") && !s.startsWith("keyword.operator."))) return "keyword";
  return undefined;
}

/** Every disagreement between the grammar and the lexer on `text` (which must parse). */
function problems(text: string): string[] {
  const parsed = parse(text);
  const out: string[] = [];
  // The lexer's tokens by line, as [start, end, category].
  const lexed = new Map<number, { start: number; end: number; category: TokenCategory; image: string }[]>();
  const add = (startOffset: number, image: string, category: TokenCategory) => {
    const p = parsed.lineIndex.position(startOffset);
    const list = lexed.get(p.line) ?? [];
    list.push({ start: p.character, end: p.character + image.length, category, image });
    lexed.set(p.line, list);
  };
  for (const t of parsed.tokens) add(t.startOffset, t.image, tokenCategory(t.tokenType)!);
  for (const c of parsed.comments) add(c.range.start.offset, c.text, "comment");

  const tm = tokenize(text);
  for (const t of tm) {
    const where = `line ${t.line + 1}:${t.start + 1} ${JSON.stringify(t.text)} [${t.scopes.slice(1).join(" ")}]`;
    if (t.scopes.length === 1 && t.text.trim() !== "") out.push(`${where}: no scope`);
    const claim = claimed(t.scopes);
    if (claim) {
      // Every character of it is inside a lexer token of that category.
      const inside = (lexed.get(t.line) ?? []).some((l) => l.category === claim && l.start <= t.start && t.end <= l.end);
      if (!inside) out.push(`${where}: highlighted as ${claim}, which the lexer does not say`);
    }
  }
  for (const [line, list] of lexed) {
    for (const l of list) {
      const prefix = PREFIX[l.category];
      if (!prefix) continue;
      const covering = tm.filter((t) => t.line === line && t.start < l.end && l.start < t.end);
      const uncovered = covering.filter((t) => !t.scopes.some((s) => s.startsWith(prefix)));
      if (uncovered.length > 0 || covering.length === 0) {
        out.push(
          `line ${line + 1}:${l.start + 1} ${l.category} ${JSON.stringify(l.image)}: not all ${prefix}* (${uncovered.map((t) => `${JSON.stringify(t.text)} [${t.scopes.slice(1).join(" ")}]`).join(", ")})`,
        );
      }
    }
  }
  return out;
}

describe("the TextMate grammar", () => {
  for (const { name, text } of EXAMPLES) {
    it(`agrees with the lexer on ${name}`, () => {
      expect(problems(text)).toEqual([]);
    });
  }

  it("agrees with the lexer on tricky tokens", () => {
    const text = [
      '# a comment with "quotes" and model return true',
      "model models(x: int[B, T], m: bool[B, T], returnx: f32[1, -1]) { # after the brace",
      '  a, _ = lstm(3, seq=true, name="enc \\"1\\" \\\\ \\n", dropout=0.5e-3)(x, mask=m) # why',
      "  b = concat(a, a, axis=-1) |> dense(.5, activation=softmax, kernel=constant(-0.1), bias=zeros)",
      "  c = (a, b)(x) |> Encoder(1e3, -2E+2, truex, false, true);",
      '  d = f("#not a comment", "unterminated \\"ok\\"")',
      "  return a, b",
      "}",
    ].join("\n");
    expect(parse(text).diagnostics).toEqual([]);
    expect(problems(text)).toEqual([]);
  });

  it("agrees with the lexer on generated programs, with comments", () => {
    fc.assert(
      fc.property(fc.oneof(programArb, plausibleProgramArb).chain(withComments), (text) => {
        expect(problems(text)).toEqual([]);
      }),
      { seed: 7, numRuns: 400 },
    );
  });

  it("highlights every layer name of the registry where it is called, and not as a keyword argument", () => {
    for (const name of layerNames()) {
      const tokens = tokenize(`model M(x: [1]) {\n  y = ${name}(3, ${name}=1)(x)\n}\n`).filter((t) => t.text === name);
      expect(
        tokens.map((t) => t.scopes.at(-1)),
        name,
      ).toEqual(["support.function.layer.rnn", "variable.parameter.keyword.rnn"]);
    }
  });

  it("gives the parts of a model their scopes", () => {
    const scopeOf = (line: string, text: string) =>
      tokenize(line)
        .find((t) => t.text === text)
        ?.scopes.at(-1);
    const header = "model Tagger(tokens: int[B, T]) {";
    expect(scopeOf(header, "model")).toBe("keyword.other.model.rnn");
    expect(scopeOf("keras 3", "keras")).toBe("keyword.other.edition.rnn");
    expect(scopeOf("keras 3", "3")).toBe("constant.numeric.rnn");
    expect(scopeOf(header, "Tagger")).toBe("entity.name.type.model.rnn");
    expect(scopeOf(header, "tokens")).toBe("variable.parameter.input.rnn");
    expect(scopeOf(header, "int")).toBe("storage.type.dtype.rnn");
    const body = "  y = x |> Encoder(x) |> dense(2, activation=relu)";
    expect(scopeOf(body, "|>")).toBe("keyword.operator.pipe.rnn");
    expect(scopeOf(body, "Encoder")).toBe("entity.name.function.call.rnn");
    expect(scopeOf(body, "activation")).toBe("variable.parameter.keyword.rnn");
    expect(scopeOf(body, "relu")).toBe("support.constant.rnn");
    expect(scopeOf(body, "y")).toBe("variable.other.rnn");
    expect(scopeOf(body, "=")).toBe("keyword.operator.assignment.rnn");
  });
});

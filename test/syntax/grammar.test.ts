import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { grammarDiagramsHtml, grammarEbnf } from "../../src/syntax/grammar-docs.js";

function committed(name: string): string {
  return readFileSync(new URL(`../../grammar/${name}`, import.meta.url), "utf8");
}

describe("grammar/ documents", () => {
  it("rnn.ebnf is what the parser generates", () => {
    expect(committed("rnn.ebnf"), "grammar/rnn.ebnf is stale: run `npm run grammar`").toBe(grammarEbnf());
  });

  it("diagrams.html is what the parser generates", () => {
    expect(committed("diagrams.html"), "grammar/diagrams.html is stale: run `npm run grammar`").toBe(grammarDiagramsHtml());
  });

  it("the EBNF names every rule of the language", () => {
    const ebnf = grammarEbnf();
    for (const rule of ["file", "model", "tensorType", "statement", "expression", "argument", "primary"]) {
      expect(ebnf).toMatch(new RegExp(`^${rule} ::= `, "m"));
    }
  });
});

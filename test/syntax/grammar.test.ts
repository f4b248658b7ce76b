import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { grammarEbnf, offlineDiagramsHtml } from "../../scripts/grammar.js";

function committed(name: string): string {
  return readFileSync(new URL(`../../grammar/${name}`, import.meta.url), "utf8");
}

describe("grammar/ documents", () => {
  it("rnn.ebnf is what the parser generates", () => {
    expect(committed("rnn.ebnf"), "grammar/rnn.ebnf is stale: run `npm run grammar`").toBe(grammarEbnf());
  });

  it("diagrams.html is what the parser generates", () => {
    expect(committed("diagrams.html"), "grammar/diagrams.html is stale: run `npm run grammar`").toBe(offlineDiagramsHtml());
  });

  it("diagrams.html loads no script or style from elsewhere (test/browser/grammar-offline.test.ts draws it offline)", () => {
    const html = committed("diagrams.html");
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/i);
    expect(html).toContain("drawDiagramsFromSerializedGrammar");
  });

  it("the EBNF names every rule of the language", () => {
    const ebnf = grammarEbnf();
    for (const rule of ["file", "model", "tensorType", "statement", "expression", "argument", "primary"]) {
      expect(ebnf).toMatch(new RegExp(`^${rule} ::= `, "m"));
    }
  });
});

// The committed TextMate grammar is what its generator writes from rnnc's registries.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { layerNames } from "../../src/index.js";
import { TMLANGUAGE_PATH, tmLanguageJson } from "../../scripts/generate-tmlanguage.js";

describe("editors/vscode/syntaxes/rnn.tmLanguage.json", () => {
  it("is what `npm run tmlanguage` generates", async () => {
    expect(readFileSync(TMLANGUAGE_PATH, "utf8"), "the grammar is stale: run `npm run tmlanguage`").toBe(await tmLanguageJson());
  });

  it("names every layer of the registry", () => {
    const grammar = JSON.parse(readFileSync(TMLANGUAGE_PATH, "utf8")) as { repository: { layer: { match: string } } };
    const names = new Set(/\(\?:([^)]*)\)/.exec(grammar.repository.layer.match)![1]!.split("|"));
    expect([...names].sort()).toEqual([...new Set(layerNames())].sort());
  });
});

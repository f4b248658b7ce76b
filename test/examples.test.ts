// Every example checks clean except mistakes.rnn, which gives exactly the diagnostics it documents
// with `# expect: CODE` at the end of the line where each one starts.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../src/index.js";

const dir = join(import.meta.dirname, "..", "examples");
const examples = readdirSync(dir).filter((f) => f.endsWith(".rnn"));

describe("examples", () => {
  it("has the examples the docs name", () => {
    expect(examples).toEqual(
      expect.arrayContaining(["seed.rnn", "seq2seq.rnn", "tagger.rnn", "stacked.rnn", "mistakes.rnn", "conv-gru-tagger.rnn"]),
    );
  });

  for (const name of examples.filter((f) => f !== "mistakes.rnn")) {
    it(`${name} checks clean`, () => {
      const checked = check(readFileSync(join(dir, name), "utf8"));
      expect(checked.diagnostics.map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`)).toEqual([]);
      expect(checked.models.length).toBeGreaterThan(0);
      for (const m of checked.models) expect(m.ok).toBe(true);
    });
  }

  it("mistakes.rnn gives exactly the diagnostics it documents", () => {
    const text = readFileSync(join(dir, "mistakes.rnn"), "utf8");
    const expected = text.split("\n").flatMap((line, i) => [...line.matchAll(/# expect: (RNN\d{3})/g)].map((m) => `${i + 1} ${m[1]}`));
    const actual = check(text).diagnostics.map((d) => `${d.range.start.line + 1} ${d.code}`);
    expect(expected.length).toBeGreaterThanOrEqual(10);
    expect(actual).toEqual(expected);
  });
});

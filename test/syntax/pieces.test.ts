// A long text is lexed and parsed in pieces of whole models (parseSteps); the result must be the one
// a single pass gives, and the size limits answer with one diagnostic instead of running out of memory.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rnnc } from "../cli-process.js";
import { check, checkSteps, MAX_SOURCE_LENGTH } from "../../src/index.js";
import { drain, parseSteps, PIECE_LENGTH } from "../../src/syntax/parse.js";
import { manyModels } from "../lsp/large-documents.js";

/** A long file whose models carry a lexical, a syntax and a type error here and there, and comments. */
function longFileWithMistakes(): string {
  const models = manyModels(3000).split("\n\n");
  for (let i = 7; i < models.length; i += 97) models[i] = models[i]!.replace("dense(8)(x)", "dense(8)(y) # no y here");
  for (let i = 11; i < models.length; i += 301) models[i] = models[i]!.replace("return", "return $");
  for (let i = 13; i < models.length; i += 499) models[i] = models[i]!.replace("h1 = ", "h1 = = ");
  for (let i = 17; i < models.length; i += 211) models[i] = models[i]!.replace(/\n\}$/, "");
  return models.join("\n\n");
}

describe("parsing in pieces", () => {
  it("gives what one pass gives, for a long file with mistakes", () => {
    const text = longFileWithMistakes();
    expect(text.length).toBeGreaterThan(4 * PIECE_LENGTH);
    const pieces = drain(parseSteps(text));
    const whole = drain(parseSteps(text, Infinity));
    expect(pieces.diagnostics).toEqual(whole.diagnostics);
    expect(pieces.diagnostics.map((d) => d.code)).toContain("RNN001");
    expect(pieces.diagnostics.map((d) => d.code)).toContain("RNN002");
    expect(pieces.file).toEqual(whole.file);
    expect(pieces.comments).toEqual(whole.comments);
    expect(pieces.tokens.map((t) => [t.image, t.startOffset])).toEqual(whole.tokens.map((t) => [t.image, t.startOffset]));
    // Small pieces put piece boundaries right after models that lack their `}`, and inside the errors' recovery.
    const small = drain(parseSteps(text, 500));
    expect(small.diagnostics).toEqual(whole.diagnostics);
    expect(small.file).toEqual(whole.file);
  });

  it("keeps the edition statements of a long file, wherever its pieces fall", () => {
    const text = `keras 3\n\n${manyModels(3000)}\n\nkeras 2\n`;
    expect(text.length).toBeGreaterThan(4 * PIECE_LENGTH);
    const pieces = drain(parseSteps(text));
    expect(pieces.file).toEqual(drain(parseSteps(text, Infinity)).file);
    expect(pieces.file.editions.map((e) => e.range.start.line)).toEqual([0, text.split("\n").length - 2]);
    const checked = check(text);
    expect(checked.edition).toBe(3);
    expect(checked.diagnostics.map((d) => d.code)).toContain("RNN081");
  });

  it("gives what one pass gives for a long model parsed in slices of statements, clean or broken", () => {
    // Multi-line statements, destructuring, pipes, tuples, keyword arguments and `;` near the slice ends.
    const statements = Array.from({ length: 8000 }, (_, s) =>
      s % 5 === 0
        ? `  a${s}, b${s} = lstm(\n    4,\n    state=true\n  )(x);`
        : s % 5 === 1
          ? `  p${s} = x\n    |> dense(8, name="d${s}")\n    |> dropout(0.1)`
          : `  t${s} = (x, x)`,
    );
    const model = (body: string[]) => `model Long(x: [B, T, 8]) {\n${body.join("\n")}\n  return x\n}\n`;
    const clean = `${manyModels(3)}\n${model(statements)}\n${manyModels(3).replaceAll("model M", "model N")}`;
    const broken = clean.replace("t4002 = (x, x)", "t4002 = (x, = x)");
    for (const text of [clean, broken]) {
      const steps = parseSteps(text);
      let slices = 0;
      let next = steps.next();
      for (; !next.done; next = steps.next()) slices++;
      const whole = drain(parseSteps(text, Infinity));
      expect(slices).toBeGreaterThan(5);
      expect(next.value.diagnostics).toEqual(whole.diagnostics);
      expect(next.value.file).toEqual(whole.file);
    }
    expect(drain(parseSteps(broken)).diagnostics.map((d) => d.code)).toContain("RNN002");
  });

  it("checks in slices to the result check gives, yielding more than once", () => {
    const text = longFileWithMistakes();
    const steps = checkSteps(text);
    let slices = 0;
    let next = steps.next();
    while (!next.done) {
      slices++;
      next = steps.next();
    }
    expect(slices).toBeGreaterThan(10);
    expect(next.value.diagnostics).toEqual(check(text).diagnostics);
  });
});

describe("short texts", () => {
  it("an empty file and a file of comments only parse to no models and no diagnostics", () => {
    for (const text of ["", "# only a comment\n", "\n\n"]) {
      const parsed = drain(parseSteps(text));
      expect([parsed.file.models, parsed.diagnostics]).toEqual([[], []]);
    }
  });
});

describe("size limits", () => {
  it("a text longer than MAX_SOURCE_LENGTH is one RNN005 at its top", () => {
    const checked = check(" ".repeat(MAX_SOURCE_LENGTH + 1));
    expect(checked.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character])).toEqual([["RNN005", 0, 0]]);
    expect(checked.diagnostics[0]!.message).toMatch(/8,388,609 characters long, more than rnnc reads \(8,388,608\)/);
    expect(checked.models).toEqual([]);
  });

  it("a text of more than MAX_TOKENS tokens is one RNN005", () => {
    const checked = check("x\n".repeat(2_000_001));
    expect(checked.diagnostics.map((d) => d.code)).toEqual(["RNN005"]);
    expect(checked.diagnostics[0]!.message).toMatch(/more than 2,000,000 tokens/);
  });

  it("rnnc check on a 50 MB file ends with RNN005 and exit 1, not a V8 abort", { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), "rnnc-large-"));
    try {
      const file = join(dir, "huge.rnn");
      const text = manyModels(500_000);
      expect(text.length).toBeGreaterThan(50_000_000);
      writeFileSync(file, text);
      const r = rnnc("check", file);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/huge\.rnn:1:1: error RNN005: this file is [\d,]+ characters long, more than rnnc reads \(8,388,608\)/);
      expect(r.stderr).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

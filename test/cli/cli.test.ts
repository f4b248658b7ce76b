// The command line as a user meets it: spawned as a process, exit codes and output exactly as
// LANGUAGE.md §4 says.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rnnc } from "../cli-process.js";

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "rnnc-cli-"));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("rnnc check", () => {
  it("exits 0 and prints nothing for clean files", () => {
    const r = rnnc("check", "examples/seed.rnn", "examples/tagger.rnn");
    expect(r).toMatchObject({ code: 0, stdout: "", stderr: "" });
  });

  it("prints file:line:col: error CODE: message, the line and a caret, and exits 1", () => {
    const file = tempFile("stack.rnn", "model M(x: [B, T, 8]) {\n  a = lstm(16)(x)\n  return lstm(8)(a)\n}\n");
    const r = rnnc("check", file);
    expect(r.code).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:18: error RNN020: lstm\\(8\\) expects a sequence .*Add seq=true`),
    );
    expect(lines[2]).toBe("3 |   return lstm(8)(a)");
    expect(lines[3]).toBe("  |                  ^");
    expect(lines[4]).toBe("  = fix: Set seq=true on lstm(…)");
    expect(r.stdout).toContain("1 error, 0 warnings in 1 file");
  });

  it("--json prints the contract's shape with zero-based LSP positions", () => {
    const file = tempFile("arity.rnn", "model M(x: [1, 4, 5]) {\n  y, h = bilstm(3, state=true)(x)\n  return y\n}\n");
    const r = rnnc("check", "--json", file);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.diagnostics).toHaveLength(1);
    const [d] = json.diagnostics;
    expect(d).toMatchObject({
      file,
      range: { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } },
      severity: "error",
      code: "RNN030",
    });
    expect(d.message).toContain("returns 5 values (output, fh, fc, bh, bc); 2 names are bound");
    expect(Object.keys(d.range.start)).toEqual(["line", "character"]);
  });

  it("exits 2 with one line for an unreadable file, and still checks the others", () => {
    const r = rnnc("check", "does-not-exist.rnn", "examples/mistakes.rnn");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("rnnc: cannot read does-not-exist.rnn: no such file\n");
    expect(r.stdout).toContain("RNN020");
  });

  it("exits 2 on a bad flag or no file, never with a stack trace", () => {
    for (const args of [["check", "--nope", "examples/seed.rnn"], ["check"], ["frobnicate"], []]) {
      const r = rnnc(...args);
      expect(r.code).toBe(2);
      expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
    }
    expect(rnnc("check", "--nope", "x").stderr.split("\n")[0]).toBe("rnnc check: unknown option --nope");
  });
});

describe("rnnc shapes", () => {
  it("--json prints every binding's type without spaces, outputs and params", () => {
    const r = rnnc("shapes", "examples/seed.rnn", "--model", "BiSeed", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      models: [
        {
          name: "BiSeed",
          inputs: [{ name: "x", type: "f32[1,4,5]" }],
          bindings: [
            { name: "y", type: "f32[1,4,6]" },
            { name: "fh", type: "f32[1,3]" },
            { name: "fc", type: "f32[1,3]" },
            { name: "bh", type: "f32[1,3]" },
            { name: "bc", type: "f32[1,3]" },
          ],
          outputs: ["f32[1,4,6]", "f32[1,3]", "f32[1,3]"],
          params: 216,
          layers: [
            { name: "bidirectional", class: "Bidirectional", output: "(f32[1,4,6],f32[1,3],f32[1,3],f32[1,3],f32[1,3])", params: 216 },
          ],
        },
      ],
    });
  });

  it("names an unknown --model and the models there are", () => {
    const r = rnnc("shapes", "examples/seed.rnn", "--model", "Nope");
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(
      "rnnc shapes: examples/seed.rnn has no model named Nope (models: BiSeed, SeedRnn, SeedLstm, SeedBiLstm)",
    );
  });

  it("exits 1 and reports diagnostics on stderr when the file has errors", () => {
    const r = rnnc("shapes", "examples/mistakes.rnn", "--model", "Stacking");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("RNN020");
    expect(r.stdout).toContain("model Stacking");
  });
});

describe("rnnc summary", () => {
  it("prints Keras's table with totals", () => {
    const r = rnnc("summary", "examples/seed.rnn", "--model", "BiSeed");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Model: "BiSeed"');
    // Each output on its own line in the Output Shape column, as Keras 2 wraps it.
    expect(r.stdout).toMatch(
      /bidirectional \(Bidirectional\)\s+\[\(1, 4, 6\),\s+216\n {35}\(1, 3\),\n( {35}\(1, 3\),\n){2} {35}\(1, 3\)\]\n/,
    );
    expect(r.stdout).toContain("Total params: 216");
    expect(r.stdout).toContain("Non-trainable params: 0");
  });
});

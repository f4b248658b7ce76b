// The examples through the server (in process) as an editor opens them: mistakes.rnn shows every documented error
// (its `# expect: CODE` lines) and a quick fix for each one that has a fix; hovering any binding of any
// example — where it is declared or used — shows the type the checker inferred for it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeAction, Hover, MarkupContent } from "vscode-languageserver/node";
import { check, formatType } from "../../src/index.js";
import { InProcessServer } from "./in-process.js";

let client: InProcessServer;
beforeAll(async () => {
  client = await InProcessServer.start();
});
afterAll(async () => {
  await client?.stop();
});

const dir = join(import.meta.dirname, "..", "..", "examples");
const examples = readdirSync(dir).filter((f) => f.endsWith(".rnn"));
const read = (name: string) => readFileSync(join(dir, name), "utf8");

describe("mistakes.rnn", () => {
  const text = read("mistakes.rnn");
  const expected = text.split("\n").flatMap((line, i) => [...line.matchAll(/# expect: (RNN\d{3})/g)].map((m) => `${i + 1} ${m[1]}`));

  it("shows every documented diagnostic, on its line, and no others", async () => {
    const diagnostics = await client.diagnostics(text);
    expect(expected.length).toBeGreaterThanOrEqual(10);
    expect(diagnostics.map((d) => `${d.range.start.line + 1} ${d.code}`)).toEqual(expected);
    for (const d of diagnostics) expect(d.source).toBe("rnnc");
  });

  it("offers a quick fix for every diagnostic that carries one", async () => {
    const withFix = check(text).diagnostics.filter((d) => d.fix);
    expect(withFix.length).toBeGreaterThanOrEqual(3);
    const { diagnostics, actions } = await client.codeActions(text);
    const fixed = (code: string, line: number) =>
      actions.filter((a: CodeAction) => a.isPreferred && a.diagnostics?.some((d) => d.code === code && d.range.start.line === line));
    for (const d of withFix) {
      const found = fixed(d.code, d.range.start.line);
      expect(
        found.map((a) => a.title),
        `${d.code} on line ${d.range.start.line + 1}`,
      ).toEqual([d.fix!.title]);
      const edits = Object.values(found[0]!.edit!.changes!)[0]!;
      expect(edits.map((e) => e.newText)).toEqual(d.fix!.edits.map((e) => e.newText));
    }
    expect(actions).toHaveLength(withFix.length);
    expect(diagnostics.length).toBe(expected.length);
  });
});

describe("hovering every binding of the examples", () => {
  for (const name of examples) {
    it(`${name}: every declaration and use shows its inferred type`, async () => {
      const text = read(name);
      const checked = check(text);
      const uri = await client.open(text);
      await client.waitForDiagnostics(uri, 1);
      let hovered = 0;
      for (const model of checked.models) {
        for (const binding of model.bindings) {
          const expected = `${binding.name}: ${formatType(binding.type)}`;
          if (name !== "mistakes.rnn") expect(expected).not.toContain("?");
          for (const range of [binding.decl.range, ...binding.uses]) {
            const hover = await client.request<Hover | null>("textDocument/hover", {
              textDocument: { uri },
              position: { line: range.start.line, character: range.start.character },
            });
            expect(
              (hover?.contents as MarkupContent | undefined)?.value,
              `${model.name}.${binding.name} at ${range.start.line + 1}`,
            ).toContain(`\`\`\`rnn\n${expected}\n\`\`\``);
            hovered++;
          }
        }
      }
      expect(hovered).toBeGreaterThan(3);
      await client.close(uri);
    });
  }
});

// The server survives what editors send about documents: edits to documents that are not open or
// were closed, and a thousand changes in a burst (in process; malformed traffic, unknown methods and
// shutdown are protocol matters, in protocol.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hover, MarkupContent } from "vscode-languageserver/node";
import { positionOfText } from "./editor.js";
import { InProcessServer } from "./in-process.js";

let client: InProcessServer;
beforeAll(async () => {
  client = await InProcessServer.start();
});
afterAll(async () => {
  await client?.stop();
});

const SRC = "model M(x: [B, T, 8]) {\n  y = lstm(4)(x)\n  return y\n}\n";

/** Hover on `y` in `return y` of a fresh document: proof that the server still answers correctly. */
async function stillAnswers(): Promise<void> {
  expect(await client.hover(SRC.replace("return y", "return <|>y"))).toContain("y: f32[B,4]");
}

describe("documents that are not open", () => {
  it("ignores edits to a document never opened, and answers nothing about it", async () => {
    const uri = "file:///test/never-opened.rnn";
    await client.notify("textDocument/didChange", { textDocument: { uri, version: 2 }, contentChanges: [{ text: SRC }] });
    await client.notify("textDocument/didChange", {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 5, character: 0 }, end: { line: 9, character: 3 } }, text: "x" }],
    });
    expect(await client.request("textDocument/hover", { textDocument: { uri }, position: { line: 1, character: 2 } })).toBeNull();
    await stillAnswers();
  });

  it("ignores edits to a closed document", async () => {
    const uri = await client.open(SRC);
    await client.waitForDiagnostics(uri, 1);
    await client.close(uri);
    await client.change(uri, "garbage (((");
    await client.notify("textDocument/didClose", { textDocument: { uri } });
    expect(await client.request("textDocument/hover", { textDocument: { uri }, position: { line: 1, character: 2 } })).toBeNull();
    expect(await client.request("textDocument/semanticTokens/full", { textDocument: { uri } })).toEqual({ data: [] });
    await stillAnswers();
  });
});

describe("a burst of changes", () => {
  it("applies 1,000 rapid changes, publishes the last version and hovers on it correctly", async () => {
    let text = "model M(x: [B, T, 8]) {\n  y = lstm(0)(x)\n  return y\n}\n";
    const uri = await client.open(text);
    await client.waitForDiagnostics(uri, 1);
    const sends: Promise<number>[] = [];
    for (let units = 1; units <= 1000; units++) {
      // An incremental edit: replace the units of lstm(…) with the next number.
      const start = text.indexOf("lstm(") + 5;
      const end = text.indexOf(")", start);
      const range = { start: positionOfText(text, "lstm(", 0, 5), end: positionOfText(text, ")(x)") };
      text = text.slice(0, start) + String(units) + text.slice(end);
      sends.push(client.change(uri, [{ range, text: String(units) }]));
    }
    const versions = await Promise.all(sends);
    const last = versions.at(-1)!;
    expect(last).toBe(1001);
    const hover = await client.request<Hover>("textDocument/hover", {
      textDocument: { uri },
      position: positionOfText(text, "return y", 0, 7),
    });
    expect((hover.contents as MarkupContent).value).toContain("y: f32[B,1000]");
    const published = await client.waitForDiagnostics(uri, last);
    expect(published.diagnostics).toEqual([]);
    // Debounced: a few publications at most, never one per change.
    expect(client.publicationsFor(uri).length).toBeLessThan(50);
    await client.close(uri);
  });
});

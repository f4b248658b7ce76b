// Large documents over the real `rnnc lsp --stdio`: a long check runs in slices, so the server answers
// other documents meanwhile; an edit drops the check of the version it replaces; a document past the
// size limit gets one diagnostic at its top; a huge name comes back cut. Order is asserted, never time:
// the latency is printed for the record (it depends on the machine).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DocumentSymbol, Hover, MarkupContent } from "vscode-languageserver/node";
import { MAX_SOURCE_LENGTH } from "../../src/index.js";
import { positionOfText } from "./editor.js";
import { manyModels } from "./large-documents.js";
import { StdioClient } from "./stdio-client.js";

let client: StdioClient;
beforeAll(async () => {
  client = await StdioClient.start({ diagnosticsDelay: 0 });
});
afterAll(async () => {
  await client?.stop();
});

const SMALL = "model Small(x: [B, T, 8]) {\n  h = dense(4)(x)\n  return h\n}\n";
const hoverText = async (uri: string, text: string, needle: string) => {
  const hover = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: positionOfText(text, needle) });
  return hover ? (hover.contents as MarkupContent).value : null;
};

describe("a 4 MB document being checked", () => {
  it("does not hold up a hover on another document: it is answered before the big one's diagnostics", { timeout: 300_000 }, async () => {
    const big = manyModels(40_000);
    expect(big.length).toBeGreaterThan(4_000_000);
    const events: string[] = [];
    const bigUri = await client.open(big);
    const bigDiagnostics = client.waitForDiagnostics(bigUri, 1, 280_000).then((p) => {
      events.push("big diagnostics");
      return p;
    });
    const smallUri = await client.open(SMALL);
    const asked = performance.now();
    const hover = await hoverText(smallUri, SMALL, "h =");
    events.push("small hover");
    console.log(
      `hover on a 3-line document while a ${(big.length / 1e6).toFixed(1)} MB one is checked: ${(performance.now() - asked).toFixed(0)} ms`,
    );
    expect(hover).toContain("h: f32[B,T,4]");
    const published = await bigDiagnostics;
    console.log(`the 4 MB document's diagnostics: ${(performance.now() - asked).toFixed(0)} ms after the hover was asked`);
    expect(events).toEqual(["small hover", "big diagnostics"]);
    // 120,000 dense layers: past the file's limit of layer applications, reported once.
    expect(published.diagnostics.map((d) => d.code)).toEqual(["RNN070"]);
    // Every feature reads the finished check: the outline lists every model.
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: bigUri } });
    expect(symbols).toHaveLength(40_000);
    expect(symbols[39_999]!.children!.map((c) => c.name)).toEqual(["x", "h0", "h1", "h2"]);
    await client.close(bigUri);
    await client.close(smallUri);
  });

  it("drops the check of a version an edit replaced: only the new version is published", { timeout: 300_000 }, async () => {
    const uri = await client.open(manyModels(40_000));
    const version = await client.change(uri, SMALL);
    const published = await client.waitForDiagnostics(uri, version, 280_000);
    expect(published.diagnostics).toEqual([]);
    // A hover on the new text answers from the new version.
    expect(await hoverText(uri, SMALL, "h =")).toContain("h: f32[B,T,4]");
    expect(client.publicationsFor(uri).map((p) => p.version)).toEqual([version]);
    await client.close(uri);
  });
});

describe("limits", () => {
  it("a document past the size limit gets one RNN005 at its top, and the server goes on", { timeout: 120_000 }, async () => {
    const huge = `${SMALL}${"#".repeat(MAX_SOURCE_LENGTH)}\n`;
    const uri = await client.open(huge);
    const published = await client.waitForDiagnostics(uri, 1);
    expect(published.diagnostics.map((d) => [d.code, d.range.start])).toEqual([["RNN005", { line: 0, character: 0 }]]);
    await client.close(uri);
    const small = await client.open(SMALL);
    expect(await hoverText(small, SMALL, "h =")).toContain("h: f32[B,T,4]");
    await client.close(small);
  });

  it("a hover shows a huge binding name cut to 80 characters and an ellipsis", async () => {
    const name = "n".repeat(100_000);
    const text = `model M(x: [B, T, 8]) {\n  ${name} = dense(4)(x)\n  return ${name}\n}\n`;
    const uri = await client.open(text);
    await client.waitForDiagnostics(uri, 1);
    const hover = await hoverText(uri, text, name);
    expect(hover).toContain(`${"n".repeat(80)}…: f32[B,T,4]`);
    expect(hover!.length).toBeLessThan(400);
    await client.close(uri);
  });
});

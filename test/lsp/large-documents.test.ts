// Large documents over the real `rnnc lsp --stdio`: a long check runs in slices, so the server answers
// other documents meanwhile; an edit drops the check of the version it replaces; a document past the
// size limit gets one diagnostic at its top; a huge name comes back cut. Order is asserted, never time:
// the latency is printed for the record (it depends on the machine).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DocumentSymbol, Hover, MarkupContent } from "vscode-languageserver/node";
import { MAX_SOURCE_LENGTH } from "../../src/index.js";
import { positionOfText } from "./editor.js";
import { manyModels, oneModel } from "./large-documents.js";
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
  it.each([
    ["40,000 small models", () => manyModels(40_000), 40_000],
    ["one model of 150,000 statements", () => oneModel(150_000), 1],
  ])(
    "of %s does not hold up a hover on another document: it is answered before the big one's diagnostics",
    { timeout: 300_000 },
    async (_, make, models) => {
      const big = make();
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
      const latency = performance.now() - asked;
      console.log(`hover on a 3-line document while a ${(big.length / 1e6).toFixed(1)} MB one (${_}) is checked: ${latency.toFixed(0)} ms`);
      expect(hover).toContain("h: f32[B,T,4]");
      const published = await bigDiagnostics;
      console.log(`its diagnostics: ${(performance.now() - asked).toFixed(0)} ms after the hover was asked`);
      expect(events).toEqual(["small hover", "big diagnostics"]);
      // Past the limits of layer applications (per model, per file): reported, nothing else.
      expect(new Set(published.diagnostics.map((d) => d.code))).toEqual(new Set(["RNN070"]));
      // Every feature reads the finished check: the outline lists every model and its bindings.
      const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: bigUri } });
      expect(symbols).toHaveLength(models);
      expect(
        symbols
          .at(-1)!
          .children!.slice(0, 3)
          .map((c) => c.name),
      ).toEqual(["x", "h0", "h1"]);
      await client.close(bigUri);
      await client.close(smallUri);
    },
  );

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

// Diagnostics and quick fixes, through the server in process: what is published on open and on change
// (only for the latest version), and the code actions made from the diagnostics' fixes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiagnosticSeverity, DiagnosticTag } from "vscode-languageserver/node";
import { applyEdits } from "./editor.js";
import { InProcessServer } from "./in-process.js";

let client: InProcessServer;
beforeAll(async () => {
  client = await InProcessServer.start();
});
afterAll(async () => {
  await client?.stop();
});

const STACKING = `model Stacking(x: [B, T, 8]) {
  a = lstm(16)(x)
  b = lstm(8)(a)
  return b
}
`;

describe("published diagnostics", () => {
  it("publishes the checker's diagnostics on open, with codes, ranges, severity and source", async () => {
    const [d, ...rest] = await client.diagnostics(STACKING);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      code: "RNN020",
      source: "rnnc",
      severity: DiagnosticSeverity.Error,
      range: { start: { line: 2, character: 14 }, end: { line: 2, character: 15 } },
    });
    expect(d!.message).toContain("Add seq=true to it");
  });

  it("carries related information", async () => {
    const [d] = await client.diagnostics(STACKING);
    expect(d!.relatedInformation).toEqual([
      {
        location: { uri: expect.stringMatching(/^file:/), range: { start: { line: 1, character: 6 }, end: { line: 1, character: 14 } } },
        message: "this returns only its last step; add seq=true",
      },
    ]);
  });

  it("publishes warnings, unused bindings tagged unnecessary", async () => {
    const [d] = await client.diagnostics("model M(x: [B, 4]) {\n  y = x |> dense(2)\n  return x\n}\n");
    expect(d).toMatchObject({ code: "RNN060", severity: DiagnosticSeverity.Warning, tags: [DiagnosticTag.Unnecessary] });
  });

  it("publishes an empty list for a clean document", async () => {
    expect(await client.diagnostics("model M(x: [B, 4]) {\n  return x |> dense(2)\n}\n")).toEqual([]);
  });

  it("publishes syntax errors", async () => {
    const codes = (await client.diagnostics("model M(x: [B, 4]) {\n  y = \n}\n")).map((d) => d.code);
    expect(codes).toContain("RNN002");
  });

  it("republishes after a change, for the new version", async () => {
    const uri = await client.open(STACKING);
    await client.waitForDiagnostics(uri, 1);
    const version = await client.change(uri, [
      { range: { start: { line: 1, character: 13 }, end: { line: 1, character: 13 } }, text: ", seq=true" },
    ]);
    const published = await client.waitForDiagnostics(uri, version);
    expect(published.diagnostics).toEqual([]);
    await client.close(uri);
  });

  it("publishes only the latest version after a burst of changes", async () => {
    const uri = await client.open(STACKING);
    await client.waitForDiagnostics(uri, 1);
    // Five edits sent at once, as fast typing does: the last one fixes the file.
    const texts = [
      "model",
      "model Stacking(",
      "model Stacking(x: [B, T, 8]) {",
      STACKING.replace("lstm(16)", "lstm(16, seq=tr"),
      STACKING.replace("lstm(16)", "lstm(16, seq=true)"),
    ];
    const versions = await Promise.all(texts.map((t) => client.change(uri, t)));
    const last = versions.at(-1)!;
    const published = await client.waitForDiagnostics(uri, last);
    expect(published.diagnostics).toEqual([]);
    expect(client.publicationsFor(uri).map((p) => p.version)).toEqual([1, last]);
    await client.close(uri);
  });

  it("clears the diagnostics of a closed document", async () => {
    const uri = await client.open(STACKING);
    await client.waitForDiagnostics(uri, 1);
    await client.close(uri);
    await expect.poll(() => client.publicationsFor(uri).at(-1)?.diagnostics.length).toBe(0);
    expect(client.publicationsFor(uri).at(-1)?.version).toBeUndefined();
  });
});

describe("quick fixes", () => {
  it("offers each diagnostic's fix as a preferred quick fix", async () => {
    const { diagnostics, actions } = await client.codeActions(STACKING);
    expect(actions).toHaveLength(1);
    const [action] = actions;
    expect(action).toMatchObject({ title: "Set seq=true on lstm(…)", kind: "quickfix", isPreferred: true });
    expect(action!.diagnostics).toEqual([diagnostics[0]]);
  });

  it("makes a fix whose edit repairs the file", async () => {
    const { actions } = await client.codeActions(STACKING);
    const edits = Object.values(actions[0]!.edit!.changes!)[0]!;
    const fixed = applyEdits(STACKING, edits);
    expect(fixed).toContain("a = lstm(16, seq=true)(x)");
    expect(await client.diagnostics(fixed)).toEqual([]);
  });

  it("rebinds the right number of names", async () => {
    const src = "model M(x: [1, 4, 5]) {\n  y, fh, bh = bilstm(3, seq=true, state=true)(x)\n  return y\n}\n";
    const { actions } = await client.codeActions(src);
    expect(actions.map((a) => a.title)).toEqual(["Bind 5 names: y, fh, fc, bh, bc"]);
    expect(applyEdits(src, Object.values(actions[0]!.edit!.changes!)[0]!)).toContain("y, fh, fc, bh, bc = bilstm");
  });

  it("offers nothing for a diagnostic without a fix, or when other kinds are asked for", async () => {
    expect((await client.codeActions("model M(x: [B, 4]) {\n  return lstm(8)(y)\n}\n")).actions).toEqual([]);
    await client.with(STACKING, async (uri) => {
      const actions = await client.request<unknown[]>("textDocument/codeAction", {
        textDocument: { uri },
        range: { start: { line: 2, character: 14 }, end: { line: 2, character: 15 } },
        context: { diagnostics: [], only: ["refactor"] },
      });
      expect(actions).toEqual([]);
    });
  });
});

// The server survives what editors and broken clients send: malformed JSON-RPC, unknown methods,
// edits to documents that are not open, a thousand changes in a burst; and it shuts down cleanly.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hover, MarkupContent } from "vscode-languageserver/node";
import { LspClient, positionOfText, ROOT } from "./client.js";

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
});
afterAll(async () => {
  await client.stop();
});

const SRC = "model M(x: [B, T, 8]) {\n  y = lstm(4)(x)\n  return y\n}\n";

/** Hover on `y` in `return y` of a fresh document: proof that the server still answers correctly. */
async function stillAnswers(): Promise<void> {
  expect(await client.hover(SRC.replace("return y", "return <|>y"))).toContain("y: f32[B,4]");
}

/** Writes raw bytes to the server's stdin, between whole messages. */
function writeRaw(bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => client.child.stdin.write(bytes, (error) => (error ? reject(error) : resolve())));
}

function framed(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, "ascii"), body]);
}

describe("malformed JSON-RPC", () => {
  it("survives garbage bytes with a valid Content-Length header", async () => {
    await writeRaw(framed(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x81, 0x7b, 0x7d, 0x5b, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1])));
    await stillAnswers();
  });

  it("survives invalid JSON", async () => {
    await writeRaw(framed(Buffer.from('{"jsonrpc": "2.0", "id": 99, "method": "textDocument/hover", "params": {', "utf8")));
    await stillAnswers();
  });

  it("survives JSON that is not a message", async () => {
    await writeRaw(framed(Buffer.from("[1, 2, 3]", "utf8")));
    await writeRaw(framed(Buffer.from('{"jsonrpc": "2.0", "result": 1, "id": 12345}', "utf8")));
    await writeRaw(framed(Buffer.from("null", "utf8")));
    await stillAnswers();
  });

  it("answers a request with missing params with an error, and goes on", async () => {
    await expect(client.request("textDocument/hover", { textDocument: { uri: "file:///nowhere.rnn" } })).resolves.toBeNull();
    await expect(client.request("textDocument/completion", {})).rejects.toThrow();
    await stillAnswers();
  });
});

describe("unknown methods", () => {
  it("answers an unknown request with MethodNotFound", async () => {
    await expect(client.request("rnnc/noSuchMethod", { x: 1 })).rejects.toMatchObject({ code: -32601 });
    await stillAnswers();
  });

  it("ignores an unknown notification", async () => {
    await client.notify("rnnc/noSuchNotification", { x: 1 });
    await client.notify("$/noSuchThing", {});
    await stillAnswers();
  });
});

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

describe("the command", () => {
  it("refuses to start without --stdio", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src", "cli", "main.ts"), "lsp"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("rnnc lsp: --stdio is required");
  });

  it("shuts down cleanly: shutdown, then exit, exits 0", async () => {
    await stillAnswers();
    expect(await client.stop()).toBe(0);
    expect(client.stderr).not.toContain("internal error");
  });
});

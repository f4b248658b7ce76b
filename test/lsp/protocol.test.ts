// The real `rnnc lsp --stdio` process, for what only the protocol shows: the initialize handshake,
// every kind of request answered over stdio exactly as the server's logic answers it in process (where
// the features are tested), malformed traffic and unknown methods survived, a clean shutdown.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "vscode-languageserver/node";
import { capabilities } from "../../src/lsp/server.js";
import { rnnc } from "../cli-process.js";
import type { Editor } from "./editor.js";
import { positionOf, positionOfText } from "./editor.js";
import { InProcessServer } from "./in-process.js";
import { StdioClient } from "./stdio-client.js";

let client: StdioClient;
let inProcess: InProcessServer;
beforeAll(async () => {
  [client, inProcess] = await Promise.all([StdioClient.start(), InProcessServer.start()]);
});
afterAll(async () => {
  await client?.stop();
  await inProcess?.stop();
});

/** Two models, a call, an error with a fix, a binding per kind, and formatting to do. */
const SRC = `# An encoder and a model that calls it.
model Encoder(src:[B, S, 32]) {
  _, h, c = lstm(128, state=true)(src)
  return h, c
}

model Translator(src: [B, S, 32], tgt: [B, T, 40]) {
  h, c = Encoder(src)
  a = lstm(128)(tgt, initial=(h, c))
  y = lstm(8)(a)
  return y
}
`;
const URI = "file:///test/protocol.rnn";
const at = (needle: string, nth = 0, delta = 0) => positionOfText(SRC, needle, nth, delta);
const textDocument = { uri: URI };
const whole = { start: { line: 0, character: 0 }, end: positionOf(SRC, SRC.length) };

/** One request of each kind the server answers, on SRC. */
const REQUESTS: [method: string, params: object][] = [
  ["textDocument/hover", { textDocument, position: at("h, c = Encoder") }],
  ["textDocument/completion", { textDocument, position: at("lstm(128)(tgt") }],
  ["textDocument/signatureHelp", { textDocument, position: at("lstm(128)(tgt", 0, 5) }],
  ["textDocument/codeAction", { textDocument, range: whole, context: { diagnostics: [] } }],
  ["textDocument/definition", { textDocument, position: at("Encoder(src)") }],
  ["textDocument/references", { textDocument, position: at("h, c = Encoder"), context: { includeDeclaration: true } }],
  ["textDocument/prepareRename", { textDocument, position: at("h, c = Encoder") }],
  ["textDocument/rename", { textDocument, position: at("h, c = Encoder"), newName: "hidden" }],
  ["textDocument/documentSymbol", { textDocument }],
  ["textDocument/foldingRange", { textDocument }],
  ["textDocument/formatting", { textDocument, options: { tabSize: 2, insertSpaces: true } }],
  ["textDocument/semanticTokens/full", { textDocument }],
  ["textDocument/inlayHint", { textDocument, range: whole }],
];

/** The requests behind each capability the server declares. */
const PROVIDERS: Record<string, string[]> = {
  hoverProvider: ["textDocument/hover"],
  completionProvider: ["textDocument/completion"],
  signatureHelpProvider: ["textDocument/signatureHelp"],
  codeActionProvider: ["textDocument/codeAction"],
  definitionProvider: ["textDocument/definition"],
  referencesProvider: ["textDocument/references"],
  renameProvider: ["textDocument/prepareRename", "textDocument/rename"],
  documentSymbolProvider: ["textDocument/documentSymbol"],
  foldingRangeProvider: ["textDocument/foldingRange"],
  documentFormattingProvider: ["textDocument/formatting"],
  semanticTokensProvider: ["textDocument/semanticTokens/full"],
  inlayHintProvider: ["textDocument/inlayHint"],
};

/** Hover on `y` in `return y` of a fresh document: proof that the server still answers correctly. */
async function stillAnswers(): Promise<void> {
  const src = "model M(x: [B, T, 8]) {\n  y = lstm(4)(x)\n  return <|>y\n}\n";
  expect(await client.hover(src)).toContain("y: f32[B,4]");
}

/** Semantic tokens carry a resultId, an opaque counter of the process that answers; the rest must be equal. */
function withoutResultId(answer: unknown): unknown {
  if (answer === null || typeof answer !== "object" || !("resultId" in answer)) return answer;
  const { resultId: _, ...rest } = answer;
  return rest;
}

function framed(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, "ascii"), body]);
}

describe("initialize", () => {
  it("declares the server's capabilities and name", () => {
    expect(client.initializeResult).toEqual({ capabilities: capabilities(), serverInfo: { name: "rnnc" } });
    expect(client.initializeResult).toEqual(inProcess.initializeResult);
  });
});

describe("over stdio, the answers of the server in process", () => {
  /** Opens SRC in both and returns what each published for it. */
  async function openInBoth(): Promise<Diagnostic[][]> {
    const opened = (editor: Editor) => editor.open(SRC, URI).then(() => editor.waitForDiagnostics(URI, 1));
    return (await Promise.all([opened(client), opened(inProcess)])).map((p) => p.diagnostics);
  }

  it("covers every request the capabilities declare", () => {
    const declared = Object.keys(capabilities()).filter((k) => k !== "textDocumentSync");
    expect(declared.sort()).toEqual(Object.keys(PROVIDERS).sort());
    expect(Object.values(PROVIDERS).flat().sort()).toEqual(REQUESTS.map(([method]) => method).sort());
  });

  it("publishes the same diagnostics on open and after a change", async () => {
    const [overStdio, here] = await openInBoth();
    expect(overStdio!.map((d) => d.code)).toEqual(["RNN020"]);
    expect(overStdio).toEqual(here);
    const fixed = SRC.replace("lstm(128)(tgt", "lstm(128, seq=true)(tgt");
    const versions = await Promise.all([client.change(URI, fixed), inProcess.change(URI, fixed)]);
    const after = await Promise.all([client.waitForDiagnostics(URI, versions[0]), inProcess.waitForDiagnostics(URI, versions[1])]);
    expect(after[0]).toEqual(after[1]);
    await Promise.all([client.close(URI), inProcess.close(URI)]);
  });

  for (const [method, params] of REQUESTS) {
    it(`answers ${method} alike`, async () => {
      await openInBoth();
      try {
        const [overStdio, here] = await Promise.all([client.request<unknown>(method, params), inProcess.request<unknown>(method, params)]);
        // Each request is one that has an answer on SRC, so equality compares something.
        expect(overStdio).not.toBeNull();
        expect(overStdio).not.toEqual([]);
        expect(withoutResultId(overStdio)).toEqual(withoutResultId(here));
      } finally {
        await Promise.all([client.close(URI), inProcess.close(URI)]);
      }
    });
  }

  it("answers a refused rename with the same error", async () => {
    await openInBoth();
    try {
      const params = { textDocument, position: at("h, c = Encoder"), newName: "2h" };
      const [overStdio, here] = await Promise.all(
        [client, inProcess].map((editor) =>
          editor.request("textDocument/rename", params).then(
            () => undefined,
            (error: unknown) => error,
          ),
        ),
      );
      expect(overStdio).toMatchObject({ message: expect.stringMatching(/not a valid name/) });
      expect(overStdio).toMatchObject({ code: (here as { code: number }).code, message: (here as Error).message });
    } finally {
      await Promise.all([client.close(URI), inProcess.close(URI)]);
    }
  });
});

describe("malformed JSON-RPC", () => {
  it("survives garbage bytes with a valid Content-Length header", async () => {
    await client.writeRaw(
      framed(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x81, 0x7b, 0x7d, 0x5b, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1])),
    );
    await stillAnswers();
  });

  it("survives invalid JSON", async () => {
    await client.writeRaw(framed(Buffer.from('{"jsonrpc": "2.0", "id": 99, "method": "textDocument/hover", "params": {', "utf8")));
    await stillAnswers();
  });

  it("survives JSON that is not a message", async () => {
    await client.writeRaw(framed(Buffer.from("[1, 2, 3]", "utf8")));
    await client.writeRaw(framed(Buffer.from('{"jsonrpc": "2.0", "result": 1, "id": 12345}', "utf8")));
    await client.writeRaw(framed(Buffer.from("null", "utf8")));
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

describe("the command", () => {
  it("refuses to start without --stdio", () => {
    const result = rnnc("lsp");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("rnnc lsp: --stdio is required");
  });

  it("shuts down cleanly: shutdown, then exit, exits 0", async () => {
    await stillAnswers();
    expect(await client.stop()).toBe(0);
    expect(client.log).not.toContain("internal error");
  });
});

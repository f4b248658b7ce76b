// The VS Code extension's manifest and client, without VS Code: the manifest points at files that
// exist and agree with each other, and activating the extension (against stand-ins for the
// `vscode` and `vscode-languageclient` modules, whose documented API it uses) starts
// `rnnc lsp --stdio` for .rnn documents.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = join(import.meta.dirname, "..", "..", "editors", "vscode");
const json = (name: string) => JSON.parse(readFileSync(join(dir, name), "utf8")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("editors/vscode", () => {
  const manifest = json("package.json");

  it("declares the rnn language, its configuration and grammar, and files that exist", () => {
    expect(manifest["name"]).toBe("rnnc-vscode");
    expect(manifest["activationEvents"]).toEqual(["onLanguage:rnn"]);
    expect(existsSync(join(dir, manifest["main"]))).toBe(true);
    const [language] = manifest["contributes"].languages;
    expect(language).toMatchObject({ id: "rnn", extensions: [".rnn"] });
    expect(existsSync(join(dir, language.configuration))).toBe(true);
    const [grammar] = manifest["contributes"].grammars;
    expect(grammar).toMatchObject({ language: "rnn", scopeName: "source.rnn" });
    expect(json(grammar.path)["scopeName"]).toBe("source.rnn");
    expect(Object.keys(manifest["dependencies"])).toEqual(["vscode-languageclient"]);
    expect(existsSync(join(dir, "README.md"))).toBe(true);
  });

  it("configures # comments, brackets and auto-closing pairs", () => {
    const config = json("language-configuration.json");
    expect(config["comments"]).toEqual({ lineComment: "#" });
    expect(config["brackets"]).toEqual([
      ["{", "}"],
      ["[", "]"],
      ["(", ")"],
    ]);
    expect(config["autoClosingPairs"].map((p: { open: string }) => p.open)).toEqual(["{", "[", "(", '"']);
    expect(config["surroundingPairs"].length).toBe(4);
    expect(new RegExp(config["folding"].markers.start).test("  # region encoder")).toBe(true);
    expect(new RegExp(config["folding"].markers.end).test("# endregion")).toBe(true);
    const word = new RegExp(`^(?:${config["wordPattern"]})$`);
    for (const w of ["lstm_1", "x", "-1", "0.5", "1e-3"]) expect(word.test(w), w).toBe(true);
  });

  it("starts `rnnc lsp --stdio` for .rnn documents when activated, and stops it when deactivated", async () => {
    const started: { id: string; server: any; client: any }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
    let stopped = 0;
    class LanguageClient {
      constructor(id: string, _name: string, server: unknown, client: unknown) {
        started.push({ id, server, client });
      }
      start() {
        return Promise.resolve();
      }
      stop() {
        stopped++;
        return Promise.resolve();
      }
    }
    const disposable = { dispose() {} };
    const vscode = {
      workspace: {
        getConfiguration: () => ({ get: () => "" }),
        workspaceFolders: [],
        createFileSystemWatcher: () => disposable,
        onDidChangeConfiguration: () => disposable,
      },
      commands: { registerCommand: () => disposable },
      window: { showErrorMessage: () => Promise.resolve() },
    };
    const stubs: Record<string, unknown> = {
      vscode,
      "vscode-languageclient/node": { LanguageClient, RevealOutputChannelOn: { Never: 4 } },
    };
    const require = createRequire(import.meta.url);
    const Module = require("node:module") as { _load: (request: string, ...rest: unknown[]) => unknown };
    const load = Module._load;
    Module._load = function (request: string, ...rest: unknown[]) {
      return request in stubs ? stubs[request] : load.call(this, request, ...rest);
    };
    try {
      const extension = require(join(dir, "extension.js")) as { activate: (c: unknown) => Promise<void>; deactivate: () => Promise<void> };
      const context = { subscriptions: [] as unknown[] };
      await extension.activate(context);
      expect(started).toHaveLength(1);
      expect(started[0]!.id).toBe("rnnc");
      expect(started[0]!.server.run).toMatchObject({ command: "rnnc", args: ["lsp", "--stdio"] });
      expect(started[0]!.server.run.transport).toBeUndefined();
      expect(started[0]!.client.documentSelector).toContainEqual({ scheme: "file", language: "rnn" });
      expect(context.subscriptions.length).toBeGreaterThan(0);
      await extension.deactivate();
      expect(stopped).toBe(1);
    } finally {
      Module._load = load;
    }
  });
});

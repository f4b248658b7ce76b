// The rnnc extension for VS Code: the .rnn language (its grammar and configuration are declared in
// package.json) and a client of the rnnc language server, `rnnc lsp --stdio`, which provides the
// diagnostics, hovers, completion, formatting and the rest.
//
// Plain CommonJS, as VS Code loads extensions; `vscode-languageclient` is this extension's own
// dependency (`npm install` in this folder).
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const vscode = require("vscode");
const { LanguageClient, RevealOutputChannelOn } = require("vscode-languageclient/node");

/** @type {import("vscode-languageclient/node").LanguageClient | undefined} */
let client;

/**
 * The rnnc executable: the `rnnc.path` setting, else the workspace's own rnnc
 * (node_modules/.bin/rnnc), else `rnnc` on the PATH.
 */
function rnncCommand() {
  const configured = vscode.workspace.getConfiguration("rnnc").get("path");
  if (typeof configured === "string" && configured.trim() !== "") return configured.trim();
  const bin = process.platform === "win32" ? "rnnc.cmd" : "rnnc";
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== "file") continue;
    const local = path.join(folder.uri.fsPath, "node_modules", ".bin", bin);
    if (fs.existsSync(local)) return local;
  }
  return "rnnc";
}

function createClient() {
  const command = rnncCommand();
  // No `transport` option: the client talks to the server over its stdin/stdout, and the
  // arguments are exactly these (with `transport: TransportKind.stdio` it would add `--stdio` itself).
  const executable = {
    command,
    args: ["lsp", "--stdio"],
    // A .cmd shim (Windows) runs through the shell.
    options: { shell: process.platform === "win32" && /\.cmd$/i.test(command) },
  };
  /** @type {import("vscode-languageclient/node").ServerOptions} */
  const serverOptions = { run: executable, debug: executable };
  /** @type {import("vscode-languageclient/node").LanguageClientOptions} */
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "rnn" },
      { scheme: "untitled", language: "rnn" },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.rnn") },
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  // The id "rnnc" is also the prefix of the `rnnc.trace.server` setting the client reads.
  return new LanguageClient("rnnc", "rnnc language server", serverOptions, clientOptions);
}

async function startClient() {
  client = createClient();
  try {
    await client.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(
      `rnnc: cannot start the language server (${message}). Install rnnc (npm i -D rnnc) or set "rnnc.path".`,
    );
  }
}

async function stopClient() {
  const running = client;
  client = undefined;
  if (running) await running.stop();
}

/** @param {import("vscode").ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("rnnc.restartServer", async () => {
      await stopClient();
      await startClient();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration("rnnc.path")) return;
      await stopClient();
      await startClient();
    }),
  );
  await startClient();
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate };

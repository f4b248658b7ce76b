// rnnc's own language server (src/lsp/server.ts) in a Web Worker, talking JSON-RPC over postMessage.
import "./worker-globals.js";
import { BrowserMessageReader, BrowserMessageWriter, createConnection } from "vscode-languageserver/browser";
import { startServer } from "../../src/lsp/server.js";

const scope = self as unknown as Worker;
startServer(createConnection(new BrowserMessageReader(scope), new BrowserMessageWriter(scope)));

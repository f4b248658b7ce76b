// The server's entry point inside its worker thread (started by `rnnc lsp --stdio`, src/cli/lsp.ts):
// JSON-RPC on the worker's stdin/stdout, which the main thread connects to the process's. Nothing
// else may write to stdout, so console output goes to the editor's log instead.
import { format } from "node:util";
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { startServer } from "./server.js";

const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
const log =
  (level: "log" | "info" | "warn" | "error") =>
  (...values: unknown[]) =>
    connection.console[level](format(...values));
console.log = log("log");
console.info = log("info");
console.debug = log("log");
console.warn = log("warn");
console.error = log("error");
// A bug in one request must not take the editor's server down: report it and keep serving.
process.on("uncaughtException", (error) => connection.console.error(`rnnc lsp: internal error: ${error.stack ?? error.message}`));
process.on("unhandledRejection", (reason) => connection.console.error(`rnnc lsp: internal error: ${String(reason)}`));
startServer(connection);

// The editor over the real transport: spawns `rnnc lsp --stdio` (the CLI built from the current
// sources, see test/build-cli.ts) and speaks JSON-RPC to it over its stdin/stdout with vscode-jsonrpc,
// as VS Code does. For the protocol tests; the features are tested in process (in-process.ts).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";
import type { PublishDiagnosticsParams } from "vscode-languageserver/node";
import { BUILT_CLI, ROOT } from "../cli-process.js";
import { Editor, type StartOptions } from "./editor.js";

export class StdioClient extends Editor {
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly connection: MessageConnection,
  ) {
    super();
    child.stderr.on("data", (chunk: Buffer) => (this.log += chunk.toString()));
    this.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
    connection.onNotification("textDocument/publishDiagnostics", (params: PublishDiagnosticsParams) => this.received(params));
    connection.onNotification("window/logMessage", (params: { message: string }) => {
      this.log += `[log] ${params.message}\n`;
    });
  }

  static async start(options: StartOptions = {}): Promise<StdioClient> {
    const child = spawn(process.execPath, [BUILT_CLI, "lsp", "--stdio"], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new StdioClient(child, connection);
    connection.listen();
    await client.initialize(options);
    return client;
  }

  /** shutdown, exit, and the process's exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    await this.connection.sendRequest("shutdown");
    await this.connection.sendNotification("exit");
    const code = await this.exited;
    this.connection.dispose();
    return code;
  }

  request<R>(method: string, params?: object): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async notify(method: string, params?: object): Promise<void> {
    await this.connection.sendNotification(method, params);
  }

  /** Writes raw bytes to the server's stdin (for malformed traffic). */
  writeRaw(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.child.stdin.write(bytes, (error) => (error ? reject(error) : resolve())));
  }
}

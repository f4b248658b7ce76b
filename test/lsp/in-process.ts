// The language server's logic in this process, without stdio (the Langium / rust-analyzer way of
// testing features): the real startServer — its document store, diagnostics scheduler and handlers —
// over a connection-like object that records the handlers it registers, so that a request is a call
// of the handler the server registered for it. Params and answers go through JSON as on the wire, so
// an answer here is the one an editor receives (protocol.test.ts checks that against the process).
import {
  CancellationToken,
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  ErrorCodes,
  FoldingRangeRequest,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  InlayHintRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  ResponseError,
  SemanticTokensRequest,
  ShutdownRequest,
  SignatureHelpRequest,
  WillSaveTextDocumentNotification,
  WillSaveTextDocumentWaitUntilRequest,
  type Connection,
  type PublishDiagnosticsParams,
} from "vscode-languageserver/node";
import { startServer } from "../../src/lsp/server.js";
import { Editor, type StartOptions } from "./editor.js";

type Handler = (params: unknown, token: CancellationToken, ...progress: unknown[]) => unknown;

/** The LSP method behind each registration function of the connection that startServer calls. */
const REGISTRATIONS = {
  onInitialize: InitializeRequest.method,
  onInitialized: InitializedNotification.method,
  onShutdown: ShutdownRequest.method,
  onHover: HoverRequest.method,
  onCompletion: CompletionRequest.method,
  onSignatureHelp: SignatureHelpRequest.method,
  onCodeAction: CodeActionRequest.method,
  onDefinition: DefinitionRequest.method,
  onReferences: ReferencesRequest.method,
  onPrepareRename: PrepareRenameRequest.method,
  onRenameRequest: RenameRequest.method,
  onDocumentSymbol: DocumentSymbolRequest.method,
  onFoldingRanges: FoldingRangeRequest.method,
  onDocumentFormatting: DocumentFormattingRequest.method,
  onDidOpenTextDocument: DidOpenTextDocumentNotification.method,
  onDidChangeTextDocument: DidChangeTextDocumentNotification.method,
  onDidCloseTextDocument: DidCloseTextDocumentNotification.method,
  onWillSaveTextDocument: WillSaveTextDocumentNotification.method,
  onWillSaveTextDocumentWaitUntil: WillSaveTextDocumentWaitUntilRequest.method,
  onDidSaveTextDocument: DidSaveTextDocumentNotification.method,
} as const;

/** What goes over the wire: JSON (undefined fields dropped, no shared objects). */
const wire = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

const noProgress = { begin() {}, report() {}, done() {} };

export class InProcessServer extends Editor {
  private readonly handlers = new Map<string, Handler>();

  private constructor() {
    super();
  }

  static async start(options: StartOptions = {}): Promise<InProcessServer> {
    const server = new InProcessServer();
    startServer(server.connection());
    await server.initialize(options);
    return server;
  }

  /** The connection startServer talks to: registrations recorded by method, diagnostics received, the log kept. */
  private connection(): Connection {
    const register = (method: string) => (handler: Handler) => {
      this.handlers.set(method, handler);
      return { dispose: () => this.handlers.delete(method) };
    };
    const log = (message: string) => {
      this.log += `[log] ${message}\n`;
    };
    const implemented: Record<string, unknown> = {
      ...Object.fromEntries(Object.entries(REGISTRATIONS).map(([name, method]) => [name, register(method)])),
      languages: {
        semanticTokens: { on: register(SemanticTokensRequest.method) },
        inlayHint: { on: register(InlayHintRequest.method) },
      },
      console: { log, info: log, warn: log, error: log },
      sendDiagnostics: async (params: PublishDiagnosticsParams) => this.received(wire(params)),
      listen: () => {},
    };
    // Whatever else the server starts to use fails here by name, rather than as "undefined is not a function".
    return new Proxy(implemented, {
      get(target, name) {
        if (typeof name !== "string" || name in target) return target[name as string];
        throw new Error(`the in-process connection (test/lsp/in-process.ts) has no ${name}: add what the server now uses`);
      },
    }) as unknown as Connection;
  }

  async request<R>(method: string, params?: object): Promise<R> {
    const handler = this.handlers.get(method);
    if (!handler) throw new ResponseError(ErrorCodes.MethodNotFound, `Unhandled method ${method}`);
    return wire((await handler(wire(params), CancellationToken.None, noProgress, noProgress)) ?? null) as R;
  }

  async notify(method: string, params?: object): Promise<void> {
    await this.handlers.get(method)?.(wire(params), CancellationToken.None);
  }

  /** shutdown: the server cancels its pending publications. */
  async stop(): Promise<void> {
    await this.request(ShutdownRequest.method);
  }
}

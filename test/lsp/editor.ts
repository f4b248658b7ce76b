// What the language server's tests do as an editor, whatever carries the messages: open, change and
// close documents, wait for their diagnostics, and Langium-style helpers — a snippet with a cursor
// marker `<|>`, one request, one thing to assert on. Two transports implement it: the server's logic
// in this process (in-process.ts, what the feature tests use) and the real `rnnc lsp --stdio`
// process (stdio-client.ts, for the protocol tests).
import type {
  CodeAction,
  CompletionItem,
  CompletionList,
  Diagnostic,
  Hover,
  InitializeParams,
  InitializeResult,
  InlayHint,
  MarkupContent,
  Position,
  PublishDiagnosticsParams,
  SignatureHelp,
  TextDocumentContentChangeEvent,
} from "vscode-languageserver/node";

/** The marker of the cursor in a snippet. `<` never occurs in .rnn source, so `x <|>|> f` is unambiguous. */
export const CURSOR = "<|>";

/** A snippet with one cursor marker: the text without it, and the cursor's LSP position and offset. */
export function withCursor(src: string): { text: string; position: Position; offset: number } {
  const offset = src.indexOf(CURSOR);
  if (offset < 0) throw new Error(`no ${CURSOR} in the snippet`);
  const text = src.slice(0, offset) + src.slice(offset + CURSOR.length);
  return { text, position: positionOf(text, offset), offset };
}

/** The LSP position of an offset (UTF-16, as the server speaks). */
export function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

/** The position of the n-th (0-based) occurrence of `needle` in `text`, plus `delta` characters. */
export function positionOfText(text: string, needle: string, nth = 0, delta = 0): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${JSON.stringify(needle)} occurs fewer than ${nth + 1} times`);
  }
  return positionOf(text, at + delta);
}

/** Applies LSP text edits to a text (by position; last first). */
export function applyEdits(text: string, edits: readonly { range: { start: Position; end: Position }; newText: string }[]): string {
  const offset = (p: Position) => {
    const lines = text.split("\n");
    let o = 0;
    for (let i = 0; i < p.line; i++) o += lines[i]!.length + 1;
    return o + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

export interface StartOptions {
  /** initializationOptions.diagnosticsDelay (ms). */
  diagnosticsDelay?: number;
}

/** The initialize request VS Code would send (the capabilities the server's answers depend on). */
export function initializeParams(options: StartOptions): InitializeParams {
  return {
    processId: process.pid,
    rootUri: null,
    capabilities: {
      textDocument: {
        hover: { contentFormat: ["markdown", "plaintext"] },
        completion: { completionItem: { snippetSupport: true } },
        publishDiagnostics: { relatedInformation: true, versionSupport: true },
        rename: { prepareSupport: true },
      },
    },
    initializationOptions: options.diagnosticsDelay === undefined ? {} : { diagnosticsDelay: options.diagnosticsDelay },
  };
}

/**
 * How long to wait for a publication before failing. Only a missing publication (a bug) waits this
 * long, so it is generous: a loaded machine must slow the tests down, not fail them.
 */
const DIAGNOSTICS_WAIT_MS = 120_000;

export abstract class Editor {
  private readonly published: PublishDiagnosticsParams[] = [];
  private readonly listeners: (() => void)[] = [];
  private nextDocument = 0;
  private readonly versions = new Map<string, number>();
  /** The server's log (window/logMessage, stderr), for failure messages. */
  log = "";
  initializeResult!: InitializeResult;

  /** A request and the server's answer, as the editor receives it. */
  abstract request<R>(method: string, params?: object): Promise<R>;
  abstract notify(method: string, params?: object): Promise<void>;
  /** shutdown, then exit. */
  abstract stop(): Promise<unknown>;

  protected async initialize(options: StartOptions): Promise<void> {
    this.initializeResult = await this.request<InitializeResult>("initialize", initializeParams(options));
    await this.notify("initialized", {});
  }

  /** A textDocument/publishDiagnostics notification arrived. */
  protected received(params: PublishDiagnosticsParams): void {
    this.published.push(params);
    for (const listener of [...this.listeners]) listener();
  }

  // ---- documents ----

  /** Opens a new document (a fresh URI each time) and returns its URI. */
  async open(text: string, uri = `file:///test/doc${this.nextDocument++}.rnn`): Promise<string> {
    this.versions.set(uri, 1);
    await this.notify("textDocument/didOpen", { textDocument: { uri, languageId: "rnn", version: 1, text } });
    return uri;
  }

  /** Replaces the document's text (or applies incremental changes); returns the new version. */
  async change(uri: string, change: string | TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const contentChanges = typeof change === "string" ? [{ text: change }] : change;
    await this.notify("textDocument/didChange", { textDocument: { uri, version }, contentChanges });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.notify("textDocument/didClose", { textDocument: { uri } });
  }

  /** Every publication received for a document, in order. */
  publicationsFor(uri: string): PublishDiagnosticsParams[] {
    return this.published.filter((p) => p.uri === uri);
  }

  /** The first publication for `uri` (of `version`, when given). */
  waitForDiagnostics(uri: string, version?: number, timeoutMs = DIAGNOSTICS_WAIT_MS): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const find = () => this.published.find((p) => p.uri === uri && (version === undefined || p.version === version));
      const found = find();
      if (found) return resolve(found);
      const timer = setTimeout(() => {
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        reject(new Error(`no diagnostics for ${uri}${version === undefined ? "" : ` v${version}`} within ${timeoutMs} ms\n${this.log}`));
      }, timeoutMs);
      const listener = () => {
        const p = find();
        if (!p) return;
        clearTimeout(timer);
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        resolve(p);
      };
      this.listeners.push(listener);
    });
  }

  // ---- one request on a snippet (Langium style) ----

  /** Opens `text`, waits for its first diagnostics, runs `f`, closes it. */
  async with<T>(text: string, f: (uri: string) => Promise<T>): Promise<T> {
    const uri = await this.open(text);
    try {
      await this.waitForDiagnostics(uri, 1);
      return await f(uri);
    } finally {
      await this.close(uri);
    }
  }

  /** The diagnostics published for a snippet. */
  diagnostics(text: string): Promise<Diagnostic[]> {
    return this.with(text, async (uri) => (await this.waitForDiagnostics(uri, 1)).diagnostics);
  }

  /** The hover text at the cursor marker (markdown), or null. */
  hover(snippet: string): Promise<string | null> {
    const { text, position } = withCursor(snippet);
    return this.with(text, async (uri) => {
      const hover = await this.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position });
      return hover ? (hover.contents as MarkupContent).value : null;
    });
  }

  /** The completion items at the cursor marker. */
  completionItems(snippet: string): Promise<CompletionItem[]> {
    const { text, position } = withCursor(snippet);
    return this.with(text, async (uri) => {
      const list = await this.request<CompletionList | CompletionItem[] | null>("textDocument/completion", {
        textDocument: { uri },
        position,
      });
      return Array.isArray(list) ? list : (list?.items ?? []);
    });
  }

  async completionLabels(snippet: string): Promise<string[]> {
    return (await this.completionItems(snippet)).map((i) => i.label);
  }

  signatureHelp(snippet: string): Promise<SignatureHelp | null> {
    const { text, position } = withCursor(snippet);
    return this.with(text, (uri) => this.request<SignatureHelp | null>("textDocument/signatureHelp", { textDocument: { uri }, position }));
  }

  inlayHints(text: string): Promise<InlayHint[]> {
    return this.with(text, (uri) =>
      this.request<InlayHint[]>("textDocument/inlayHint", {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: positionOf(text, text.length) },
      }),
    );
  }

  /** The quick fixes offered for every diagnostic of a snippet, with the diagnostics as the editor holds them. */
  codeActions(text: string): Promise<{ diagnostics: Diagnostic[]; actions: CodeAction[] }> {
    return this.with(text, async (uri) => {
      const { diagnostics } = await this.waitForDiagnostics(uri, 1);
      const actions: CodeAction[] = [];
      for (const d of diagnostics) {
        const found = await this.request<CodeAction[]>("textDocument/codeAction", {
          textDocument: { uri },
          range: d.range,
          context: { diagnostics: [d], only: ["quickfix"] },
        });
        actions.push(...found.filter((a) => a.diagnostics?.some((x) => x.code === d.code && x.message === d.message)));
      }
      return { diagnostics, actions };
    });
  }
}

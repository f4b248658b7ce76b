// The language server: one connection, one store of checked documents, and one handler per feature
// (each in its own file). Every feature reads the same CheckedDocument — the checker's result for the
// version the editor holds — so a document is checked once per version whatever is asked of it.
import {
  CodeActionKind,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type TextDocumentIdentifier,
} from "vscode-languageserver/node";
import { codeActions } from "./code-actions.js";
import { completion, COMPLETION_TRIGGERS } from "./completion.js";
import { definition } from "./definition.js";
import { DiagnosticsScheduler } from "./diagnostics.js";
import { documentSymbols } from "./document-symbols.js";
import { DocumentStore, type CheckedDocument } from "./documents.js";
import { foldingRanges } from "./folding-ranges.js";
import { formatting } from "./formatting.js";
import { hover } from "./hover.js";
import { inlayHints } from "./inlay-hints.js";
import { references } from "./references.js";
import { prepareRename, rename } from "./rename.js";
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from "./semantic-tokens.js";
import { SIGNATURE_RETRIGGERS, SIGNATURE_TRIGGERS, signatureHelp } from "./signature-help.js";

/** What an editor may pass in `initializationOptions`. */
export interface ServerOptions {
  /**
   * Milliseconds typing must pause before diagnostics are recomputed (default 75; 0 = as soon as the
   * queued changes are applied). Without it, the environment variable RNNC_LSP_DIAGNOSTICS_DELAY.
   */
  diagnosticsDelay?: number;
}

export function capabilities(): InitializeResult["capabilities"] {
  return {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    hoverProvider: true,
    completionProvider: { triggerCharacters: COMPLETION_TRIGGERS },
    signatureHelpProvider: { triggerCharacters: SIGNATURE_TRIGGERS, retriggerCharacters: SIGNATURE_RETRIGGERS },
    definitionProvider: true,
    referencesProvider: true,
    renameProvider: { prepareProvider: true },
    documentSymbolProvider: true,
    foldingRangeProvider: true,
    semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
    documentFormattingProvider: true,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    inlayHintProvider: true,
  };
}

export function startServer(connection: Connection): void {
  const store = new DocumentStore();
  const scheduler = new DiagnosticsScheduler({
    current: (uri) => store.get(uri),
    versionOf: (uri) => store.versionOf(uri),
    publish: (uri, version, diagnostics) => {
      void connection.sendDiagnostics(version === undefined ? { uri, diagnostics } : { uri, version, diagnostics });
    },
    log: (message) => connection.console.error(message),
  });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const options = (params.initializationOptions ?? {}) as ServerOptions;
    const delay = options.diagnosticsDelay ?? Number(process.env["RNNC_LSP_DIAGNOSTICS_DELAY"] ?? NaN);
    if (Number.isFinite(delay) && delay >= 0) scheduler.delayMs = delay;
    return { capabilities: capabilities(), serverInfo: { name: "rnnc" } };
  });

  store.documents.onDidOpen((e) => scheduler.now(e.document.uri));
  store.documents.onDidChangeContent((e) => scheduler.later(e.document.uri));
  store.documents.onDidClose((e) => {
    store.forget(e.document.uri);
    scheduler.closed(e.document.uri);
  });

  /** A handler over the checked document (once its check is done); a document that is not open gets `empty`. */
  function on<P extends { textDocument: TextDocumentIdentifier }, R, E>(feature: (doc: CheckedDocument, params: P) => R, empty: E) {
    return async (params: P): Promise<Awaited<R> | E> => {
      const doc = await store.get(params.textDocument.uri);
      return doc ? await feature(doc, params) : empty;
    };
  }

  connection.onHover(on(hover, null));
  connection.onCompletion(on(completion, null));
  connection.onSignatureHelp(on(signatureHelp, null));
  connection.onCodeAction(on(codeActions, []));
  connection.onDefinition(on(definition, null));
  connection.onReferences(on(references, []));
  connection.onPrepareRename(on(prepareRename, null));
  connection.onRenameRequest(on(rename, null));
  connection.onDocumentSymbol(on(documentSymbols, []));
  connection.onFoldingRanges(on(foldingRanges, []));
  connection.onDocumentFormatting(on(formatting, null));
  connection.languages.semanticTokens.on(on(semanticTokens, { data: [] }));
  connection.languages.inlayHint.on(on(inlayHints, []));
  connection.onShutdown(() => scheduler.dispose());

  store.documents.listen(connection);
  connection.listen();
}

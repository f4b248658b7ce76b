// Diagnostics: the checker's, sent as LSP diagnostics (code, range, severity, `source: "rnnc"`,
// related information), on open at once and after edits once typing pauses. Only the latest version
// of a document is ever published: a pending publication is replaced by each edit, and a result is
// dropped if the document moved on while it was computed.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic as LspDiagnostic } from "vscode-languageserver/node";
import { catalogEntry, type Diagnostic, type DiagnosticTagName } from "../index.js";
import { toLspRange, type CheckedDocument } from "./documents.js";

export const DIAGNOSTIC_SOURCE = "rnnc";

/** How long typing must pause before a changed document is rechecked and published. */
export const DEFAULT_DIAGNOSTICS_DELAY_MS = 75;

const LSP_TAGS: Record<DiagnosticTagName, DiagnosticTag> = { unnecessary: DiagnosticTag.Unnecessary, deprecated: DiagnosticTag.Deprecated };

export function toLspDiagnostic(doc: CheckedDocument, d: Diagnostic): LspDiagnostic {
  const out: LspDiagnostic = {
    range: toLspRange(d.range),
    severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: DIAGNOSTIC_SOURCE,
    message: d.message,
  };
  const tags = catalogEntry(d.code)?.tags ?? [];
  if (tags.length > 0) out.tags = tags.map((t) => LSP_TAGS[t]);
  if (d.related?.length) {
    out.relatedInformation = d.related.map((r) => ({ location: { uri: doc.uri, range: toLspRange(r.range) }, message: r.message }));
  }
  if (d.fix) out.data = { fix: d.fix.title };
  return out;
}

export function lspDiagnostics(doc: CheckedDocument): LspDiagnostic[] {
  return doc.checked.diagnostics.map((d) => toLspDiagnostic(doc, d));
}

export interface DiagnosticsHost {
  /** The checked document for the current version (once checked), or undefined when it is closed. */
  current(uri: string): Promise<CheckedDocument | undefined>;
  versionOf(uri: string): number | undefined;
  publish(uri: string, version: number | undefined, diagnostics: LspDiagnostic[]): void;
  log(message: string): void;
}

/** Debounces publication per document and never publishes a version that is no longer current. */
export class DiagnosticsScheduler {
  /** The pending publication of each document, as the function that cancels it. */
  private readonly pending = new Map<string, () => void>();
  private readonly published = new Map<string, number>();

  constructor(
    private readonly host: DiagnosticsHost,
    public delayMs: number = DEFAULT_DIAGNOSTICS_DELAY_MS,
  ) {}

  /** Publishes now (on open): as soon as the document is checked. */
  now(uri: string): void {
    this.cancel(uri);
    void this.fire(uri);
  }

  /** Publishes once edits pause for `delayMs`; each call replaces the pending one. */
  later(uri: string): void {
    this.cancel(uri);
    if (this.delayMs <= 0) {
      // Still asynchronous, so that a burst of changes already queued is applied first.
      const immediate = setImmediate(() => void this.fire(uri));
      this.pending.set(uri, () => clearImmediate(immediate));
    } else {
      const timer = setTimeout(() => void this.fire(uri), this.delayMs);
      this.pending.set(uri, () => clearTimeout(timer));
    }
  }

  /** The document closed: nothing pending, and its diagnostics cleared. */
  closed(uri: string): void {
    this.cancel(uri);
    this.published.delete(uri);
    this.host.publish(uri, undefined, []);
  }

  dispose(): void {
    for (const uri of [...this.pending.keys()]) this.cancel(uri);
  }

  private cancel(uri: string): void {
    this.pending.get(uri)?.();
    this.pending.delete(uri);
  }

  private async fire(uri: string): Promise<void> {
    this.pending.delete(uri);
    try {
      await this.publish(uri);
    } catch (error) {
      this.host.log(`rnnc: diagnostics failed for ${uri}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  private async publish(uri: string): Promise<void> {
    const version = this.host.versionOf(uri);
    if (version === undefined || this.published.get(uri) === version) return;
    const doc = await this.host.current(uri);
    // The document changed or closed meanwhile: that version's result is stale, and a newer one is scheduled.
    if (!doc || doc.version !== this.host.versionOf(uri) || this.published.get(uri) === doc.version) return;
    this.published.set(uri, doc.version);
    this.host.publish(uri, doc.version, lspDiagnostics(doc));
  }
}

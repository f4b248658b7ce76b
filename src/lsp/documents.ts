// The documents the editor has open, each checked once per version. Every feature reads the same
// CheckedDocument: the checker's result for exactly the text the editor holds, and an index of the
// names in it. Nothing here parses or infers: `check` (the public API) does, once per version.
import { TextDocuments } from "vscode-languageserver/node";
import type { Position as LspPosition, Range as LspRange } from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { check, type Binding, type CheckedFile, type CheckedModel, type Range } from "../index.js";
import { SyntaxIndex } from "./syntax-index.js";

/** One version of one document, checked. */
export class CheckedDocument {
  private syntaxIndex: SyntaxIndex | undefined;
  private bindingsByDecl: Map<object, { binding: Binding; model: CheckedModel }> | undefined;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly checked: CheckedFile,
  ) {}

  get text(): string {
    return this.checked.parse.lineIndex.text;
  }

  /** Every name, keyword argument and declaration, by position (built on first use). */
  get index(): SyntaxIndex {
    return (this.syntaxIndex ??= new SyntaxIndex(this.checked));
  }

  /** The offset of an LSP position (clamped into the text). */
  offsetAt(position: LspPosition): number {
    return this.checked.parse.lineIndex.offset(position.line, position.character);
  }

  /** The LSP range of two offsets. */
  rangeOf(start: number, end: number): LspRange {
    return toLspRange(this.checked.parse.lineIndex.range(start, end));
  }

  /** The binding an identifier declares (an input's name or an assignment target). */
  bindingDeclaredBy(decl: object): { binding: Binding; model: CheckedModel } | undefined {
    if (!this.bindingsByDecl) {
      this.bindingsByDecl = new Map();
      for (const model of this.checked.models)
        for (const binding of model.bindings) this.bindingsByDecl.set(binding.decl, { binding, model });
    }
    return this.bindingsByDecl.get(decl);
  }

  /** The checked model of a declaration (the first of a duplicated name is the one checked). */
  modelOf(decl: object): CheckedModel | undefined {
    return this.checked.models.find((m) => m.decl === decl);
  }

  /** A model by name, as the checker resolves names that are not bindings. */
  modelNamed(name: string): CheckedModel | undefined {
    return this.checked.models.find((m) => m.name === name);
  }
}

/** Our ranges carry offsets too; LSP's are line and character only. */
export function toLspRange(range: Range): LspRange {
  return {
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}

/** The open documents (kept in sync by TextDocuments) and the checked version of each. */
export class DocumentStore {
  readonly documents = new TextDocuments(TextDocument);
  private readonly cache = new Map<string, CheckedDocument>();

  /** The checked document for the text the editor holds now; undefined when it is not open. */
  get(uri: string): CheckedDocument | undefined {
    const document = this.documents.get(uri);
    if (!document) {
      this.cache.delete(uri);
      return undefined;
    }
    const cached = this.cache.get(uri);
    if (cached && cached.version === document.version) return cached;
    const fresh = new CheckedDocument(uri, document.version, check(document.getText()));
    this.cache.set(uri, fresh);
    return fresh;
  }

  /** The version the editor holds now (undefined when closed), without checking it. */
  versionOf(uri: string): number | undefined {
    return this.documents.get(uri)?.version;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}

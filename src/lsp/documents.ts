// The documents the editor has open, each checked once per version. Every feature reads the same
// CheckedDocument: the checker's result for exactly the text the editor holds, and an index of the
// names in it. Nothing here parses or infers: `checkSteps` (the public API) does, once per version,
// in slices (see slices.ts) so that a long document never keeps the server from the others.
import { TextDocuments } from "vscode-languageserver/node";
import type { Position as LspPosition, Range as LspRange } from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { checkSteps, type Ast, type Binding, type CheckedFile, type CheckedModel, type Range } from "../index.js";
import { runInSlices } from "./slices.js";
import { SyntaxIndex } from "./syntax-index.js";

/** One version of one document, checked. */
export class CheckedDocument {
  private syntaxIndex: SyntaxIndex | undefined;
  private bindingsByDecl: Map<object, { binding: Binding; model: CheckedModel }> | undefined;
  private modelsByDecl: Map<object, CheckedModel> | undefined;
  private modelsByName: Map<string, CheckedModel> | undefined;
  private inputsByName: Map<object, Ast.InputDecl> | undefined;

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
    if (!this.modelsByDecl) this.indexModels();
    return this.modelsByDecl!.get(decl);
  }

  /** A model by name, as the checker resolves names that are not bindings. */
  modelNamed(name: string): CheckedModel | undefined {
    if (!this.modelsByName) this.indexModels();
    return this.modelsByName!.get(name);
  }

  /** The input declaration an input's name identifier belongs to. */
  inputNamedBy(ident: object): Ast.InputDecl | undefined {
    if (!this.inputsByName) {
      this.inputsByName = new Map();
      for (const model of this.checked.parse.file.models) for (const input of model.inputs) this.inputsByName.set(input.name, input);
    }
    return this.inputsByName.get(ident);
  }

  // Maps, not searches: a feature that asks for every model (symbols, semantic tokens) stays linear.
  private indexModels(): void {
    this.modelsByDecl = new Map();
    this.modelsByName = new Map();
    for (const m of this.checked.models) {
      this.modelsByDecl.set(m.decl, m);
      if (!this.modelsByName.has(m.name)) this.modelsByName.set(m.name, m);
    }
  }
}

/** Our ranges carry offsets too; LSP's are line and character only. */
export function toLspRange(range: Range): LspRange {
  return {
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}

/**
 * The open documents (kept in sync by TextDocuments) and the checked version of each. A version is
 * checked at most once, by one run shared by everything that asks for it, in slices; a run whose
 * document changed or closed stops at its next slice (its result could never be read).
 */
export class DocumentStore {
  readonly documents = new TextDocuments(TextDocument);
  private readonly cache = new Map<string, CheckedDocument>();
  private readonly running = new Map<string, { version: number; result: Promise<CheckedDocument | undefined> }>();

  /** The checked document for the text the editor holds now (waiting for its check); undefined when it is not open. */
  async get(uri: string): Promise<CheckedDocument | undefined> {
    for (;;) {
      const document = this.documents.get(uri);
      if (!document) {
        this.cache.delete(uri);
        return undefined;
      }
      const cached = this.cache.get(uri);
      if (cached && cached.version === document.version) return cached;
      const fresh = await this.checking(uri, document);
      // Undefined: the document changed while it was checked; go on with the version it holds now.
      if (fresh) return fresh;
    }
  }

  /** The version the editor holds now (undefined when closed), without checking it. */
  versionOf(uri: string): number | undefined {
    return this.documents.get(uri)?.version;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
    this.running.delete(uri);
  }

  /** The run checking this version of the document: the one under way, or a new one. */
  private checking(uri: string, document: TextDocument): Promise<CheckedDocument | undefined> {
    const version = document.version;
    const running = this.running.get(uri);
    if (running && running.version === version) return running.result;
    // The previous version's result can no longer be asked for: let its memory go before the new one's is taken.
    this.cache.delete(uri);
    const stale = () => this.documents.get(uri)?.version !== version;
    const result = runInSlices(checkSteps(document.getText()), stale).then((checked) => {
      if (this.running.get(uri)?.result === result) this.running.delete(uri);
      if (!checked || stale()) return undefined;
      const fresh = new CheckedDocument(uri, version, checked);
      this.cache.set(uri, fresh);
      return fresh;
    });
    this.running.set(uri, { version, result });
    return result;
  }
}

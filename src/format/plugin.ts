// A prettier plugin for .rnn files: `prettier --plugin ./dist/format/plugin.js --check "**/*.rnn"`.
// It parses with rnnc's own parser and prints with the layout of ./print.ts. A file with syntax
// errors is not formatted: the parser throws a SyntaxError with the first error, which prettier
// reports with a code frame.
import { doc, type Parser, type Plugin, type Printer, type SupportLanguage } from "prettier";
import type { Diagnostic } from "../source/diagnostic.js";
import { parse } from "../syntax/parse.js";
import { layout, printRoot, type RnnRoot } from "./print.js";

/** What formatting a file with syntax errors throws: the first error, and all of them. */
export class RnnSyntaxError extends SyntaxError {
  /** Where prettier's code frame points: one-based line and column. */
  readonly loc: { start: { line: number; column: number }; end: { line: number; column: number } };

  constructor(readonly diagnostics: readonly Diagnostic[]) {
    const first = diagnostics[0]!;
    const { start, end } = first.range;
    super(`${first.code}: ${first.message} (${start.line + 1}:${start.character + 1})`);
    this.name = "SyntaxError";
    this.loc = { start: { line: start.line + 1, column: start.character + 1 }, end: { line: end.line + 1, column: end.character + 1 } };
  }
}

/** Parses `text` for printing; throws RnnSyntaxError if it has syntax errors. */
export function parseRoot(text: string): RnnRoot {
  const { file, comments, diagnostics } = parse(text);
  if (diagnostics.length > 0) throw new RnnSyntaxError(diagnostics);
  return { kind: "RnnRoot", file, sourceComments: comments, text, range: file.range };
}

export const languages: SupportLanguage[] = [
  { name: "rnn", parsers: ["rnn"], extensions: [".rnn"], vscodeLanguageIds: ["rnn"], tmScope: "source.rnn" },
];

export const parsers: Record<string, Parser<RnnRoot>> = {
  rnn: {
    parse: parseRoot,
    astFormat: "rnn-ast",
    locStart: (node) => node.range.start.offset,
    locEnd: (node) => node.range.end.offset,
  },
};

export const printers: Record<string, Printer<RnnRoot>> = {
  "rnn-ast": {
    // The whole file is laid out here, at the language's fixed width (see print.ts `layout`), and
    // handed to prettier as text; prettier still applies `endOfLine`.
    print: (path) => doc.utils.replaceEndOfLine(layout(printRoot(path.node))),
    // The printer walks the AST itself; prettier sees one node.
    getVisitorKeys: () => [],
  },
};

const plugin: Plugin<RnnRoot> = { languages, parsers, printers };
export default plugin;

// A diagnostic is data: the CLI prints it, the language server sends it, code actions apply its fix.
import type { Range } from "./range.js";

export type Severity = "error" | "warning";

/** A replacement of the text in `range` by `newText` (an insertion when the range is empty). */
export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  /** What the fix does, as a code action title: "Add seq=true to lstm(…)". */
  title: string;
  edits: TextEdit[];
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  fix?: Fix;
  /** More ranges worth showing, e.g. the call that produced a rank-2 tensor. */
  related?: { range: Range; message: string }[];
}

// Folding ranges: model bodies, runs of comment lines, and statements that span lines (a long pipeline).
import { FoldingRangeKind, type FoldingRange } from "vscode-languageserver/node";
import type { CheckedDocument } from "./documents.js";

export function foldingRanges(doc: CheckedDocument): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const lines = doc.checked.parse.lineIndex;
  for (const model of doc.checked.parse.file.models) {
    const start = model.range.start.line;
    // Keep the closing brace visible when it is on its own line, as editors do for blocks.
    const closeLine = model.range.end.line;
    const end = lines.lineText(closeLine).trim() === "}" ? closeLine - 1 : closeLine;
    if (end > start) ranges.push({ startLine: start, endLine: end });
    for (const statement of model.body) {
      if (statement.range.end.line > statement.range.start.line)
        ranges.push({ startLine: statement.range.start.line, endLine: statement.range.end.line });
    }
  }
  // Comment blocks: two or more lines that hold only a comment, one after another.
  let blockStart = -1;
  let previous = -2;
  const flush = () => {
    if (blockStart >= 0 && previous > blockStart) ranges.push({ startLine: blockStart, endLine: previous, kind: FoldingRangeKind.Comment });
  };
  for (const comment of doc.checked.parse.comments) {
    const line = comment.range.start.line;
    if (lines.lineText(line).trimStart() !== comment.text) continue;
    if (line !== previous + 1) {
      flush();
      blockStart = line;
    }
    previous = line;
  }
  flush();
  return ranges.sort((a, b) => a.startLine - b.startLine);
}

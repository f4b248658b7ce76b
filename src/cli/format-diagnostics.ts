// Compiler-style diagnostics: `file:line:col: error RNN012: message`, the source line, a caret.
import type { CheckedFile, Diagnostic } from "../node.js";

const RED = "\x1b[31;1m";
const YELLOW = "\x1b[33;1m";
const BOLD = "\x1b[1m";
const CYAN = "\x1b[36m";
const RESET = "\x1b[0m";

export function formatDiagnostic(file: string, checked: CheckedFile, d: Diagnostic, colour: boolean): string {
  const paint = (code: string, text: string) => (colour ? `${code}${text}${RESET}` : text);
  const { start, end } = d.range;
  const lines = checked.parse.lineIndex;
  const head = `${paint(BOLD, `${file}:${start.line + 1}:${start.character + 1}:`)} ${paint(d.severity === "error" ? RED : YELLOW, d.severity)} ${d.code}: ${d.message}`;
  const line = lines.lineText(start.line).replace(/\t/g, " ");
  const gutter = String(start.line + 1);
  const fullWidth = end.line === start.line ? Math.max(1, end.character - start.character) : Math.max(1, line.length - start.character);
  const { text, column, width } = excerpt(line, start.character, fullWidth);
  const caret = " ".repeat(column) + "^" + "~".repeat(Math.max(0, width - 1));
  const out = [
    head,
    `${" ".repeat(gutter.length)} |`,
    `${gutter} | ${text}`,
    `${" ".repeat(gutter.length)} | ${paint(d.severity === "error" ? RED : YELLOW, caret)}`,
  ];
  if (d.fix) out.push(`${" ".repeat(gutter.length)} = ${paint(CYAN, "fix")}: ${d.fix.title}`);
  return out.join("\n");
}

/** Source lines longer than this are shown as a window around the range, cut with "…" at each end. */
const MAX_SHOWN = 100;

/** The part of a long line a diagnostic shows: from a little before the range, at most MAX_SHOWN characters. */
function excerpt(line: string, column: number, width: number): { text: string; column: number; width: number } {
  if (line.length <= MAX_SHOWN) return { text: line, column, width };
  const begin = column <= 20 ? 0 : column - 20;
  const end = Math.min(line.length, begin + MAX_SHOWN);
  const before = begin > 0 ? "…" : "";
  const after = end < line.length ? "…" : "";
  return {
    text: before + line.slice(begin, end) + after,
    column: column - begin + before.length,
    width: Math.max(1, Math.min(width, end - column)),
  };
}

export function countLine(errors: number, warnings: number, files: number): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(errors, "error")}, ${plural(warnings, "warning")} in ${plural(files, "file")}`;
}

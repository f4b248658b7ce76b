// Small helpers for checker tests, in the style of Langium's: check a snippet, then assert on one
// thing (a binding's type, the diagnostic codes, a range marked in the snippet).
import { expect } from "vitest";
import {
  check,
  formatType,
  isLayerRow,
  type CheckedFile,
  type CheckedModel,
  type Diagnostic,
  type Fix,
  type LayerRow,
  type Range,
} from "../src/index.js";

export { check };

/** The model named `name`, or the last model of the file (snippets usually define the model under test last). */
export function modelOf(src: string | CheckedFile, name?: string): CheckedModel {
  const file = typeof src === "string" ? check(src) : src;
  const model = name === undefined ? file.models[file.models.length - 1] : file.models.find((m) => m.name === name);
  if (!model) throw new Error(`no model ${name ?? ""} in the snippet`);
  return model;
}

/** Binding name → its type as the checker prints it (a later binding of the same name wins). */
export function typesOf(src: string, model?: string): Record<string, string> {
  const types: Record<string, string> = {};
  for (const b of modelOf(src, model).bindings) types[b.name] = formatType(b.type);
  return types;
}

/** The model's return types as the checker prints them. */
export function outputsOf(src: string, model?: string): string[] {
  return modelOf(src, model).outputs.map(formatType);
}

/** Every diagnostic's code, in source order. */
export function codesOf(src: string): string[] {
  return check(src).diagnostics.map((d) => d.code);
}

export function errorsOf(src: string): Diagnostic[] {
  return check(src).diagnostics.filter((d) => d.severity === "error");
}

/** The only diagnostic with `code`; fails unless there is exactly one. */
export function theDiagnostic(src: string | CheckedFile, code: string): Diagnostic {
  const file = typeof src === "string" ? check(src) : src;
  const found = file.diagnostics.filter((d) => d.code === code);
  expect(
    found.map((d) => `${d.code} ${d.message}`),
    `exactly one ${code} among ${file.diagnostics.map((d) => d.code).join(", ") || "no diagnostics"}`,
  ).toHaveLength(1);
  return found[0]!;
}

/** The layer rows of a model (not the called models). */
export function layerRowsOf(src: string, model?: string): LayerRow[] {
  return modelOf(src, model).rows.filter(isLayerRow);
}

/** Row names of a model in order: what weights files and `summary` use. */
export function rowNamesOf(src: string, model?: string): string[] {
  return modelOf(src, model).rows.map((r) => r.name);
}

/** Applies a fix's text edits (by offset, last first so earlier offsets stay valid). */
export function applyFix(text: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.range.start.offset - a.range.start.offset || b.range.end.offset - a.range.end.offset);
  let out = text;
  for (const e of edits) out = out.slice(0, e.range.start.offset) + e.newText + out.slice(e.range.end.offset);
  return out;
}

/** A range as [startLine, startCharacter, endLine, endCharacter], zero-based, for compact assertions. */
export type Span = [number, number, number, number];

export function spanOf(range: Range): Span {
  return [range.start.line, range.start.character, range.end.line, range.end.character];
}

/**
 * A snippet with its expected ranges marked `«like this»` (the markers are not part of the text):
 * returns the text and the marked spans in order. `|>` is the pipe, so the markers are guillemets.
 */
export function marked(src: string): { text: string; spans: Span[]; offsets: [number, number][] } {
  let text = "";
  const spans: Span[] = [];
  const offsets: [number, number][] = [];
  const open: { line: number; character: number; offset: number }[] = [];
  let line = 0;
  let character = 0;
  for (const ch of src) {
    if (ch === "«") {
      open.push({ line, character, offset: text.length });
      continue;
    }
    if (ch === "»") {
      const start = open.pop();
      if (!start) throw new Error("unbalanced » in snippet");
      spans.push([start.line, start.character, line, character]);
      offsets.push([start.offset, text.length]);
      continue;
    }
    text += ch;
    if (ch === "\n") {
      line++;
      character = 0;
    } else character += ch.length;
  }
  if (open.length) throw new Error("unbalanced « in snippet");
  return { text, spans, offsets };
}

/** The one diagnostic of `code` in a marked snippet, asserting that its range is the (first) marked one. */
export function expectDiagnosticAt(src: string, code: string): Diagnostic {
  const { text, spans, offsets } = marked(src);
  const d = theDiagnostic(text, code);
  expect(spanOf(d.range)).toEqual(spans[0]);
  expect([d.range.start.offset, d.range.end.offset]).toEqual(offsets[0]);
  return d;
}

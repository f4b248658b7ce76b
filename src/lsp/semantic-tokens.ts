// Semantic tokens (full document): keywords, layer names as functions, bindings as variables, inputs
// as parameters, dtype words as types, dim names as type parameters, models as classes, keyword
// arguments as properties, activation/initializer/merge values as enum members, numbers, strings,
// comments and the operators `|>` and `=`. Identifiers are classified from the checker's resolution.
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from "vscode-languageserver/node";
import { tokenCategory } from "../syntax/tokens.js";
import type { CheckedDocument } from "./documents.js";
import { resolve } from "./resolve.js";
import type { Occurrence } from "./syntax-index.js";

export const TOKEN_TYPES = [
  "keyword",
  "function",
  "variable",
  "parameter",
  "type",
  "number",
  "string",
  "comment",
  "operator",
  "class",
  "typeParameter",
  "property",
  "enumMember",
] as const;
export const TOKEN_MODIFIERS = ["declaration", "defaultLibrary"] as const;

export type TokenType = (typeof TOKEN_TYPES)[number];
type Modifier = (typeof TOKEN_MODIFIERS)[number];

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

const typeIndex = new Map<string, number>(TOKEN_TYPES.map((t, i) => [t, i]));
const modifierBit = new Map<string, number>(TOKEN_MODIFIERS.map((m, i) => [m, 1 << i]));

interface Classified {
  type: TokenType;
  modifiers?: Modifier[];
}

export function semanticTokens(doc: CheckedDocument): SemanticTokens {
  const { tokens, comments, lineIndex } = doc.checked.parse;
  const byStart = new Map<number, Occurrence>();
  for (const o of doc.index.occurrences) byStart.set(o.range.start.offset, o);

  const spans: { start: number; length: number; type: number; modifiers: number }[] = [];
  const add = (start: number, length: number, c: Classified) =>
    spans.push({
      start,
      length,
      type: typeIndex.get(c.type)!,
      modifiers: (c.modifiers ?? []).reduce((bits, m) => bits | modifierBit.get(m)!, 0),
    });

  for (const token of tokens) {
    const category = tokenCategory(token.tokenType);
    const length = token.image.length;
    switch (category) {
      case "keyword":
      case "number":
      case "string":
        add(token.startOffset, length, { type: category });
        break;
      case "operator":
        add(token.startOffset, length, { type: "operator" });
        break;
      case "punctuation":
        if (token.tokenType.name === "Equals") add(token.startOffset, length, { type: "operator" });
        break;
      case "identifier": {
        const o = byStart.get(token.startOffset);
        const c = o ? classify(doc, o) : undefined;
        if (c) add(token.startOffset, length, c);
        break;
      }
      default:
        break;
    }
  }
  for (const comment of comments) add(comment.range.start.offset, comment.text.length, { type: "comment" });
  spans.sort((a, b) => a.start - b.start);

  const builder = new SemanticTokensBuilder();
  for (const s of spans) {
    const p = lineIndex.position(s.start);
    builder.push(p.line, p.character, s.length, s.type, s.modifiers);
  }
  return builder.build();
}

function classify(doc: CheckedDocument, o: Occurrence): Classified | undefined {
  switch (o.kind) {
    case "model":
      return { type: "class", modifiers: ["declaration"] };
    case "input":
      return { type: "parameter", modifiers: ["declaration"] };
    case "dtype":
      return { type: "type" };
    case "dim":
      return { type: "typeParameter" };
    case "target":
      return { type: "variable", modifiers: ["declaration"] };
    case "keyword":
      return { type: "property" };
    case "name": {
      const r = resolve(doc, o);
      switch (r.kind) {
        case "binding":
          return { type: r.binding.kind === "input" ? "parameter" : "variable" };
        case "model":
          return { type: "class" };
        case "layer":
          return { type: "function", modifiers: ["defaultLibrary"] };
        case "value":
          return { type: "enumMember" };
        default:
          return { type: "variable" };
      }
    }
  }
}

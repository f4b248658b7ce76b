// Documentation generated from the parser itself, so it cannot drift from what is parsed:
// an EBNF text and Chevrotain's railroad diagrams. `npm run grammar` writes both to grammar/.
import {
  Alternation,
  Alternative,
  createSyntaxDiagramsCode,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  Terminal,
  type IProduction,
  type TokenType,
} from "chevrotain";
import { parser } from "./parser.js";
import { allTokens, UnterminatedString } from "./tokens.js";

const header = `(* The syntax of .rnn files, in EBNF: x? optional, x* any number, x+ at least one.
   Generated from src/syntax/parser.ts by \`npm run grammar\`; do not edit by hand. *)`;

/** A terminal: its literal text when it has one, else the token's name (defined at the end). */
function terminal(type: TokenType): string {
  return typeof type.PATTERN === "string" ? JSON.stringify(type.PATTERN) : type.name;
}

function sequence(productions: IProduction[]): string {
  return productions.map(production).join(" ");
}

/** `x` stays as it is under a suffix; a sequence or choice gets parentheses. */
function suffixed(productions: IProduction[], suffix: string): string {
  const [only] = productions;
  const atomic = productions.length === 1 && (only instanceof Terminal || only instanceof NonTerminal);
  return atomic ? `${production(only)}${suffix}` : `(${sequence(productions)})${suffix}`;
}

function production(node: IProduction): string {
  if (node instanceof Terminal) return terminal(node.terminalType);
  if (node instanceof NonTerminal) return node.nonTerminalName;
  if (node instanceof Alternative) return sequence(node.definition);
  if (node instanceof Alternation) return `(${node.definition.map(production).join(" | ")})`;
  if (node instanceof Option) return suffixed(node.definition, "?");
  if (node instanceof Repetition) return suffixed(node.definition, "*");
  if (node instanceof RepetitionMandatory) return suffixed(node.definition, "+");
  if (node instanceof RepetitionWithSeparator || node instanceof RepetitionMandatoryWithSeparator) {
    const item = sequence(node.definition);
    const list = `${item} (${terminal(node.separator)} ${item})*`;
    return node instanceof RepetitionWithSeparator ? `(${list})?` : list;
  }
  throw new Error(`grammar-docs: unknown production ${node.constructor.name}`);
}

/** A rule that is one choice gets one alternative per line. */
function rule(name: string, definition: IProduction[]): string {
  const [only] = definition;
  if (definition.length === 1 && only instanceof Alternation) {
    const indent = " ".repeat(name.length + 3);
    return `${name} ::= ${only.definition.map(production).join(`\n${indent}| `)}`;
  }
  return `${name} ::= ${sequence(definition)}`;
}

/** The tokens named in the rules, as the regular expressions the lexer uses. */
function lexicalRules(): string[] {
  const keywords = allTokens.filter((type) => type.LONGER_ALT !== undefined).map(terminal);
  const patterns = allTokens
    .filter((type) => type.PATTERN instanceof RegExp && type !== UnterminatedString)
    .map((type) => {
      const note = type.GROUP === undefined ? "" : "  (* between tokens; ignored *)";
      return `${type.name} ::= /${(type.PATTERN as RegExp).source}/${note}`;
    });
  return [...patterns, `(* The keywords ${keywords.join(", ")} are not Identifiers. *)`];
}

export function grammarEbnf(): string {
  const rules = Object.values(parser.getGAstProductions()).map((r) => rule(r.name, r.definition));
  return `${header}\n\n${rules.join("\n\n")}\n\n(* Tokens *)\n\n${lexicalRules().join("\n")}\n`;
}

/** Where Chevrotain's page would load its scripts and style from; replaced by their text. */
const ASSETS = "chevrotain-diagrams:";

/**
 * Chevrotain's railroad-diagram page for the grammar, working offline: the scripts and the style
 * it would load from a CDN are inlined, each as `asset(path)` gives it (a path under chevrotain's
 * `diagrams/` folder: `src/main.js`, `diagrams.css`).
 */
export function grammarDiagramsHtml(asset: (path: string) => string): string {
  const html = createSyntaxDiagramsCode(parser.getSerializedGastProductions(), { resourceBase: ASSETS, css: `${ASSETS}diagrams.css` });
  const inlined = html
    .replace(/<link rel='stylesheet' href='chevrotain-diagrams:([^']+)'>/g, (_, path: string) => `<style>\n${asset(path)}</style>`)
    .replace(
      /<script src='chevrotain-diagrams:([^']+)'><\/script>/g,
      (_, path: string) => `<script>\n// chevrotain/diagrams/${path}\n${asset(path).replace(/<\/(script)/gi, "<\\/$1")}</script>`,
    );
  if (inlined.includes(ASSETS)) throw new Error("grammar-docs: Chevrotain's diagrams page loads a file this does not inline");
  return inlined;
}

// The grammar of a .rnn file, as a Chevrotain CST parser. There is one instance, reused for every
// parse: building a parser runs Chevrotain's grammar analysis, which is far too slow to repeat.
import { CstParser, EOF, tokenLabel, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import {
  allTokens,
  Colon,
  Comma,
  Equals,
  FalseKw,
  Identifier,
  KerasKw,
  LBrace,
  LBracket,
  LParen,
  ModelKw,
  NumberLit,
  Pipe,
  RBrace,
  RBracket,
  ReturnKw,
  RParen,
  Semicolon,
  StringLit,
  TrueKw,
} from "./tokens.js";

/** How an error message names the token it found: `'}'`, `identifier 'x'`, `end of file`. */
function describeFound(token: IToken): string {
  if (token.tokenType === EOF) return "end of file";
  if (token.tokenType === Identifier || token.tokenType === NumberLit) {
    return `${tokenLabel(token.tokenType)} '${token.image}'`;
  }
  return tokenLabel(token.tokenType);
}

function describeExpected(type: TokenType): string {
  // Only a whole file is followed by the end of the input, and between models only `model` fits.
  return type === EOF ? tokenLabel(ModelKw) : tokenLabel(type);
}

function expectedButFound(expected: string, found: IToken): string {
  return found.tokenType === EOF
    ? `unexpected end of file, expected ${expected}`
    : `expected ${expected} but found ${describeFound(found)}`;
}

/** "identifier, number or '('" from the first token of each path the parser could have taken. */
function describePaths(paths: TokenType[][]): string {
  const labels = [...new Set(paths.flatMap((path) => (path[0] ? [describeExpected(path[0])] : [])))];
  if (labels.length <= 1) return labels[0] ?? "something else";
  return `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
}

const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => expectedButFound(describeExpected(expected), actual),
  buildNotAllInputParsedMessage: ({ firstRedundant }) => expectedButFound(tokenLabel(ModelKw), firstRedundant),
  buildNoViableAltMessage: ({ expectedPathsPerAlt, actual, customUserDescription }) =>
    expectedButFound(customUserDescription ?? describePaths(expectedPathsPerAlt.flat()), actual[0]!),
  buildEarlyExitMessage: ({ expectedIterationPaths, actual, customUserDescription }) =>
    expectedButFound(customUserDescription ?? describePaths(expectedIterationPaths), actual[0]!),
};

/**
 * After this many syntax errors the parser stops reading models, statements and assignment
 * targets. When Chevrotain's recovery skips junk inside a repetition it re-enters the repetition
 * by recursion, so thousands of errors in one list would overflow the stack. Only repetitions
 * whose first token differs from the token after them can be re-entered; those three are gated.
 */
export const MAX_SYNTAX_ERRORS = 100;

export class RnnParser extends CstParser {
  constructor() {
    super(allTokens, { recoveryEnabled: true, errorMessageProvider: errorMessages });
    this.performSelfAnalysis();
  }

  // See MAX_SYNTAX_ERRORS. (`errors` returns a copy, but a short one.)
  private readonly withinErrorBudget = () => this.errors.length < MAX_SYNTAX_ERRORS;

  // An edition may stand anywhere between models: the checker says it belongs first (RNN081).
  readonly file = this.RULE("file", () => {
    this.MANY({
      GATE: this.withinErrorBudget,
      DEF: () => this.OR([{ ALT: () => this.SUBRULE(this.model) }, { ALT: () => this.SUBRULE(this.edition) }]),
    });
  });

  /** `keras 2` or `keras 3`; the checker judges the number (RNN080). */
  readonly edition = this.RULE("edition", () => {
    this.CONSUME(KerasKw);
    this.CONSUME(NumberLit);
  });

  readonly model = this.RULE("model", () => {
    this.CONSUME(ModelKw);
    this.CONSUME(Identifier, { LABEL: "name" });
    this.CONSUME(LParen);
    this.OPTION(() => {
      this.SUBRULE(this.inputDecl);
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.inputDecl);
      });
      this.OPTION2(() => this.CONSUME2(Comma));
    });
    this.CONSUME(RParen);
    this.CONSUME(LBrace);
    this.MANY2({ GATE: this.withinErrorBudget, DEF: () => this.SUBRULE(this.statement) });
    this.CONSUME(RBrace);
  });

  readonly inputDecl = this.RULE("inputDecl", () => {
    this.CONSUME(Identifier, { LABEL: "name" });
    this.CONSUME(Colon);
    this.SUBRULE(this.tensorType);
  });

  readonly tensorType = this.RULE("tensorType", () => {
    this.OPTION(() => this.CONSUME(Identifier, { LABEL: "dtype" }));
    this.CONSUME(LBracket);
    this.OPTION2(() => {
      this.SUBRULE(this.dim);
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.dim);
      });
      this.OPTION3(() => this.CONSUME2(Comma));
    });
    this.CONSUME(RBracket);
  });

  readonly dim = this.RULE("dim", () => {
    this.OR({
      DEF: [{ ALT: () => this.CONSUME(NumberLit) }, { ALT: () => this.CONSUME(Identifier) }],
      ERR_MSG: "a dimension (a number or a name)",
    });
  });

  readonly statement = this.RULE("statement", () => {
    this.OR({
      DEF: [{ ALT: () => this.SUBRULE(this.assignment) }, { ALT: () => this.SUBRULE(this.returnStatement) }],
      ERR_MSG: "a statement",
    });
    this.OPTION(() => this.CONSUME(Semicolon));
  });

  readonly assignment = this.RULE("assignment", () => {
    this.CONSUME(Identifier, { LABEL: "target" });
    this.MANY({
      GATE: this.withinErrorBudget,
      DEF: () => {
        this.CONSUME(Comma);
        this.CONSUME2(Identifier, { LABEL: "target" });
      },
    });
    this.CONSUME(Equals);
    this.SUBRULE(this.expression);
  });

  readonly returnStatement = this.RULE("returnStatement", () => {
    this.CONSUME(ReturnKw);
    this.SUBRULE(this.expression);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.expression);
    });
  });

  readonly expression = this.RULE("expression", () => {
    this.SUBRULE(this.postfix);
    this.MANY(() => {
      this.CONSUME(Pipe);
      this.SUBRULE2(this.postfix);
    });
  });

  /** A primary followed by calls: `lstm(3)(x)` is a call of the call `lstm(3)`. */
  readonly postfix = this.RULE("postfix", () => {
    this.SUBRULE(this.primary);
    this.MANY(() => this.SUBRULE(this.argumentList));
  });

  readonly argumentList = this.RULE("argumentList", () => {
    this.CONSUME(LParen);
    this.OPTION(() => {
      this.SUBRULE(this.argument);
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.argument);
      });
      this.OPTION2(() => this.CONSUME2(Comma));
    });
    this.CONSUME(RParen);
  });

  readonly argument = this.RULE("argument", () => {
    this.OR({
      DEF: [
        {
          ALT: () => {
            this.CONSUME(Identifier, { LABEL: "keyword" });
            this.CONSUME(Equals);
            this.SUBRULE(this.expression);
          },
        },
        { ALT: () => this.SUBRULE2(this.expression) },
      ],
      ERR_MSG: "an argument",
    });
  });

  /** A literal, a name, or `( … )`: one expression is a grouping, a comma makes a tuple. */
  readonly primary = this.RULE("primary", () => {
    this.OR({
      DEF: [
        { ALT: () => this.CONSUME(NumberLit) },
        { ALT: () => this.CONSUME(StringLit) },
        { ALT: () => this.CONSUME(TrueKw) },
        { ALT: () => this.CONSUME(FalseKw) },
        { ALT: () => this.CONSUME(Identifier) },
        {
          ALT: () => {
            this.CONSUME(LParen);
            this.SUBRULE(this.expression);
            this.MANY(() => {
              this.CONSUME(Comma);
              this.SUBRULE2(this.expression);
            });
            this.OPTION(() => this.CONSUME2(Comma));
            this.CONSUME(RParen);
          },
        },
      ],
      ERR_MSG: "an expression",
    });
  });
}

/** The one parser. Set `parser.input` (which resets it) before calling `parser.file()`. */
export const parser = new RnnParser();

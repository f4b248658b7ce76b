// The one table of diagnostic codes. Codes are stable: tools and users match on them, so a code is
// never renumbered or reused; a retired code stays here, marked retired.
import type { Diagnostic, Fix, Severity } from "./diagnostic.js";
import type { Range } from "./range.js";

/**
 * How an editor may render a diagnostic besides its severity, as LSP's DiagnosticTag: `unnecessary`
 * fades the code out, `deprecated` strikes it through.
 */
export type DiagnosticTagName = "unnecessary" | "deprecated";

export interface CatalogEntry {
  code: string;
  severity: Severity;
  /** One line for documentation and code-action titles. */
  summary: string;
  tags: readonly DiagnosticTagName[];
}

function entry(code: string, severity: Severity, summary: string, tags: readonly DiagnosticTagName[] = []): CatalogEntry {
  return { code, severity, summary, tags };
}

export const Codes = {
  // Lexing and parsing.
  UnexpectedCharacter: entry("RNN001", "error", "A character that cannot start any token."),
  SyntaxError: entry("RNN002", "error", "The tokens do not form a valid statement or expression."),
  UnterminatedString: entry("RNN003", "error", "A string literal has no closing quote on its line."),
  NestingTooDeep: entry("RNN004", "error", "Parentheses nested deeper than the parser allows."),

  // Names and calls.
  UnknownName: entry("RNN010", "error", "A name that is not an input, a binding, a model or a layer."),
  UnknownLayer: entry("RNN011", "error", "A call of something that is not a layer, a model or a layer value."),
  UnknownKeyword: entry("RNN012", "error", "A keyword argument the layer does not take."),
  BadArgumentList: entry("RNN013", "error", "Too many positional arguments, a repeated keyword, or a positional after a keyword."),
  MissingArgument: entry("RNN014", "error", "A required argument is missing."),
  BadArgumentValue: entry("RNN015", "error", "An argument value of the wrong kind or out of range."),
  DiscardUsed: entry("RNN016", "error", "`_` discards a value; it cannot be read."),

  // Tensor types.
  RankMismatch: entry("RNN020", "error", "A tensor of the wrong rank (ndim)."),
  DtypeMismatch: entry("RNN021", "error", "A tensor of the wrong element type."),
  DimMismatch: entry("RNN022", "error", "Dimensions that must be equal are not."),
  UnknownFeatureDim: entry("RNN023", "error", "A layer needs its input's last dimension to be a number to size its weights."),
  LayerReuseMismatch: entry("RNN024", "error", "A shared layer is applied to inputs its weights do not fit."),
  BadDtypeName: entry("RNN025", "error", "An input type names an unknown element type."),
  BadDim: entry("RNN026", "error", "An input dimension that is not a positive integer or a name."),

  // Values of the wrong kind.
  TupleArity: entry("RNN030", "error", "The number of names bound differs from the number of values."),
  TupleAsTensor: entry("RNN031", "error", "A tuple is used where one tensor is needed."),
  LayerAsTensor: entry("RNN032", "error", "A layer or model is used where a tensor is needed (it was not applied)."),
  NotCallable: entry("RNN033", "error", "Something that is not a layer or model is applied to tensors."),
  InputCount: entry("RNN034", "error", "A layer or model is applied to the wrong number of tensors."),
  InitialStateCount: entry("RNN035", "error", "initial= holds the wrong number of states."),
  ValueAsTensor: entry("RNN036", "error", "A number, string or boolean is used where a tensor is needed."),

  // Models.
  DuplicateModel: entry("RNN040", "error", "Two models have the same name."),
  DuplicateInput: entry("RNN041", "error", "Two inputs of a model have the same name."),
  MissingReturn: entry("RNN042", "error", "A model has no return statement."),
  UnreachableStatement: entry("RNN043", "error", "A statement after return, or a second return."),
  RecursiveModel: entry("RNN044", "error", "A model calls itself, directly or through other models."),
  DuplicateLayerName: entry("RNN045", "error", "Two layers of a model have the same name."),

  // Layer-specific rules.
  BidirectionalBackwards: entry("RNN050", "error", "bidirectional() wraps a layer that already runs backwards."),
  NotRecurrent: entry("RNN051", "error", "bidirectional() needs a recurrent layer."),
  TimeDistributedTuple: entry("RNN052", "error", "time_distributed() needs a layer that returns one tensor."),
  ConcatSymbolicAxis: entry("RNN053", "error", "concat along an axis whose size is a name."),
  AxisOutOfRange: entry("RNN054", "error", "An axis outside the tensor's rank."),

  // Warnings.
  UnusedBinding: entry("RNN060", "warning", "A binding that is never used.", ["unnecessary"]),
} as const;

export type CodeName = keyof typeof Codes;

const byCode = new Map<string, CatalogEntry>(Object.values(Codes).map((e) => [e.code, e]));

/** The catalog entry of a diagnostic's code (every diagnostic rnnc makes has one). */
export function catalogEntry(code: string): CatalogEntry | undefined {
  return byCode.get(code);
}

export function makeDiagnostic(
  entry: CatalogEntry,
  range: Range,
  message: string,
  extra: { fix?: Fix; related?: Diagnostic["related"] } = {},
): Diagnostic {
  const d: Diagnostic = { code: entry.code, severity: entry.severity, message, range };
  if (extra.fix) d.fix = extra.fix;
  if (extra.related && extra.related.length > 0) d.related = extra.related;
  return d;
}

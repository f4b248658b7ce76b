// The one table of diagnostic codes, with each code's severity, summary and editor tags, and the
// words of the checker's messages (`Messages`). Codes are stable: tools and users match on them, so
// a code is never renumbered or reused; a retired code stays here, marked retired.
import type { Diagnostic, Fix, Severity } from "./diagnostic.js";
import { cutLongRuns } from "./echo.js";
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
  SourceTooLarge: entry("RNN005", "error", "A source file longer than rnnc reads (8 Mi characters or 2 million tokens)."),

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
  StatefulBidirectional: entry(
    "RNN057",
    "error",
    "stateful=true inside bidirectional(): chunks could never give the whole sequence's numbers.",
  ),
  StatefulBackwards: entry("RNN058", "error", "stateful=true with backwards=true: chunks could never give the whole sequence's numbers."),
  StatefulBatchDim: entry(
    "RNN059",
    "error",
    "A stateful layer needs one fixed batch size: a number, not a named dim, the same wherever it is applied.",
  ),

  // Warnings.
  UnusedBinding: entry("RNN060", "warning", "A binding that is never used.", ["unnecessary"]),

  // Resources: what lowering would expand past rnnc's limits (docs/decisions.md).
  TooManyApplications: entry("RNN070", "error", "A model expands to more layer applications than rnnc's limit (model calls inlined)."),
  ModelsNestedTooDeep: entry("RNN071", "error", "Model calls nested deeper than rnnc's limit."),

  // Editions (LANGUAGE.md §6).
  UnknownEdition: entry("RNN080", "error", "A `keras N` edition other than keras 2 or keras 3."),
  EditionNotFirst: entry("RNN081", "error", "A `keras N` edition statement that is not the file's first statement."),
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
  // Messages quote names and strings from the source: none comes back longer than echo() allows.
  const d: Diagnostic = { code: entry.code, severity: entry.severity, message: cutLongRuns(message), range };
  if (extra.fix) d.fix = extra.fix;
  if (extra.related && extra.related.length > 0) d.related = extra.related;
  return d;
}

/**
 * A message of a catalog entry: its text made from named arguments (types already printed, "did you
 * mean" suggestions already made). A code may have several messages, one per way the mistake is made.
 */
export interface Message<A> {
  entry: CatalogEntry;
  text: (args: A) => string;
}

function message<A>(entry: CatalogEntry, text: (args: A) => string): Message<A> {
  return { entry, text };
}

/** The diagnostic a message makes at `range`. */
export function diagnose<A>(m: Message<A>, range: Range, args: A, extra: { fix?: Fix; related?: Diagnostic["related"] } = {}): Diagnostic {
  return makeDiagnostic(m.entry, range, m.text(args), extra);
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** A called model's input that the caller's tensor does not fit (types printed). */
interface ModelInputArgs {
  model: string;
  input: string;
  expected: string;
  found: string;
}

const modelInput = (a: ModelInputArgs): string => `${a.model}'s input ${a.input} is ${a.expected}; found ${a.found}`;

/** The checker's messages (layers' shape rules word their own, through `ApplyContext.report`). */
export const Messages = {
  // Names and calls.
  unknownName: message(
    Codes.UnknownName,
    (a: { name: string; model: string; suggestion: string }) =>
      `Unknown name ${a.name}: it is not an input or binding of ${a.model}, a model or a layer.${a.suggestion}`,
  ),
  unknownLayer: message(Codes.UnknownLayer, (a: { name: string; suggestion: string }) => `Unknown layer ${a.name}.${a.suggestion}`),
  unknownApplyKeyword: message(
    Codes.UnknownKeyword,
    (a: { layer: string; name: string; word: string; isParam: boolean; suggestion: string; callKeywords: readonly string[] }) =>
      `Applying ${a.layer} takes no keyword ${a.word}.${
        a.isParam
          ? ` ${a.word}= is given when the layer is built: ${a.name}(…, ${a.word}=…)(x).`
          : a.callKeywords.length
            ? `${a.suggestion} It takes: ${a.callKeywords.map((k) => `${k}=`).join(", ")}.`
            : ""
      }`,
  ),
  applyKeywordAtBuild: message(
    Codes.UnknownKeyword,
    (a: { word: string; layer: string; keyword: string }) =>
      `${a.word}= is given when the layer is applied, not when it is built: ${a.layer}(…)(x, ${a.keyword}=…).`,
  ),
  unknownBuildKeyword: message(
    Codes.UnknownKeyword,
    (a: { layer: string; word: string; suggestion: string; params: readonly string[] }) =>
      `${a.layer}() has no keyword ${a.word}.${a.suggestion} It takes: ${a.params.join(", ")}.`,
  ),
  modelKeyword: message(
    Codes.UnknownKeyword,
    (a: { model: string; inputs: readonly string[] }) =>
      `A model is applied to its inputs by position: ${a.model}(${a.inputs.join(", ")}).`,
  ),
  repeatedArgument: message(Codes.BadArgumentList, (a: { layer: string; param: string }) => `${a.layer}() got ${a.param} twice.`),
  positionalAfterKeyword: message(
    Codes.BadArgumentList,
    (a: { layer: string; meant: string }) =>
      `A positional argument cannot follow keyword arguments in ${a.layer}(); name it, e.g. ${a.meant}=….`,
  ),
  tooManyPositional: message(Codes.BadArgumentList, (a: { layer: string; positional: readonly string[] }) =>
    a.positional.length === 0
      ? `${a.layer}() takes no positional arguments; give them by keyword.`
      : `${a.layer}() takes ${plural(a.positional.length, "positional argument")} (${a.positional.join(", ")}); give the others by keyword, e.g. seq=true.`,
  ),
  missingArgument: message(
    Codes.MissingArgument,
    (a: { layer: string; param: string; doc: string; example: string }) =>
      `${a.layer}() needs ${a.param}: ${a.doc} For example ${a.example}.`,
  ),
  badValue: message(
    Codes.BadArgumentValue,
    (a: { what: string; expected: string; found: string; suggestion?: string }) =>
      `${a.what} must be ${a.expected}; found ${a.found}.${a.suggestion ?? ""}`,
  ),
  initializerArgs: message(
    Codes.BadArgumentValue,
    (a: { initializer: string; args: readonly string[]; suggestion: string }) =>
      `${a.initializer} ${a.args.length ? `takes ${a.args.join(", ")}` : "takes no arguments"}.${a.suggestion}`,
  ),
  initializerMissing: message(
    Codes.BadArgumentValue,
    (a: { initializer: string; arg: string }) => `${a.initializer} needs ${a.arg}: ${a.initializer}(0.1).`,
  ),
  constructorAsLayerArgument: message(
    Codes.BadArgumentValue,
    (a: { what: string; name: string; example: string }) =>
      `${a.what} needs a built layer: call ${a.name} with its arguments, e.g. ${a.example}.`,
  ),
  notALayerArgument: message(
    Codes.BadArgumentValue,
    (a: { what: string; found: string }) => `${a.what} needs a layer, e.g. lstm(64); found ${a.found}.`,
  ),
  discardRead: message(Codes.DiscardUsed, () => "_ discards the value bound to it; it cannot be read. Give the value a name to use it."),

  // Tensor types.
  modelInputDtype: message(Codes.DtypeMismatch, (a: ModelInputArgs) => `${modelInput(a)}: the element types differ.`),
  modelInputRank: message(
    Codes.RankMismatch,
    (a: ModelInputArgs & { expectedRank: number; foundRank: number }) =>
      `${modelInput(a)}: expected ndim=${a.expectedRank}, found ndim=${a.foundRank}.`,
  ),
  modelInputDim: message(
    Codes.DimMismatch,
    (a: ModelInputArgs & { index: number; size: number; foundName?: string }) =>
      `${modelInput(a)}: dim ${a.index} must be ${a.size}${a.foundName !== undefined ? `, and ${a.foundName} is a name that may be any size` : ""}.`,
  ),
  modelInputBoundDim: message(
    Codes.DimMismatch,
    (a: ModelInputArgs & { index: number; name: string; bound: string }) =>
      `${modelInput(a)}: dim ${a.index} is ${a.name}, which is already ${a.bound} here.`,
  ),
  sharedLayerMisfit: message(
    Codes.LayerReuseMismatch,
    (a: { layer: string; builtFor: string; builtWeight?: string; input: string; neededWeight?: string }) =>
      `${a.layer} shares its weights across applications; they were sized for ${a.builtFor}${a.builtWeight ? ` (${a.builtWeight})` : ""}, but here it gets ${a.input}${
        a.neededWeight ? `, which needs ${a.neededWeight}` : ""
      }. Build a separate layer for this input.`,
  ),
  badDtypeName: message(
    Codes.BadDtypeName,
    (a: { name: string; suggestion: string }) =>
      `Unknown element type ${a.name}: write [..] for float32, int[..] for token ids or bool[..] for masks.${a.suggestion}`,
  ),
  badDim: message(Codes.BadDim, (a: { text: string }) => `A dim is a positive integer or a name (like B or T); found ${a.text}.`),
  noDims: message(Codes.BadDim, () => `An input needs at least one dim, e.g. [B, T, 32].`),
  tooManyDims: message(
    Codes.BadDim,
    (a: { max: number; count: number }) => `An input has at most ${a.max} dims (as NumPy); this one has ${a.count}.`,
  ),

  // Values of the wrong kind.
  tupleArity: message(
    Codes.TupleArity,
    (a: { source: string; labels: readonly string[]; targets: number; rewrite: string }) =>
      `${a.source} returns ${a.labels.length} values (${a.labels.join(", ")}); ${a.targets === 1 ? "1 name is" : `${a.targets} names are`} bound. Write: ${a.rewrite} = …`,
  ),
  stateless: message(
    Codes.TupleArity,
    (a: { layer: string; targets: number; values: readonly string[] }) =>
      `${a.layer} returns one tensor (its output); ${a.targets} names are bound. To get its final states too, add state=true: it then returns ${a.values.length} values (${a.values.join(", ")}).`,
  ),
  oneValue: message(
    Codes.TupleArity,
    (a: { value: string; targets: number }) => `${a.value} is one value; ${a.targets} names are bound. Bind it to one name.`,
  ),
  tupleAsTensor: message(
    Codes.TupleAsTensor,
    (a: { context: string; labels: readonly string[]; stateSource?: string }) =>
      `${a.context}, but this is a tuple of ${a.labels.length} values (${a.labels.join(", ")}).${
        a.stateSource
          ? ` With state=true, ${a.stateSource} returns its output followed by its states: unpack them, e.g. ${a.labels.join(", ")} = …, or drop state=true if you only need the output.`
          : ` Unpack it first: ${a.labels.join(", ")} = …`
      }`,
  ),
  layerAsTensor: message(
    Codes.LayerAsTensor,
    (a: { context: string; layer: string; name: string }) =>
      `${a.context}, but this is a layer, ${a.layer}, not applied to anything. Apply it: ${a.name}(…)(x) or x |> ${a.name}(…).`,
  ),
  constructorAsTensor: message(
    Codes.LayerAsTensor,
    (a: { context: string; name: string; example: string }) =>
      `${a.context}, but ${a.name} is a layer constructor. Build and apply it: ${a.example}(x).`,
  ),
  modelAsTensor: message(
    Codes.LayerAsTensor,
    (a: { context: string; model: string }) => `${a.context}, but ${a.model} is a model, not applied. Apply it: ${a.model}(x).`,
  ),
  valueAsTensor: message(Codes.ValueAsTensor, (a: { context: string; value: string }) => `${a.context}, but this is ${a.value}.`),
  notCallable: message(
    Codes.NotCallable,
    (a: { value: string; toTensors: boolean }) =>
      `${a.value.charAt(0).toUpperCase()}${a.value.slice(1)} cannot be applied${a.toTensors ? " to tensors" : ""}; only layers and models can.`,
  ),
  constructorApplied: message(
    Codes.NotCallable,
    (a: { name: string; example: string }) =>
      `${a.name} is a layer constructor: build the layer first with its arguments, e.g. ${a.example}, then apply it.`,
  ),
  layerInputCount: message(
    Codes.InputCount,
    (a: { layer: string; min: number; max: number; found: number }) =>
      `${a.layer} is applied to ${
        a.min === a.max ? `${a.min}` : a.max === Infinity ? `at least ${a.min}` : `${a.min} to ${a.max}`
      } tensor${a.max === 1 ? "" : "s"}; found ${a.found}.`,
  ),
  modelInputCount: message(
    Codes.InputCount,
    (a: { model: string; inputs: readonly string[]; found: number }) =>
      `${a.model} takes ${plural(a.inputs.length, "input")} (${a.inputs.join(", ")}); found ${a.found}.`,
  ),

  // Models.
  duplicateModel: message(
    Codes.DuplicateModel,
    (a: { name: string }) => `A model named ${a.name} is already defined above; give this one another name.`,
  ),
  duplicateInput: message(Codes.DuplicateInput, (a: { model: string; name: string }) => `${a.model} already has an input named ${a.name}.`),
  missingReturn: message(
    Codes.MissingReturn,
    (a: { model: string }) => `Model ${a.model} returns nothing; end it with return and its outputs, e.g. return y.`,
  ),
  secondReturn: message(
    Codes.UnreachableStatement,
    (a: { model: string; line: number }) => `${a.model} already returned on line ${a.line}; a model returns once.`,
  ),
  afterReturn: message(
    Codes.UnreachableStatement,
    (a: { line: number }) =>
      `This statement comes after the return on line ${a.line} and is never part of the model; move it above the return.`,
  ),
  recursiveModel: message(
    Codes.RecursiveModel,
    (a: { model: string; caller: string; direct: boolean }) =>
      `${a.direct ? `${a.model} calls itself` : `${a.model} calls back into ${a.caller}, directly or through other models`}; models cannot be recursive.`,
  ),
  duplicateLayerName: message(
    Codes.DuplicateLayerName,
    (a: { model: string; name: string }) =>
      `Another layer of ${a.model} is already named "${a.name}"; weights files match layers by name, so names must be unique.`,
  ),

  // Editions.
  unknownEdition: message(
    Codes.UnknownEdition,
    (a: { found: string; nearest: 2 | 3 }) =>
      `There is no Keras edition ${a.found}: write keras 2 (tf.keras, tfjs-layers; the default) or keras 3. Did you mean keras ${a.nearest}?`,
  ),
  editionNotFirst: message(
    Codes.EditionNotFirst,
    (a: { after: string; duplicate: boolean }) =>
      `The edition must be the file's first statement; this one comes after ${a.after}. ${a.duplicate ? "A file has one edition: remove this one." : "Move it to the top."}`,
  ),

  // Warnings.
  unused: message(
    Codes.UnusedBinding,
    (a: { what: "input" | "layer" | "binding"; name: string }) =>
      `The ${a.what} ${a.name} is never used.${
        a.what === "input"
          ? ""
          : a.what === "layer"
            ? " A layer does nothing until it is applied: name(x) or x |> name."
            : " Bind it to _ to discard it."
      }`,
  ),
} as const;

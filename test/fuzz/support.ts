// Shared pieces of the fuzz tests: the invariants every answer of `check` must satisfy, the
// arbitraries that produce inputs, and the mutations applied to the examples.
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { formatType, layerNames, type CheckedFile, type Diagnostic, type Range } from "../../src/index.js";

// ---------------------------------------------------------------------------------------------
// Positions, recomputed from the text independently of src/source/range.ts.

/**
 * Line starts in the LSP convention: a line ends at `\n`, at `\r\n`, or at a lone `\r`. Characters
 * are UTF-16 code units, which is what a JavaScript string index counts.
 */
export class Lines {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) this.starts.push(i + 1);
    }
  }

  /** The zero-based line and character of an offset in [0, text.length]. */
  at(offset: number): { line: number; character: number } {
    // The last line start not after `offset`.
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo]! };
  }
}

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0;

/** What is wrong with a range of `text`; empty when it is valid. */
function rangeProblems(lines: Lines, range: Range | undefined, where: string): string[] {
  if (!range || !range.start || !range.end) return [`${where}: no range`];
  const { start, end } = range;
  const problems: string[] = [];
  for (const [name, p] of [
    ["start", start],
    ["end", end],
  ] as const) {
    if (!isCount(p.offset) || !isCount(p.line) || !isCount(p.character)) {
      problems.push(`${where}: ${name} is not made of finite non-negative integers: ${JSON.stringify(p)}`);
    }
  }
  if (problems.length > 0) return problems;
  if (!(start.offset <= end.offset)) problems.push(`${where}: start.offset ${start.offset} > end.offset ${end.offset}`);
  if (!(end.offset <= lines.text.length)) problems.push(`${where}: end.offset ${end.offset} > text length ${lines.text.length}`);
  if (problems.length > 0) return problems;
  for (const [name, p] of [
    ["start", start],
    ["end", end],
  ] as const) {
    const expected = lines.at(p.offset);
    if (expected.line !== p.line || expected.character !== p.character) {
      problems.push(
        `${where}: ${name} offset ${p.offset} is line ${expected.line} character ${expected.character}, but the diagnostic says line ${p.line} character ${p.character}`,
      );
    }
  }
  return problems;
}

const SEVERITIES = new Set(["error", "warning"]);

/**
 * Every way the diagnostics break the contract for `text`: ranges inside the text and consistent
 * with it (also those of related information and fixes), a stable code, a message, a severity, and
 * sorted by position as CheckedFile promises.
 */
export function diagnosticProblems(text: string, diagnostics: readonly Diagnostic[]): string[] {
  const lines = new Lines(text);
  const problems: string[] = [];
  if (!Array.isArray(diagnostics)) return ["diagnostics is not an array"];
  diagnostics.forEach((d, i) => {
    const where = `diagnostic ${i} (${d?.code} ${JSON.stringify(d?.message)?.slice(0, 80)})`;
    if (typeof d.code !== "string" || !/^RNN\d{3}$/.test(d.code)) problems.push(`${where}: bad code ${JSON.stringify(d.code)}`);
    if (typeof d.message !== "string" || d.message.trim() === "") problems.push(`${where}: empty message`);
    if (!SEVERITIES.has(d.severity)) problems.push(`${where}: bad severity ${JSON.stringify(d.severity)}`);
    problems.push(...rangeProblems(lines, d.range, where));
    for (const [j, r] of (d.related ?? []).entries()) {
      problems.push(...rangeProblems(lines, r.range, `${where} related ${j}`));
      if (typeof r.message !== "string" || r.message.trim() === "") problems.push(`${where} related ${j}: empty message`);
    }
    for (const [j, e] of (d.fix?.edits ?? []).entries()) {
      problems.push(...rangeProblems(lines, e.range, `${where} fix edit ${j}`));
      if (typeof e.newText !== "string") problems.push(`${where} fix edit ${j}: newText is not a string`);
    }
    const previous = diagnostics[i - 1];
    if (previous && previous.range.start.offset > d.range.start.offset) {
      problems.push(`${where}: not sorted (starts at ${d.range.start.offset}, after one at ${previous.range.start.offset})`);
    }
  });
  return problems;
}

/** Throws, with the input, when the diagnostics break the contract. */
export function assertValidDiagnostics(text: string, result: CheckedFile): void {
  const problems = diagnosticProblems(text, result.diagnostics);
  if (problems.length > 0) {
    const shown = text.length > 400 ? `${JSON.stringify(text.slice(0, 400))}… (${text.length} chars)` : JSON.stringify(text);
    throw new Error(`invalid diagnostics for ${shown}:\n  ${problems.slice(0, 10).join("\n  ")}`);
  }
}

export function errorsOf(result: CheckedFile): Diagnostic[] {
  return result.diagnostics.filter((d) => d.severity === "error");
}

/** Everything observable about a check, as a string, to compare two checks of one text. */
export function snapshot(result: CheckedFile): string {
  return JSON.stringify({
    diagnostics: result.diagnostics,
    models: result.models.map((m) => ({
      name: m.name,
      ok: m.ok,
      params: m.params,
      inputs: m.inputs.map((i) => `${i.name}: ${formatType(i.type)}`),
      outputs: m.outputs.map(formatType),
      bindings: m.bindings.map((b) => `${b.name}: ${formatType(b.type)} (${b.uses.length} uses)`),
      rows: m.rows.map((r) => `${r.name} ${r.params}`),
    })),
    types: result.types.size,
    resolved: result.resolved.size,
  });
}

// ---------------------------------------------------------------------------------------------
// The examples.

const examplesDir = new URL("../../examples/", import.meta.url);

export const EXAMPLES: readonly { name: string; text: string }[] = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".rnn"))
  .sort()
  .map((name) => ({ name, text: readFileSync(new URL(name, examplesDir), "utf8") }));

// ---------------------------------------------------------------------------------------------
// Arbitraries.

/** The language's own tokens (and some near misses), from which token soups are made. */
export const TOKENS = [
  "model",
  "keras",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  "=",
  ":",
  ";",
  "|>",
  "|",
  ">",
  "#",
  "# a comment",
  '"',
  "return",
  "true",
  "false",
  "lstm",
  "bilstm",
  "gru",
  "dense",
  "embedding",
  "concat",
  "add",
  "x",
  "y",
  "B",
  "T",
  "_",
  "3",
  "-1",
  "0",
  "0.5",
  "1e3",
  '"s"',
  "seq",
  "state",
  "int",
  "bool",
  "M",
] as const;

const SEPARATORS = ["", " ", " ", " ", "\n", "\r\n", "\t", "  "] as const;

/** Tokens of the language glued by random whitespace (or none). */
export const tokenSoup = (maxLength = 120): fc.Arbitrary<string> =>
  fc
    .array(fc.tuple(fc.constantFrom(...TOKENS), fc.constantFrom(...SEPARATORS)), { maxLength })
    .map((pairs) => pairs.map(([t, s]) => t + s).join(""));

/** Any UTF-16 string, lone surrogates included. */
export const utf16String = (maxLength = 200): fc.Arbitrary<string> =>
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength });

// A syntactically valid program whose meaning is random: it exercises the checker rather than the
// parser's recovery. Dimensions, layer arguments and call shapes are drawn from plausible and
// implausible values alike.

const MODEL_NAMES = ["M", "Encoder", "Decoder", "M2"] as const;
const VALUE_NAMES = ["x", "y", "h", "c", "m", "tokens", "_", "B", "T", "tanh", "sum", "none", "zeros", "inputs"] as const;
const KEYWORDS = [
  "seq",
  "state",
  "merge",
  "activation",
  "axis",
  "initial",
  "mask",
  "mask_zero",
  "units",
  "name",
  "kernel",
  "recurrent",
  "bias",
  "backwards",
  "return_sequences",
  "return_state",
  "merge_mode",
  "go_backwards",
  "dropout",
  "recurrent_dropout",
  "use_bias",
  "reset_after",
  "unit_forget_bias",
  "recurrent_activation",
  "layer",
  "n",
  "rate",
  "vocab",
  "dim",
  "input_dim",
  "output_dim",
  "seed",
  "value",
  "bogus",
] as const;
const LITERALS = [
  "0",
  "1",
  "2",
  "3",
  "8",
  "64",
  "100000",
  "-1",
  "-2",
  "0.5",
  "1.5",
  "2.5e1",
  "1e400",
  "true",
  "false",
  '"concat"',
  '"sum"',
  '"none"',
  '"lstm_1"',
  '""',
  '"\\n"',
  "softmax",
  "sigmoid",
  "relu",
  "hard_sigmoid",
  "glorot_uniform",
  "orthogonal",
  "ones",
  "constant(0.1)",
  "glorot_uniform(seed=1)",
  "orthogonal(seed=0.5)",
] as const;

const nameArb = fc.constantFrom(...VALUE_NAMES);
const calleeNameArb = fc.constantFrom(...layerNames(), ...MODEL_NAMES, "lsmt", "f", "x");

const { expr: exprArb } = fc.letrec<{ expr: string; postfix: string; argument: string }>((tie) => ({
  expr: fc.oneof(
    { maxDepth: 3, depthSize: "small", withCrossShrink: true },
    nameArb,
    fc.constantFrom(...LITERALS),
    tie("postfix"),
    fc.tuple(tie("expr"), tie("postfix")).map(([l, r]) => `${l} |> ${r}`),
    fc.array(tie("expr"), { minLength: 1, maxLength: 3 }).map((items) => (items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`)),
    tie("expr").map((e) => `(${e})`),
  ),
  // A call, applied zero or more times; the callee may be any expression in parentheses.
  postfix: fc
    .tuple(
      fc.oneof(
        { depthSize: "small" },
        calleeNameArb,
        tie("expr").map((e) => `(${e})`),
      ),
      fc.array(fc.array(tie("argument"), { maxLength: 3 }), { minLength: 1, maxLength: 2 }),
    )
    .map(([callee, lists]) => callee + lists.map((args) => `(${args.join(", ")})`).join("")),
  argument: fc.oneof(
    tie("expr"),
    fc.tuple(fc.constantFrom(...KEYWORDS), tie("expr")).map(([k, e]) => `${k}=${e}`),
  ),
}));

const dimArb = fc.oneof(fc.constantFrom("B", "T", "S", "F"), fc.constantFrom("1", "3", "4", "32", "0", "-1", "0.5", "1e3"));
const inputArb = fc
  .tuple(nameArb, fc.constantFrom("", "", "int", "bool", "float", "f32", "i32", "str"), fc.array(dimArb, { maxLength: 4 }))
  .map(([name, dtype, dims]) => `${name}: ${dtype}[${dims.join(", ")}]`);
const statementArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.tuple(fc.array(nameArb, { minLength: 1, maxLength: 5 }), exprArb).map(([targets, e]) => `${targets.join(", ")} = ${e}`),
  },
  { weight: 1, arbitrary: fc.array(exprArb, { minLength: 1, maxLength: 3 }).map((values) => `return ${values.join(", ")}`) },
);
const modelArb = fc
  .tuple(fc.constantFrom(...MODEL_NAMES), fc.array(inputArb, { maxLength: 3 }), fc.array(statementArb, { maxLength: 6 }))
  .map(([name, inputs, body]) => `model ${name}(${inputs.join(", ")}) {\n${body.map((s) => `  ${s}\n`).join("")}}\n`);

/** A file of one to three syntactically valid models, mostly meaningless, often after an edition (not always a real one). */
export const programArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom("", "", "keras 2\n", "keras 3\n\n", "keras 4\n"), fc.array(modelArb, { minLength: 1, maxLength: 3 }))
  .map(([edition, models]) => edition + models.join("\n"));

// A plausible program: inputs of the usual shapes, and each statement a layer applied to an input or
// an earlier binding, with arguments that are mostly right. It reaches the layers' shape rules (and
// their diagnostics) far more often than the meaningless programs above.

const UNITS = ["1", "3", "8", "16", "0", "-1", "0.5"] as const;
const pick = <T>(items: readonly T[], weights?: readonly number[]) =>
  weights ? fc.oneof(...items.map((item, i) => ({ weight: weights[i]!, arbitrary: fc.constant(item) }))) : fc.constantFrom(...items);
const unitsArb = pick(UNITS, [5, 5, 5, 5, 1, 1, 1]);

const recurrentArb: fc.Arbitrary<string> = fc
  .tuple(
    pick(["lstm", "gru", "rnn", "bilstm", "bigru", "birnn", "wrapped"] as const),
    unitsArb,
    pick(["", ", seq=true", ", seq=false", ", return_sequences=true"], [2, 6, 1, 1]),
    pick(["", ", state=true"], [5, 1]),
    pick(["", ", merge=sum", ", merge=none", ", merge=ave", ', merge_mode="concat"'], [12, 1, 1, 1, 1]),
    pick(["", ", backwards=true", ", reset_after=false", ", activation=relu", ", dropout=0.2"], [12, 1, 1, 1, 1]),
  )
  .map(([kind, u, seq, state, merge, extra]) => {
    if (kind === "wrapped") return `bidirectional(lstm(${u}${seq}${state}${extra})${merge})`;
    return kind.startsWith("bi") ? `${kind}(${u}${seq}${state}${merge})` : `${kind}(${u}${seq}${state}${extra})`;
  });

const otherLayerArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(unitsArb, pick(["", ", activation=softmax", ", activation=relu", ", activation=tahn"], [4, 2, 2, 1]))
    .map(([u, a]) => `dense(${u}${a})`),
  fc.tuple(pick(["100", "5000", "0"], [4, 4, 1]), unitsArb, pick(["", ", mask_zero=true"])).map(([v, d, m]) => `embedding(${v}, ${d}${m})`),
  pick(["dropout(0.5)", "dropout(1.5)", "repeat_vector(4)", "repeat_vector(0)"], [4, 1, 4, 1]),
  unitsArb.map((u) => `time_distributed(dense(${u}))`),
);

const layerArb = fc.oneof({ weight: 3, arbitrary: recurrentArb }, { weight: 2, arbitrary: otherLayerArb });

/** A statement, given how many names are visible; operands are numbers resolved at rendering. */
const plausibleStatementArb = fc.record({
  form: pick(["apply", "pipe", "unpack", "concat", "add", "model", "initial", "mask"] as const, [6, 6, 2, 1, 1, 1, 1, 1]),
  layer: layerArb,
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
  arity: fc.integer({ min: 2, max: 5 }),
  axis: pick(["", ", axis=-1", ", axis=1", ", axis=0", ", axis=-4"], [4, 1, 1, 1, 1]),
});
type PlausibleStatement = typeof plausibleStatementArb extends fc.Arbitrary<infer T> ? T : never;

const plausibleInputArb = pick(
  ["[B, T, 8]", "[B, T, 3]", "[1, 4, 5]", "int[B, T]", "bool[B, T]", "[B, 8]", "[B, S, 8]", "[B, T, F]"],
  [8, 3, 2, 2, 1, 1, 1, 1],
);

function renderPlausible(name: string, inputs: string[], statements: PlausibleStatement[], models: string[], returns: number): string {
  const names = inputs.map((_, i) => `x${i}`);
  const lines: string[] = [];
  const operand = (n: number) => names[n % names.length]!;
  statements.forEach((s, i) => {
    const target = `v${i}`;
    const [a, b, c] = [operand(s.a), operand(s.b), operand(s.c)];
    switch (s.form) {
      case "apply":
        lines.push(`${target} = ${s.layer}(${a})`);
        break;
      case "pipe":
        lines.push(`${target} = ${a} |> ${s.layer}`);
        break;
      case "unpack": {
        const targets = [target, ...Array.from({ length: s.arity - 1 }, (_, j) => `${target}_${j}`)];
        lines.push(`${targets.join(", ")} = ${s.layer}(${a})`);
        names.push(...targets.slice(1));
        break;
      }
      case "concat":
        lines.push(`${target} = concat(${a}, ${b}${s.axis})`);
        break;
      case "add":
        lines.push(`${target} = add(${a}, ${b})`);
        break;
      case "model":
        lines.push(models.length > 0 ? `${target} = ${models[s.b % models.length]}(${a})` : `${target} = ${a}`);
        break;
      case "initial":
        lines.push(`${target} = ${s.layer}(${a}, initial=(${b}, ${c}))`);
        break;
      case "mask":
        lines.push(`${target} = ${s.layer}(${a}, mask=${b})`);
        break;
    }
    names.push(target);
  });
  const returned = Array.from({ length: returns }, (_, i) => names[names.length - 1 - i] ?? names[0]!);
  lines.push(`return ${returned.join(", ")}`);
  const signature = inputs.map((t, i) => `x${i}: ${t}`).join(", ");
  return `# ${name}: a generated model.\nmodel ${name}(${signature}) {\n${lines.map((l) => `  ${l}\n`).join("")}}\n`;
}

/** A file of one to four plausible models; each may call the models before it. */
export const plausibleProgramArb: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.array(plausibleInputArb, { minLength: 1, maxLength: 3 }),
      fc.array(plausibleStatementArb, { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 1, max: 2 }),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((models) =>
    models
      .map(([inputs, statements, returns], i) =>
        renderPlausible(
          `P${i}`,
          inputs,
          statements,
          Array.from({ length: i }, (_, j) => `P${j}`),
          returns,
        ),
      )
      .join("\n"),
  );

// ---------------------------------------------------------------------------------------------
// Mutations of a text.

export type Mutation =
  | { kind: "delete"; at: number; length: number }
  | { kind: "duplicate"; at: number; length: number }
  | { kind: "insert"; at: number; token: string }
  | { kind: "swap"; a: number; b: number }
  | { kind: "truncate"; at: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.nat({ max: 60 }) }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), length: fc.nat({ max: 60 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), token: fc.constantFrom(...TOKENS, " ", "\n") }),
  fc.record({ kind: fc.constant("swap" as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);

/** Pieces of a text, roughly as the lexer sees it: tokens, comments, whitespace, stray characters. */
const PIECE = /[A-Za-z_][A-Za-z0-9_]*|-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?|"(?:[^"\\\r\n]|\\.)*"?|\|>|#[^\r\n]*|\s+|[\s\S]/g;

export function mutate(text: string, m: Mutation): string {
  const n = text.length;
  switch (m.kind) {
    case "delete": {
      const at = m.at % (n + 1);
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case "duplicate": {
      const at = m.at % (n + 1);
      return text.slice(0, at + m.length) + text.slice(at);
    }
    case "insert": {
      const at = m.at % (n + 1);
      return text.slice(0, at) + m.token + text.slice(at);
    }
    case "swap": {
      const pieces = text.match(PIECE) ?? [];
      const tokens = pieces.flatMap((p, i) => (/^\s+$/.test(p) ? [] : [i]));
      if (tokens.length < 2) return text;
      const a = tokens[m.a % tokens.length]!;
      const b = tokens[m.b % tokens.length]!;
      [pieces[a], pieces[b]] = [pieces[b]!, pieces[a]!];
      return pieces.join("");
    }
    case "truncate":
      return text.slice(0, m.at % (n + 1));
  }
}

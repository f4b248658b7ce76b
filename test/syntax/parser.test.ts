import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Argument, Assignment, Expr, File, ModelDecl, Node, Position, Range, ReturnStatement } from "../../src/syntax/ast.js";
import { MAX_PAREN_DEPTH, parse, type ParseResult } from "../../src/syntax/parse.js";
import { MAX_SYNTAX_ERRORS } from "../../src/syntax/parser.js";
import { languageExample } from "../language-example.js";
import { Identifier, lexer, ModelKw, NumberLit, Pipe, RParen, tokenCategory } from "../../src/syntax/tokens.js";

// ---- helpers ----------------------------------------------------------------------------------

/** An expression as compact text: calls and pipes fully parenthesised, so structure is visible. */
function show(e: Expr): string {
  switch (e.kind) {
    case "Number":
      return e.text;
    case "String":
      return JSON.stringify(e.value);
    case "Bool":
      return String(e.value);
    case "Name":
      return e.name;
    case "Tuple":
      return e.items.length === 1 ? `(${show(e.items[0]!)},)` : `(${e.items.map(show).join(", ")})`;
    case "Call":
      return `${show(e.callee)}(${e.args.map(showArg).join(", ")})`;
    case "Pipe":
      return `(${show(e.left)} |> ${show(e.right)})`;
    case "Error":
      return "<error>";
  }
}

function showArg(a: Argument): string {
  return a.keyword ? `${a.keyword.name}=${show(a.value)}` : show(a.value);
}

function showModel(m: ModelDecl): string[] {
  const type = (i: ModelDecl["inputs"][number]) =>
    `${i.type.dtype?.name ?? ""}[${i.type.dims.map((d) => (d.kind === "IntDim" ? d.text : d.name)).join(", ")}]`;
  return [
    `model ${m.name.name}(${m.inputs.map((i) => `${i.name.name}: ${type(i)}`).join(", ")})`,
    ...m.body.map((s) =>
      s.kind === "Assign" ? `${s.targets.map((t) => t.name).join(", ")} = ${show(s.value)}` : `return ${s.values.map(show).join(", ")}`,
    ),
  ];
}

function parseClean(text: string): File {
  const result = parse(text);
  expect(result.diagnostics).toEqual([]);
  return result.file;
}

/** The statements of a one-model file, shown. */
function bodyOf(text: string): string[] {
  return showModel(parseClean(text).models[0]!).slice(1);
}

function textAt(text: string, range: Range): string {
  return text.slice(range.start.offset, range.end.offset);
}

function children(node: Node): Node[] {
  switch (node.kind) {
    case "File":
      return node.models;
    case "Model":
      return [node.name, ...node.inputs, ...node.body];
    case "Input":
      return [node.name, node.type];
    case "TensorType":
      return node.dtype ? [node.dtype] : [];
    case "Assign":
      return [...node.targets, node.value];
    case "Return":
      return node.values;
    case "Tuple":
      return node.items;
    case "Call":
      return [node.callee, ...node.args];
    case "Argument":
      return node.keyword ? [node.keyword, node.value] : [node.value];
    case "Pipe":
      return [node.left, node.right];
    default:
      return [];
  }
}

/** Every range in the result is inside the text, ordered, and its line/character match its offset. */
function expectSaneRanges(result: ParseResult): void {
  const { lineIndex } = result;
  const bad: string[] = [];
  const samePosition = (p: Position) => {
    const q = lineIndex.position(p.offset);
    return p.line === q.line && p.character === q.character && p.offset === q.offset;
  };
  const check = (what: string, range: Range) => {
    const inside = range.start.offset <= range.end.offset && range.end.offset <= lineIndex.text.length;
    if (!inside || !samePosition(range.start) || !samePosition(range.end)) bad.push(`${what}: ${JSON.stringify(range)}`);
  };
  result.diagnostics.forEach((d) => check(d.code, d.range));
  const stack: Node[] = [result.file]; // iterative: pipe chains are thousands deep
  while (stack.length > 0) {
    const node = stack.pop()!;
    check(node.kind, node.range);
    if (node.kind === "Model") check("bodyRange", node.bodyRange);
    if (node.kind === "Call") check("argsRange", node.argsRange);
    if (node.kind === "Return") check("keywordRange", node.keywordRange);
    stack.push(...children(node));
  }
  expect(bad).toEqual([]);
}

// ---- the language reference ---------------------------------------------------------------------

describe("the examples of LANGUAGE.md §1", () => {
  const result = parse(languageExample);

  it("parse without diagnostics, with sane ranges", () => {
    expect(result.diagnostics).toEqual([]);
    expectSaneRanges(result);
  });

  it("give the expected models", () => {
    expect(result.file.models.map(showModel)).toEqual([
      [
        "model BiSeed(x: [1, 4, 5])",
        "y, fh, fc, bh, bc = bilstm(3, seq=true, state=true, kernel=constant(0.1), recurrent=constant(0.1), bias=zeros)(x)",
        "return y, fh, bh",
      ],
      [
        "model Seq2Seq(src: [B, S, 32], tgt: [B, T, 40])",
        "_, h, c = lstm(256, state=true)(src)",
        "dec = lstm(256, seq=true)(tgt, initial=(h, c))",
        "return (dec |> dense(40, activation=softmax))",
      ],
      [
        "model Tagger(tokens: int[B, T])",
        "return (((tokens |> embedding(10000, 64, mask_zero=true)) |> bigru(128, seq=true)) |> dense(17, activation=softmax))",
      ],
    ]);
  });

  it("keep the node kinds of the AST", () => {
    const [biSeed, seq2seq, tagger] = result.file.models;
    const dims = biSeed!.inputs[0]!.type.dims;
    expect(dims.map((d) => d.kind)).toEqual(["IntDim", "IntDim", "IntDim"]);
    expect(dims.map((d) => (d.kind === "IntDim" ? d.value : NaN))).toEqual([1, 4, 5]);
    expect(seq2seq!.inputs[0]!.type.dims[0]).toMatchObject({ kind: "NamedDim", name: "B" });
    expect(tagger!.inputs[0]!.type.dtype?.name).toBe("int");

    const call = (biSeed!.body[0] as Assignment).value;
    expect(call.kind).toBe("Call");
    if (call.kind !== "Call" || call.callee.kind !== "Call") throw new Error("expected a call of a call");
    const keywords = call.callee.args.map((a) => [a.keyword?.name, a.value.kind]);
    expect(keywords).toEqual([
      [undefined, "Number"],
      ["seq", "Bool"],
      ["state", "Bool"],
      ["kernel", "Call"],
      ["recurrent", "Call"],
      ["bias", "Name"],
    ]);
    expect((seq2seq!.body[0] as Assignment).targets[0]).toMatchObject({ kind: "Identifier", name: "_" });
  });

  it("collect the comments", () => {
    expect(result.comments.map((c) => c.text)).toEqual([
      "# examples/seed.rnn — the bidirectional LSTM of the seed walkthrough, weights fixed.",
      "# A classic encoder-decoder: return_state exists to hand state on.",
      "# A tagger: token ids in, per-step probabilities out.",
    ]);
    const second = result.comments[1]!;
    expect(second.range.start).toMatchObject({ line: 7, character: 0 });
    expect(textAt(languageExample, second.range)).toBe(second.text);
  });
});

// ---- constructs ---------------------------------------------------------------------------------

describe("ranges", () => {
  const text = `model M(x: int[B, 4]) {
  y = lstm(8, seq=true)(x)
  return y |> dense(2)
}`;
  const result = parse(text);
  const model = result.file.models[0]!;
  const assign = model.body[0] as Assignment;
  const ret = model.body[1] as ReturnStatement;

  it("cover exactly their source text", () => {
    expect(result.diagnostics).toEqual([]);
    expect(textAt(text, model.range)).toBe(text);
    expect(textAt(text, model.name.range)).toBe("M");
    expect(textAt(text, model.inputs[0]!.range)).toBe("x: int[B, 4]");
    expect(textAt(text, model.inputs[0]!.type.range)).toBe("int[B, 4]");
    expect(textAt(text, model.inputs[0]!.type.dims[1]!.range)).toBe("4");
    expect(textAt(text, assign.range)).toBe("y = lstm(8, seq=true)(x)");
    expect(textAt(text, assign.value.range)).toBe("lstm(8, seq=true)(x)");
    if (assign.value.kind !== "Call" || assign.value.callee.kind !== "Call") throw new Error("expected a call of a call");
    expect(textAt(text, assign.value.argsRange)).toBe("(x)");
    expect(textAt(text, assign.value.callee.range)).toBe("lstm(8, seq=true)");
    expect(textAt(text, assign.value.callee.argsRange)).toBe("(8, seq=true)");
    expect(textAt(text, assign.value.callee.args[1]!.range)).toBe("seq=true");
    expect(textAt(text, ret.range)).toBe("return y |> dense(2)");
    expect(textAt(text, ret.keywordRange)).toBe("return");
    expect(textAt(text, ret.values[0]!.range)).toBe("y |> dense(2)");
    expect(textAt(text, model.bodyRange)).toBe(text.slice(text.indexOf("{") + 1, text.lastIndexOf("}")));
  });

  it("use zero-based LSP lines and characters", () => {
    expect(assign.targets[0]!.range).toEqual({
      start: { line: 1, character: 2, offset: 26 },
      end: { line: 1, character: 3, offset: 27 },
    });
    expect(ret.keywordRange.start).toMatchObject({ line: 2, character: 2 });
    expect(model.range.end).toMatchObject({ line: 3, character: 1 });
  });

  it("of a call of a parenthesised callee start at its '('", () => {
    const source = "model M(x: [1]) { return (f)(x) }";
    const value = (parseClean(source).models[0]!.body[0] as ReturnStatement).values[0]!;
    expect(textAt(source, value.range)).toBe("(f)(x)");
  });
});

describe("constructs", () => {
  it("inputs: dtypes, named and numeric dims, empty and trailing-comma lists", () => {
    const file = parseClean("model M(a: [1, B], b: int[B, T,], c: bool[], d: f32[2],) { return a }");
    expect(showModel(file.models[0]!)[0]).toBe("model M(a: [1, B], b: int[B, T], c: bool[], d: f32[2])");
    expect(parseClean("model Empty() { return 1 }").models[0]!.inputs).toEqual([]);
  });

  it("keyword and positional arguments", () => {
    const [line] = bodyOf('model M() { y = layer(1, x, units=3, name="enc",) }');
    expect(line).toBe('y = layer(1, x, units=3, name="enc")');
    const call = (parseClean("model M() { y = f(a, k=b) }").models[0]!.body[0] as Assignment).value;
    if (call.kind !== "Call") throw new Error("expected a call");
    expect(call.args.map((a) => a.keyword?.name)).toEqual([undefined, "k"]);
  });

  it("a call of a call: lstm(3)(x)", () => {
    expect(bodyOf("model M(x: [1, 2, 3]) { return lstm(3)(x) }")).toEqual(["return lstm(3)(x)"]);
    expect(bodyOf("model M() { return f()()(1) }")).toEqual(["return f()()(1)"]);
  });

  it("pipes are left-associative and may span lines", () => {
    expect(bodyOf("model M(x: [1]) {\n  y = x\n    |> a(1)\n    |> b\n  return y\n}")).toEqual(["y = ((x |> a(1)) |> b)", "return y"]);
  });

  it("tuples and grouping", () => {
    expect(bodyOf("model M() { a = (x) b = (x,) c = (x, y) d = ((x, y)) e = (x, (y, z),) }")).toEqual([
      "a = x",
      "b = (x,)",
      "c = (x, y)",
      "d = (x, y)",
      "e = (x, (y, z))",
    ]);
  });

  it("negative numbers are single tokens", () => {
    expect(bodyOf("model M() { y = concat(a, b, axis=-1) z = f(-0.5, 1e-3, -2.5E+2, .5) }")).toEqual([
      "y = concat(a, b, axis=-1)",
      "z = f(-0.5, 1e-3, -2.5E+2, .5)",
    ]);
    const value = (parseClean("model M() { y = -2.5e1 }").models[0]!.body[0] as Assignment).value;
    expect(value).toMatchObject({ kind: "Number", value: -25, text: "-2.5e1" });
  });

  it("strings with escapes, and booleans", () => {
    const source = String.raw`model M() { y = f("a\"b\\c\nd", true, false) }`;
    const call = (parseClean(source).models[0]!.body[0] as Assignment).value;
    if (call.kind !== "Call") throw new Error("expected a call");
    expect(call.args.map((a) => a.value)).toMatchObject([
      { kind: "String", value: 'a"b\\c\nd' },
      { kind: "Bool", value: true },
      { kind: "Bool", value: false },
    ]);
    expect(textAt(source, call.args[0]!.range)).toBe(String.raw`"a\"b\\c\nd"`);
  });

  it("statements need no separator; an optional ';' belongs to its statement", () => {
    const source = "model M(x: [1]) { a = x; b = a c = b; return a, b; }";
    expect(bodyOf(source)).toEqual(["a = x", "b = a", "c = b", "return a, b"]);
    const last = parseClean(source).models[0]!.body[3]!;
    expect(textAt(source, last.range)).toBe("return a, b;");
  });

  it("keywords need a word boundary", () => {
    expect(bodyOf("model M() { models = returned return true_ }")).toEqual(["models = returned", "return true_"]);
  });

  it("comments may end any line, and the file", () => {
    const result = parse("model M() { # opening\n  return 1 # one\n} # done");
    expect(result.diagnostics).toEqual([]);
    expect(result.comments.map((c) => c.text)).toEqual(["# opening", "# one", "# done"]);
  });
});

// ---- errors -------------------------------------------------------------------------------------

describe("syntax errors", () => {
  const broken = `model A(x: [1, 4]) {
  y = lstm(3)(x
  return y
}
model B(x: [2]) {
  return x |> dense(4)
}
model C(x: [1 4]) {
  return x
}
model D(x: [3]) {
  z = dense(2, activation=)(x)
  return z
}
model E(x: [5]) { return x }
`;
  const result = parse(broken);

  it("are each reported, with the offending token's range", () => {
    expect(result.diagnostics.map((d) => [d.code, d.message, textAt(broken, d.range), d.range.start.line])).toEqual([
      ["RNN002", "expected ')' but found 'return'", "return", 2],
      ["RNN002", "expected ']' but found number '4'", "4", 7],
      ["RNN002", "expected an expression but found ')'", ")", 11],
    ]);
    expectSaneRanges(result);
  });

  it("leave the models around them intact", () => {
    expect(result.file.models.map((m) => m.name.name)).toEqual(["A", "B", "C", "D", "E"]);
    expect(showModel(result.file.models[1]!)).toEqual(["model B(x: [2])", "return (x |> dense(4))"]);
    expect(showModel(result.file.models[4]!)).toEqual(["model E(x: [5])", "return x"]);
    expect(showModel(result.file.models[3]!)).toEqual(["model D(x: [3])", "z = dense(2, activation=<error>)(x)", "return z"]);
  });

  it("read like a compiler's", () => {
    const messages = ["model M() { y = f(x }", "model M() { y = , }", "model M() { return }", "model M() { 1 }", "x = 1"].flatMap(
      (source) => parse(source).diagnostics.map((d) => d.message),
    );
    expect(messages).toEqual([
      "expected ')' but found '}'",
      "expected an expression but found ','",
      "expected an expression but found '}'",
      "expected '}' but found number '1'",
      "expected 'model' but found identifier 'x'",
    ]);
  });

  it("at the end of the file point just after the last token", () => {
    const source = "model M(x: [1]) {\n  y = f(x\n\n";
    const result = parse(source);
    expect(result.diagnostics).toHaveLength(1);
    const [d] = result.diagnostics;
    expect(d!.message).toBe("unexpected end of file, expected ')'");
    expect(d!.range.start).toEqual({ line: 1, character: 9, offset: source.indexOf("x\n") + 1 });
    expect(d!.range.end).toEqual(d!.range.start);
    expectSaneRanges(result);
  });

  it("give Error expressions and drop nameless models", () => {
    const result = parse("model (x: [1]) { return x }\nmodel M(x: [1]) { a = \n return a |> }");
    expect(result.file.models.map(showModel)).toEqual([["model M(x: [1])", "a = <error>", "return (a |> <error>)"]]);
    expectSaneRanges(result);
  });

  it("stop being reported after the budget, without overflowing the stack", () => {
    for (const source of [
      `model M() { ${"a = 1 , ".repeat(5000)} }`,
      "junk model M() {} ".repeat(5000),
      `model M() { a ${", b ] ".repeat(5000)} = x }`,
      `model M() { a = x ${"|> ".repeat(5000)} }`,
    ]) {
      const result = parse(source);
      expect(result.diagnostics).toHaveLength(MAX_SYNTAX_ERRORS + 1);
      expect(result.diagnostics.at(-1)!.message).toMatch(/^more than 100 syntax errors/);
    }
  });
});

describe("lexical errors", () => {
  it("RNN001 covers a run of unexpected characters", () => {
    const source = "model M(x: [1]) {\n  y = x @@ $\n  return y\n}";
    const result = parse(source);
    expect(result.diagnostics.map((d) => [d.code, d.message, textAt(source, d.range)])).toEqual([
      ["RNN001", "unexpected characters '@@'", "@@"],
      ["RNN001", "unexpected character '$'", "$"],
    ]);
    expect(result.diagnostics[0]!.range.start).toMatchObject({ line: 1, character: 8 });
    expect(showModel(result.file.models[0]!)).toEqual(["model M(x: [1])", "y = x", "return y"]);
  });

  it("RNN001 shows invisible characters as code points", () => {
    expect(parse("model\u00a0M() {}").diagnostics[0]!.message).toBe("unexpected character '\\u{a0}'");
  });

  it("RNN003 for a string without its closing quote; the next line still parses", () => {
    const source = 'model M() {\n  y = f(name="enc)\n  return y\n}';
    const result = parse(source);
    const unterminated = result.diagnostics.filter((d) => d.code === "RNN003");
    expect(unterminated).toHaveLength(1);
    expect(textAt(source, unterminated[0]!.range)).toBe('"enc)');
    expect(showModel(result.file.models[0]!)[2]).toBe("return y");
    expectSaneRanges(result);
  });
});

// ---- limits -------------------------------------------------------------------------------------

describe("limits", () => {
  it("5,000 nested parentheses give one RNN004 and no overflow", () => {
    const source = `model M(x: [1]) { return ${"(".repeat(5000)}x${")".repeat(5000)} }`;
    const result = parse(source);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["RNN004"]);
    const firstTooDeep = source.indexOf("((") + MAX_PAREN_DEPTH;
    expect(result.diagnostics[0]!.range.start.offset).toBe(firstTooDeep);
    expect(showModel(result.file.models[0]!)).toEqual(["model M(x: [1])", "return x"]);
  });

  it("5,000 unclosed nested calls give RNN004 and no cascade of syntax errors", () => {
    const result = parse(`model M() { return ${"f(".repeat(5000)} }\nmodel N() { return 1 }`);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["RNN004"]);
    expectSaneRanges(result);
  });

  it("syntax errors outside the too-deep parentheses are still reported", () => {
    const source = `model M() { a = ${"(".repeat(200)}x${")".repeat(200)}\n b = f(x }`;
    const result = parse(source);
    expect(result.diagnostics.map((d) => [d.code, textAt(source, d.range)])).toEqual([
      ["RNN004", "("],
      ["RNN002", "}"],
    ]);
  });

  it(`${MAX_PAREN_DEPTH} nested calls are fine`, () => {
    const depth = MAX_PAREN_DEPTH - 1; // the model's own '(' is closed before the body
    expect(parse(`model M() { return ${"f(".repeat(depth)}x${")".repeat(depth)} }`).diagnostics).toEqual([]);
  });

  it("a 5,000-long pipe chain and a 5,000-long call chain parse", () => {
    const pipes = parse(`model M(x: [1]) { return x${"\n  |> dense(1)".repeat(5000)} }`);
    expect(pipes.diagnostics).toEqual([]);
    let expr = (pipes.file.models[0]!.body[0] as ReturnStatement).values[0]!;
    let length = 0;
    for (; expr.kind === "Pipe"; expr = expr.left) length++;
    expect(length).toBe(5000);
    expect(expr).toMatchObject({ kind: "Name", name: "x" });
    expectSaneRanges(pipes);

    const calls = parse(`model M() { return f${"(1)".repeat(5000)} }`);
    expect(calls.diagnostics).toEqual([]);
    let call = (calls.file.models[0]!.body[0] as ReturnStatement).values[0]!;
    length = 0;
    for (; call.kind === "Call"; call = call.callee) length++;
    expect(length).toBe(5000);
  });

  it("no input makes parse() throw, and every range stays inside the text", () => {
    const words = 'model M x return true ( ) [ ] { } , = : ; |> -1 2.5 "s" "open @ - é'.split(" ");
    const fragment = fc.constantFrom(...words, "#c\n", "\n", " ", "\u00a0");
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 60 }), (parts) => {
        for (const text of [parts.join(" "), parts.join("")]) {
          const result = parse(text);
          expectSaneRanges(result);
          expect(result.diagnostics.filter((d) => d.message.includes("-->"))).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

// ---- tokens -------------------------------------------------------------------------------------

describe("tokens", () => {
  it("are exposed with highlighting categories", () => {
    const { tokens } = parse('model M(x: [1]) { return x |> f(-1, "s") }');
    const categories = tokens.map((t) => `${t.image}:${tokenCategory(t.tokenType)}`);
    expect(categories.slice(0, 3)).toEqual(["model:keyword", "M:identifier", "(:punctuation"]);
    expect(categories).toContain("|>:operator");
    expect(categories).toContain("-1:number");
    expect(categories).toContain('"s":string');
  });

  it("lex `axis=-1` as three tokens and `models` as an identifier", () => {
    expect(lexer.tokenize("axis=-1").tokens.map((t) => t.image)).toEqual(["axis", "=", "-1"]);
    expect(lexer.tokenize("models model").tokens.map((t) => t.tokenType)).toEqual([Identifier, ModelKw]);
    expect(lexer.tokenize("1.5e3 ) |>").tokens.map((t) => t.tokenType)).toEqual([NumberLit, RParen, Pipe]);
  });

  it("skips a byte-order mark at the start of a file, as editors on Windows write one", () => {
    const result = parse("\uFEFFmodel M(x: [1, 2, 3]) {\n  return x\n}\n");
    expect(result.diagnostics).toEqual([]);
    expect(result.file.models[0]!.name.name).toBe("M");
  });
});

// The formatter: the layout it gives, and what it must never do — change the meaning (the AST),
// lose or move a comment, give a different answer when run on its own output, or differ between
// prettier and `rnnc fmt`.
import fc from "fast-check";
import { check as prettierCheck } from "prettier";
import { describe, expect, it } from "vitest";
import { formatRnn, formatRnnSync, rnnPlugin, RnnSyntaxError } from "../../src/format/index.js";
import { parse } from "../../src/index.js";
import { EXAMPLES, plausibleProgramArb, programArb } from "../fuzz/support.js";
import { astWithoutRanges, commentProblems, respaced, widened, withComments } from "./support.js";

/** Formats `text` and asserts every invariant; returns the formatted text. */
async function formatChecked(text: string): Promise<string> {
  const formatted = await formatRnn(text);
  expect(formatRnnSync(text), "rnnc fmt (sync) and prettier agree").toBe(formatted);
  expect(await formatRnn(formatted), `idempotent, for ${JSON.stringify(text)}`).toBe(formatted);
  return checkFormatted(text, formatted);
}

/** The same with the synchronous formatter only (faster, for the larger properties). */
function formatCheckedSync(text: string): string {
  const formatted = formatRnnSync(text);
  expect(formatRnnSync(formatted), `idempotent, for ${JSON.stringify(text)}`).toBe(formatted);
  return checkFormatted(text, formatted);
}

function checkFormatted(text: string, formatted: string): string {
  expect(astWithoutRanges(formatted), `same AST, for ${JSON.stringify(text)}`).toBe(astWithoutRanges(text));
  expect(commentProblems(text, formatted), `comments kept in place, for ${JSON.stringify(text)}\n${formatted}`).toEqual([]);
  expect(formatted.endsWith("\n") || formatted === "").toBe(true);
  for (const line of formatted.split("\n")) expect(line, "no trailing blanks").toBe(line.trimEnd());
  return formatted;
}

describe("the examples", () => {
  for (const { name, text } of EXAMPLES) {
    it(`${name} is formatted already, and formatting keeps its AST and comments`, async () => {
      expect(await formatChecked(text)).toBe(text);
    });
  }

  it("pass prettier --check with the plugin", async () => {
    for (const { name, text } of EXAMPLES) {
      expect(await prettierCheck(text, { parser: "rnn", plugins: [rnnPlugin] }), name).toBe(true);
      // The parser is chosen by the file extension too.
      expect(await prettierCheck(text, { filepath: `examples/${name}`, plugins: [rnnPlugin] }), name).toBe(true);
    }
  });
});

describe("generated programs", () => {
  it("syntactically valid programs of random meaning", async () => {
    await fc.assert(
      fc.asyncProperty(programArb, async (text) => {
        await formatChecked(text);
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it("plausible programs", async () => {
    await fc.assert(
      fc.asyncProperty(plausibleProgramArb, async (text) => {
        await formatChecked(text);
      }),
      { seed: 2, numRuns: 200 },
    );
  });

  it("programs with comments after random tokens, at the end of a line or on their own", async () => {
    await fc.assert(
      fc.asyncProperty(
        programArb.chain((text) => withComments(text)),
        async (text) => {
          await formatChecked(text);
        },
      ),
      { seed: 3, numRuns: 600 },
    );
  });

  it("examples with comments after random tokens", async () => {
    const arb = fc.constantFrom(...EXAMPLES.map((e) => e.text)).chain((text) => withComments(text));
    await fc.assert(
      fc.asyncProperty(arb, async (text) => {
        await formatChecked(text);
      }),
      { seed: 4, numRuns: 300 },
    );
  });

  it("programs with long names (so that lists and pipelines break) and up to 20 comments", () => {
    fc.assert(
      fc.property(
        fc
          .oneof(programArb, plausibleProgramArb)
          .chain(widened)
          .chain((text) => withComments(text, 20)),
        (text) => {
          formatCheckedSync(text);
        },
      ),
      { seed: 6, numRuns: 1_000 },
    );
  });

  it("the layout does not depend on the source's spacing and line breaks", () => {
    fc.assert(
      fc.property(
        programArb.chain((text) => fc.tuple(fc.constant(text), respaced(text))),
        ([text, messy]) => {
          expect(formatRnnSync(messy)).toBe(formatRnnSync(text));
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });
});

describe("layout", () => {
  const fmt = (text: string) => formatRnnSync(text);

  it("indents by two spaces, one statement per line, drops `;`, one blank line between models", () => {
    expect(fmt("model  A( x :[ B ,T , 3 ] ){ y=lstm( 3 )( x ) ; return y }\n\n\n\nmodel B(x: int[B]) {return x}")).toBe(
      "model A(x: [B, T, 3]) {\n  y = lstm(3)(x)\n  return y\n}\n\nmodel B(x: int[B]) {\n  return x\n}\n",
    );
  });

  it("prints the edition on its own line, a blank line before the first model, comments kept", async () => {
    expect(fmt("keras   3 model A(x: [1]) { return x }")).toBe("keras 3\n\nmodel A(x: [1]) {\n  return x\n}\n");
    expect(await formatChecked("# file\nkeras 2 # the default\n\n\nmodel A(x: [1]) { return x }\n")).toBe(
      "# file\nkeras 2 # the default\n\nmodel A(x: [1]) {\n  return x\n}\n",
    );
    // Misplaced or wrong editions are the checker's business: printed where and as they are.
    expect(fmt("model A(x: [1]) { return x }\nkeras 4")).toBe("model A(x: [1]) {\n  return x\n}\n\nkeras 4\n");
  });

  it("keeps at most one blank line between statements, none at the edges of a body", () => {
    expect(fmt("model A(x: [1]) {\n\n  a = x\n\n\n\n  b = a\n  c = b\n\n}\n")).toBe("model A(x: [1]) {\n  a = x\n\n  b = a\n  c = b\n}\n");
  });

  it("breaks long inputs one per line, without a trailing comma", () => {
    const inputs = Array.from({ length: 6 }, (_, i) => `input_number_${i}: [B, T, 32]`);
    expect(fmt(`model M(${inputs.join(", ")}) { return input_number_0 }`)).toBe(
      `model M(\n${inputs.map((i) => `  ${i}`).join(",\n")}\n) {\n  return input_number_0\n}\n`,
    );
  });

  it("breaks the longest argument list of a call chain first, one argument per line", () => {
    const long = "y, fh, fc, bh, bc = bilstm(3, seq=true, state=true, kernel=constant(0.1), recurrent=constant(0.1), bias=zeros)(x)";
    expect(fmt(`model M(x: [1, 4, 5]) { ${long} }`)).toBe(
      "model M(x: [1, 4, 5]) {\n  y, fh, fc, bh, bc = bilstm(\n    3,\n    seq=true,\n    state=true,\n    kernel=constant(0.1),\n    recurrent=constant(0.1),\n    bias=zeros\n  )(x)\n}\n",
    );
    const apply = "y = lstm(8)(input_with_a_long_name, initial=(hidden_state_with_long_name, cell_state_with_long_name))";
    expect(fmt(`model M(x: [1, 4, 5]) { ${apply} }`)).toBe(
      "model M(x: [1, 4, 5]) {\n  y = lstm(8)(\n    input_with_a_long_name,\n    initial=(hidden_state_with_long_name, cell_state_with_long_name)\n  )\n}\n",
    );
  });

  it("breaks a long pipeline before each |>, indented", () => {
    const src =
      "model T(t: int[B, T]) { return t |> embedding(10000, 64, mask_zero=true) |> bigru(128, seq=true) |> dense(17, activation=softmax) }";
    expect(fmt(src)).toBe(
      "model T(t: int[B, T]) {\n  return t\n    |> embedding(10000, 64, mask_zero=true)\n    |> bigru(128, seq=true)\n    |> dense(17, activation=softmax)\n}\n",
    );
    expect(fmt("model T(t: [B, 4]) { y = t |> dense(2) |> dense(3) }")).toBe("model T(t: [B, 4]) {\n  y = t |> dense(2) |> dense(3)\n}\n");
  });

  it("keeps the parentheses the meaning needs, and only those", () => {
    const body = (s: string) => fmt(`model M(x: [1]) { ${s} }`).split("\n")[1]!.trim();
    expect(body("y = ((x))")).toBe("y = x");
    expect(body("y = (x |> f)(z)")).toBe("y = (x |> f)(z)");
    expect(body("y = x |> (f |> g)")).toBe("y = x |> (f |> g)");
    expect(body("y = (x |> f) |> g")).toBe("y = x |> f |> g");
    expect(body("y = (x,)")).toBe("y = (x,)");
    expect(body("y = ( a , b , )")).toBe("y = (a, b)");
    expect(body("y = f(a, b,)")).toBe("y = f(a, b)");
    expect(body("y = (a, b)(c)")).toBe("y = (a, b)(c)");
  });

  it("prints numbers as written and strings with consistent escapes", () => {
    const body = (s: string) => fmt(`model M(x: [1]) { ${s} }`).split("\n")[1]!.trim();
    expect(body("y = f(0.10, -1, 1e3, .5, 2.5E-1)")).toBe("y = f(0.10, -1, 1e3, .5, 2.5E-1)");
    expect(body(String.raw`y = f("a\"b", "\q", "tab	here", "\\", "\n")`)).toBe(String.raw`y = f("a\"b", "q", "tab\there", "\\", "\n")`);
  });

  it("keeps whole-line and end-of-line comments where they were", () => {
    const src = [
      "# about the file",
      "",
      "# about A",
      "model A(x: [B, T, 3]) { # the body",
      "  # about y",
      "  y = lstm(3)(x)   # why y",
      "",
      "  # about the return",
      "  return y",
      "  # after the return",
      "}",
      "# after A",
      "",
    ].join("\n");
    expect(fmt(src)).toBe(src.replace("   # why", " # why"));
  });

  it("keeps comments inside argument lists, breaking them", () => {
    expect(fmt("model A(x: [1]) {\n  y = lstm(3, # units\n seq=true)(x)\n}\n")).toBe(
      "model A(x: [1]) {\n  y = lstm(\n    3, # units\n    seq=true\n  )(x)\n}\n",
    );
  });

  it("keeps a comment between pipeline stages before its |>", () => {
    expect(fmt("model A(x: [1]) {\n  return x |> dense(2)\n  # then\n  |> dense(3)\n}\n")).toBe(
      "model A(x: [1]) {\n  return x\n    |> dense(2)\n    # then\n    |> dense(3)\n}\n",
    );
  });

  it("formats a file of comments only, and an empty file", () => {
    expect(fmt("# one\n\n\n# two   \n")).toBe("# one\n\n# two\n");
    expect(fmt("")).toBe("");
    expect(fmt(" \n\t\n")).toBe("");
  });

  it("normalises CRLF and CR line ends to LF, and keeps a byte-order mark", async () => {
    const lf = "model A(x: [1]) {\n  return x\n}\n";
    expect(fmt(lf.replace(/\n/g, "\r\n"))).toBe(lf);
    expect(fmt(lf.replace(/\n/g, "\r"))).toBe(lf);
    expect(fmt(`\uFEFF${lf}`)).toBe(`\uFEFF${lf}`);
    expect(await formatRnn(`\uFEFF${lf.replace(/\n/g, "\r\n")}`)).toBe(`\uFEFF${lf}`);
  });

  it("does not overflow the stack on long chains and lists", async () => {
    const N = 5_000;
    const model = (body: string) => `model M(x: [B, T, 3]) {\n${body}\n}\n`;
    for (const text of [
      model(`  return x${" |> dense(2)".repeat(N)}`),
      model(`  return lstm(3)${"(x)".repeat(N)}`),
      model(`  return concat(${Array<string>(N).fill("x").join(", ")})`),
      model(`${"  x = x |> dense(3)\n".repeat(N)}  return x`),
      model(`  y = ${"(".repeat(90)}x${", x)".repeat(90)}\n  return y`),
    ]) {
      const formatted = formatRnnSync(text);
      expect(formatRnnSync(formatted)).toBe(formatted);
      // (The AST is too deep for JSON.stringify: compare the tokens but for punctuation.)
      const words = (t: string) =>
        parse(t)
          .tokens.map((token) => token.image)
          .filter((w) => !/^[(),]$/.test(w));
      expect(words(formatted)).toEqual(words(text));
    }
  });
});

describe("syntax errors", () => {
  const broken = "model A(x: [1]) {\n  y = lstm(3\n  return y\n}\n";

  it("are not formatted: prettier reports the first error with its position", async () => {
    const first = parse(broken).diagnostics[0]!;
    await expect(formatRnn(broken)).rejects.toThrow(RnnSyntaxError);
    await expect(formatRnn(broken)).rejects.toThrow(`${first.code}: ${first.message}`);
    try {
      await formatRnn(broken);
    } catch (error) {
      expect((error as RnnSyntaxError).diagnostics).toEqual(parse(broken).diagnostics);
      expect((error as RnnSyntaxError).loc.start).toEqual({ line: first.range.start.line + 1, column: first.range.start.character + 1 });
    }
  });

  it("throw from the synchronous formatter too", () => {
    expect(() => formatRnnSync(broken)).toThrow(RnnSyntaxError);
    expect(() => formatRnnSync('model A(x: [1]) {\n  return "open\n}\n')).toThrow(/RNN003/);
  });
});

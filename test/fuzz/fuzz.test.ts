// Robustness of the front end: `check` (parse + type-check) never throws, whatever the text, and
// always answers with diagnostics that are well-formed for that text. Every property has a fixed
// seed so that a failure in CI reproduces locally; fast-check prints the shrunk counterexample.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check, parse, type CheckedFile, type Type } from "../../src/index.js";
import {
  assertValidDiagnostics,
  EXAMPLES,
  errorsOf,
  mutate,
  mutationArb,
  plausibleProgramArb,
  programArb,
  snapshot,
  tokenSoup,
  utf16String,
} from "./support.js";

/** Checks `text`, failing with the input if it throws or answers with malformed diagnostics. */
function checkValid(text: string): CheckedFile {
  let result: CheckedFile;
  try {
    result = check(text);
  } catch (error) {
    const shown = text.length > 400 ? `${JSON.stringify(text.slice(0, 400))}… (${text.length} chars)` : JSON.stringify(text);
    throw new Error(`check threw on ${shown}: ${error instanceof Error ? error.stack : String(error)}`);
  }
  assertValidDiagnostics(text, result);
  return result;
}

const SYNTAX_CODES = new Set(["RNN001", "RNN002", "RNN003", "RNN004"]);

describe("check never throws and its diagnostics are well-formed", () => {
  it("on printable ASCII strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        checkValid(text);
      }),
      { seed: 42, numRuns: 1_500 },
    );
  });

  it("on full-Unicode strings (astral code points)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        checkValid(text);
      }),
      { seed: 43, numRuns: 800 },
    );
  });

  it("on arbitrary UTF-16 strings (lone surrogates, NUL, CR)", () => {
    fc.assert(
      fc.property(utf16String(200), (text) => {
        checkValid(text);
      }),
      { seed: 44, numRuns: 800 },
    );
  });

  it("on strings of the language's own tokens", () => {
    fc.assert(
      fc.property(tokenSoup(150), (text) => {
        checkValid(text);
      }),
      { seed: 45, numRuns: 2_000 },
    );
  });

  it("on token soup wrapped in a model header, so that statements are parsed", () => {
    fc.assert(
      fc.property(tokenSoup(80), fc.boolean(), (body, close) => {
        checkValid(`model M(x: [B, T, 3]) {\n${body}${close ? "\n}\n" : ""}`);
      }),
      { seed: 46, numRuns: 1_000 },
    );
  });

  it("on syntactically valid programs of random meaning (no syntax diagnostics either)", () => {
    fc.assert(
      fc.property(programArb, (text) => {
        const result = checkValid(text);
        expect(result.diagnostics.filter((d) => SYNTAX_CODES.has(d.code))).toEqual([]);
      }),
      { seed: 47, numRuns: 1_000 },
    );
  });

  it("on plausible programs: usual shapes, layers applied to earlier bindings", () => {
    fc.assert(
      fc.property(plausibleProgramArb, (text) => {
        const result = checkValid(text);
        expect(result.diagnostics.filter((d) => SYNTAX_CODES.has(d.code))).toEqual([]);
      }),
      { seed: 48, numRuns: 1_000 },
    );
  });
});

describe("the examples", () => {
  for (const { name, text } of EXAMPLES) {
    if (name === "mistakes.rnn") continue;
    it(`${name} checks without errors`, () => {
      expect(errorsOf(checkValid(text))).toEqual([]);
    });
  }

  it("mistakes.rnn gives errors, all well-formed", () => {
    const mistakes = EXAMPLES.find((e) => e.name === "mistakes.rnn");
    expect(mistakes).toBeDefined();
    expect(errorsOf(checkValid(mistakes!.text)).length).toBeGreaterThan(0);
  });

  it("with CRLF or CR line ends, each example gives the same diagnostics at the same lines and characters", () => {
    const positions = (text: string) =>
      checkValid(text).diagnostics.map(
        (d) => `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`,
      );
    for (const { text } of EXAMPLES) {
      const lf = positions(text);
      expect(positions(text.replace(/\n/g, "\r\n"))).toEqual(lf);
      expect(positions(text.replace(/\n/g, "\r"))).toEqual(lf);
    }
  });

  EXAMPLES.forEach(({ name, text }, i) => {
    it(`${name}, mutated (delete, duplicate, insert, swap, truncate): check never throws`, () => {
      fc.assert(
        fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 5 }), (mutations) => {
          checkValid(mutations.reduce(mutate, text));
        }),
        { seed: 100 + i, numRuns: 500 },
      );
    });
  });
});

describe("deep and long inputs do not overflow the stack", () => {
  const N = 5_000;
  const inModel = (body: string, signature = "x: [B, T, 3]") => `model M(${signature}) {\n${body}\n}\n`;

  it(`${N} nested parentheses`, () => {
    const text = inModel(`  y = ${"(".repeat(N)}x${")".repeat(N)}\n  return y`);
    const result = checkValid(text);
    expect(result.diagnostics.length).toBeGreaterThan(0); // RNN004: the parser bounds nesting
  });

  it(`${N} unclosed parentheses`, () => {
    checkValid(inModel(`  y = ${"(".repeat(N)}x\n  return y`));
  });

  it(`${N} unopened parentheses`, () => {
    checkValid(inModel(`  y = x${")".repeat(N)}\n  return y`));
  });

  it(`${N} nested calls f(f(f(…)))`, () => {
    checkValid(inModel(`  y = ${"f(".repeat(N)}x${")".repeat(N)}\n  return y`));
  });

  it(`${N} nested layer constructors time_distributed(time_distributed(…))`, () => {
    checkValid(inModel(`  return x |> ${"time_distributed(".repeat(N)}dense(2)${")".repeat(N)}`));
  });

  it(`${N} nested tuples ((((x, x), x), x)…)`, () => {
    checkValid(inModel(`  y = ${"(".repeat(N)}x${", x)".repeat(N)}\n  return y`));
  });

  it(`${N} nested tuples in a return`, () => {
    checkValid(inModel(`  return ${"(".repeat(N)}x${", x)".repeat(N)}`));
  });

  it(`${N} nested square brackets in an input type`, () => {
    checkValid(inModel("  return x", `x: ${"[".repeat(N)}B${"]".repeat(N)}`));
  });

  it(`${N} nested braces`, () => {
    checkValid(inModel(`${"{".repeat(N)}\n  return x\n${"}".repeat(N)}`));
  });

  it(`a ${N}-long pipeline x |> dense(2) |> dense(2) …, which is a valid model`, () => {
    const result = checkValid(inModel(`  return x${" |> dense(2)".repeat(N)}`));
    expect(errorsOf(result)).toEqual([]);
  });

  it(`a ${N}-long call chain lstm(3)(x)(x)(x)…`, () => {
    checkValid(inModel(`  return lstm(3)${"(x)".repeat(N)}`));
  });

  it(`a ${N}-long chain of rebindings x = x |> dense(3), which is a valid model`, () => {
    const result = checkValid(inModel(`${"  x = x |> dense(3)\n".repeat(N)}  return x`));
    expect(errorsOf(result)).toEqual([]);
  });

  it(`${N} targets, ${N} returned values, ${N} arguments, ${N} inputs, ${N} dims`, () => {
    const xs = Array<string>(N).fill("x").join(", ");
    checkValid(inModel(`  ${Array<string>(N).fill("a").join(", ")} = x\n  return x`));
    checkValid(inModel(`  return ${xs}`));
    checkValid(inModel(`  return concat(${xs})`));
    checkValid(inModel(`  return lstm(${xs})`));
    checkValid(inModel("  return x0", Array.from({ length: N }, (_, i) => `x${i}: [B, 3]`).join(", ")));
    checkValid(inModel("  return x", `x: [${Array<string>(N).fill("B").join(", ")}]`));
  });

  it(`${N} syntax errors, ${N} stray 'model' keywords, ${N} stray ')'`, () => {
    checkValid(inModel(Array<string>(N).fill("  = = ,").join("\n")));
    checkValid("model ".repeat(N));
    checkValid(")".repeat(N));
    checkValid(Array<string>(N).fill("model M(").join("\n"));
  });

  it("a 100,000-character identifier, string and unterminated string", () => {
    const long = "a".repeat(100_000);
    checkValid(inModel(`  ${long} = x\n  return ${long}`));
    checkValid(inModel(`  y = dense(2, name="${long}")(x)\n  return y`));
    checkValid(inModel(`  y = "${long}\n  return y`));
  });

  it("a 20,000-line file of valid models checks clean", () => {
    const lines: string[] = [];
    for (let i = 0; lines.length < 20_000; i++) {
      lines.push(`# model ${i}`, `model M${i}(x: [B, T, 8]) {`, "  h = lstm(8, seq=true)(x)", "  y = h |> dense(4)", "  return y", "}");
    }
    const text = lines.join("\n");
    expect(text.split("\n").length).toBeGreaterThanOrEqual(20_000);
    expect(errorsOf(checkValid(text))).toEqual([]);
  });

  // A model is checked when it is first called, so a model that calls a model defined after it
  // checks that one first, recursively.
  it("2,000 models, each calling the one defined after it", () => {
    const n = 2_000;
    const models = Array.from({ length: n }, (_, i) => `model M${i}(x: [B, T, 3]) { return M${i + 1}(x) }`);
    const text = [...models, `model M${n}(x: [B, T, 3]) { return x }`].join("\n");
    // Checked without overflowing; past 100 models deep the call is RNN071 (test/guard/budget.test.ts), once.
    expect(errorsOf(checkValid(text)).map((d) => d.code)).toEqual(["RNN071"]);
  });

  it("2,000 models calling each other in a cycle", () => {
    const n = 2_000;
    const text = Array.from({ length: n }, (_, i) => `model M${i}(x: [B, T, 3]) { return M${(i + 1) % n}(x) }`).join("\n");
    expect(errorsOf(checkValid(text)).map((d) => d.code)).toContain("RNN044");
  });

  it("2,000 models, each calling the one defined before it, checks without overflowing", () => {
    const n = 2_000;
    const models = Array.from({ length: n }, (_, i) => `model M${i + 1}(x: [B, T, 3]) { return M${i}(x) }`);
    const text = ["model M0(x: [B, T, 3]) { return x }", ...models].join("\n");
    expect(errorsOf(checkValid(text)).map((d) => d.code)).toEqual(["RNN071"]);
  });
});

describe("values built from values by bindings (no parentheses, so no parser limit)", () => {
  /** Distinct type objects reachable from `types`: the memory the checker spent on them. */
  function distinctTypeNodes(types: readonly Type[]): number {
    const seen = new Set<Type>();
    const stack = [...types];
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (seen.has(t)) continue;
      seen.add(t);
      if (t.kind === "tuple") stack.push(...t.items);
    }
    return seen.size;
  }

  const bindingTypes = (result: CheckedFile) => result.models.flatMap((m) => m.bindings.map((b) => b.type));

  // `t_i = (t_{i-1}, t_{i-1})` doubles the tuple each line. Building a fresh type tree for each use
  // of a tuple value costs 2^n: 16 lines make ~2.6·10^5 type objects, 20 lines take ~3 s to check,
  // and each further line doubles that, so a 30-line file hangs the checker (and the server).
  it("a tuple of tuples doubled on each of 16 lines does not make 2^16 types", () => {
    const n = 16;
    const lines = ["  t0 = (x, x)", ...Array.from({ length: n }, (_, i) => `  t${i + 1} = (t${i}, t${i})`)];
    const result = checkValid(`model M(x: [B, T, 3]) {\n${lines.join("\n")}\n  return x\n}\n`);
    expect(distinctTypeNodes(bindingTypes(result))).toBeLessThan(100 * n);
  });

  // `t_i = (t_{i-1}, x)` nests one level per line: a fresh copy per binding is quadratic (1,000
  // lines: ~500,000 type objects; 5,000 lines take ~20 s to check).
  it("a tuple nested one level deeper on each of 1,000 lines makes a linear number of types", () => {
    const n = 1_000;
    const lines = ["  t0 = (x, x)", ...Array.from({ length: n }, (_, i) => `  t${i + 1} = (t${i}, x)`)];
    const result = checkValid(`model M(x: [B, T, 3]) {\n${lines.join("\n")}\n  return x\n}\n`);
    expect(distinctTypeNodes(bindingTypes(result))).toBeLessThan(10 * n);
  });

  // A wrapper bound to a name and wrapped again: `l_i = time_distributed(l_{i-1})`. Applying it
  // recurses once per level; the input needs one axis per level for the shapes to work out.
  it("5,000 time_distributed wrappers built by bindings, applied to a tensor of rank 5,002", () => {
    const n = 5_000;
    const lines = ["  l0 = dense(2)", ...Array.from({ length: n }, (_, i) => `  l${i + 1} = time_distributed(l${i})`)];
    const dims = Array<string>(n + 1)
      .fill("2")
      .join(", ");
    checkValid(`model M(x: [B, ${dims}]) {\n${lines.join("\n")}\n  return x |> l${n}\n}\n`);
  });

  it("5,000 time_distributed wrappers built by bindings, applied to a tensor of rank 4", () => {
    const n = 5_000;
    const lines = ["  l0 = dense(2)", ...Array.from({ length: n }, (_, i) => `  l${i + 1} = time_distributed(l${i})`)];
    const result = checkValid(`model M(x: [B, T, 4, 3]) {\n${lines.join("\n")}\n  return x |> l${n}\n}\n`);
    expect(errorsOf(result).map((d) => d.code)).toEqual(["RNN020"]);
  });
});

describe("one mistake, one diagnostic", () => {
  // A wrong value for a required argument is a wrong value (RNN015), not a missing argument too.
  it("a bad value for a required argument is not also reported as missing", () => {
    const layer = fc.constantFrom("lstm", "gru", "rnn", "bilstm", "dense", "repeat_vector");
    const value = fc.constantFrom("0", "-1", "0.5", '"s"', "true", "tanh");
    fc.assert(
      fc.property(layer, value, fc.boolean(), (name, v, byKeyword) => {
        const arg = byKeyword ? `${name === "repeat_vector" ? "n" : "units"}=${v}` : v;
        const result = checkValid(`model M(x: [B, T, 3]) {\n  return x |> ${name}(${arg})\n}\n`);
        expect(result.diagnostics.map((d) => d.code)).toEqual(["RNN015"]);
      }),
      { seed: 200, numRuns: 40 },
    );
  });
});

describe("checking is deterministic and keeps no state between files", () => {
  it("the same text twice gives the same answer", () => {
    fc.assert(
      fc.property(fc.oneof(tokenSoup(120), plausibleProgramArb, programArb), (text) => {
        expect(snapshot(check(text))).toBe(snapshot(check(text)));
        expect(JSON.stringify(parse(text).diagnostics)).toBe(JSON.stringify(parse(text).diagnostics));
      }),
      { seed: 300, numRuns: 300 },
    );
  });

  it("checking a broken file first changes nothing about the next file", () => {
    const baseline = EXAMPLES.map(({ text }) => snapshot(check(text)));
    fc.assert(
      fc.property(tokenSoup(150), fc.nat(EXAMPLES.length - 1), (broken, i) => {
        check(broken);
        expect(snapshot(check(EXAMPLES[i]!.text))).toBe(baseline[i]);
      }),
      { seed: 301, numRuns: 300 },
    );
  });

  const good = "model M(x: [B, T, 8]) {\n  y = lstm(4, seq=true)(x)\n  return y |> dense(2)\n}\n";
  const poisons: [string, string][] = [
    ["an unfinished model", "model M(x: [B, T"],
    ["an unfinished statement", "model M(x: [B, T, 3]) {\n  y = lstm(3)("],
    ["more syntax errors than the parser's budget", `model M(x: [B]) {\n${"  = ) ,\n".repeat(300)}}`],
    ["too-deep nesting", `model M(x: [B]) {\n  return ${"(".repeat(500)}x\n}`],
    ["too-deep unclosed nesting", `model M(x: [B]) {\n  return ${"(".repeat(500)}`],
    ["unexpected characters and an unterminated string", 'model M(x: [B]) { @@ return "abc\n}'],
    ["a semantic error in every model", "model A(x: [B, T, 3]) { return lstm(3)(lstm(3)(x)) }\nmodel A(x: [B]) { return y }"],
  ];
  for (const [what, poison] of poisons) {
    it(`after ${what}, a good file is clean and checks as it does first`, () => {
      const fresh = snapshot(check(good));
      expect(errorsOf(check(poison)).length).toBeGreaterThan(0);
      const after = check(good);
      expect(after.diagnostics).toEqual([]);
      expect(snapshot(after)).toBe(fresh);
    });
  }
});

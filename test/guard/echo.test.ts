// Messages quote user text cut to 80 characters and an ellipsis, and "did you mean" costs nothing
// for names too long to be typos.
import { describe, expect, it } from "vitest";
import { check, DataError, loadModel, parseKerasWeights } from "../../src/index.js";
import { cutLongRuns, echo, ECHO_LIMIT } from "../../src/source/echo.js";
import { closest, didYouMean } from "../../src/source/suggest.js";

const HUGE = 2_000_000;

describe("echo", () => {
  it("keeps short text and cuts long text to 80 characters and an ellipsis", () => {
    expect(echo("lstm")).toBe("lstm");
    expect(echo("a".repeat(ECHO_LIMIT))).toBe("a".repeat(80));
    expect(echo("a".repeat(81))).toBe(`${"a".repeat(80)}…`);
  });

  it("never cuts a character in half", () => {
    const text = `${"a".repeat(79)}😀${"b".repeat(10)}`;
    expect(echo(text)).toBe(`${"a".repeat(79)}…`);
  });

  it("cuts each long run of a message, keeping the punctuation after it", () => {
    expect(cutLongRuns(`Unknown name ${"x".repeat(500)}: it is not bound.`)).toBe(`Unknown name ${"x".repeat(80)}…: it is not bound.`);
    expect(cutLongRuns("short words stay as they are: lstm(3, seq=true).")).toBe("short words stay as they are: lstm(3, seq=true).");
  });
});

describe("did you mean", () => {
  it("still suggests typos", () => {
    expect(didYouMean("lstn", ["lstm", "gru"])).toBe(" Did you mean 'lstm'?");
    expect(closest("bilsmt", ["bilstm", "bigru"])).toBe("bilstm");
  });

  it("skips a 2 MB name at once: no candidate is within its edit budget", () => {
    const started = performance.now();
    expect(closest("a".repeat(HUGE), ["aaaa", "lstm", "a".repeat(100)])).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe("user text in messages", () => {
  it("a 2 MB identifier: check is quick and the message quotes 80 characters of it", () => {
    const name = "a".repeat(HUGE);
    const started = performance.now();
    const file = check(`model M(x: [B, 3]) {\n  return ${name}\n}\n`);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(file.diagnostics.map((d) => d.message)).toEqual([
      `Unknown name ${"a".repeat(80)}…: it is not an input or binding of M, a model or a layer.`,
    ]);
  });

  it("a 2 MB layer name, keyword and string value are cut", () => {
    const long = "q".repeat(HUGE);
    for (const src of [
      `model M(x: [B, 3]) {\n  return ${long}(3)(x)\n}\n`,
      `model M(x: [B, 3]) {\n  return dense(3, ${long}=1)(x)\n}\n`,
      `model M(x: [B, T, 3]) {\n  return bilstm(3, merge="${long}")(x)\n}\n`,
      `model M(x: [B, 3]) {\n  return dense(3, activation="${long}")(x)\n}\n`,
      `model ${long}(x: [B, 3]) {\n  return dense(3)(x)\n}\n\nmodel ${long}(x: [B, 3]) {\n  return dense(3)(x)\n}\n`,
    ]) {
      const messages = check(src).diagnostics.map((d) => d.message);
      expect(messages.length, src.slice(0, 40)).toBeGreaterThan(0);
      for (const m of messages) expect(m.length, m.slice(0, 100)).toBeLessThan(400);
    }
  });

  it("a 2 MB string in an input, input name, weights key and model name are cut", () => {
    const file = check('model M(x: [B, 3]) {\n  return dense(2, name="d")(x)\n}\n');
    const long = "z".repeat(HUGE);
    const messages: string[] = [];
    const capture = (f: () => unknown) => {
      try {
        f();
        messages.push("no error");
      } catch (error) {
        expect(error).toBeInstanceOf(DataError);
        messages.push((error as Error).message);
      }
    };
    capture(() => loadModel(file).run({ x: [[long, 1, 2]] as never }));
    capture(() => loadModel(file).run({ x: [[1, 2, 3]], [long]: [[1]] }));
    capture(() => loadModel(file, { weights: parseKerasWeights({ [long]: [[1]] }, "w.json") }));
    capture(() => loadModel(file, { model: long }));
    expect(messages[0]).toBe(`input x: element [0][0] is "${"z".repeat(80)}…", not a number`);
    for (const m of messages) {
      expect(m).toContain(`${"z".repeat(80)}…`);
      expect(m.length).toBeLessThan(400);
    }
  });
});

// Names are data: every lookup by a user-written name goes through a Map, an array or an object with
// no prototype, so a name Object.prototype happens to have (`constructor`, `toString`, `__proto__`)
// gets the same answer as any other unknown name — never an internal error, never a pass.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArgs, UsageError } from "../../src/cli/args.js";
import { check, DataError, loadModel, parseKerasWeights, type CheckedFile } from "../../src/index.js";
import { completion } from "../../src/lsp/completion.js";
import { CheckedDocument } from "../../src/lsp/documents.js";
import { hover } from "../../src/lsp/hover.js";
import { signatureHelp } from "../../src/lsp/signature-help.js";

const NAMES = [...new Set([...Object.getOwnPropertyNames(Object.prototype), "__proto__"])];

const root = join(import.meta.dirname, "..", "..");

function rnnc(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The error codes of a file, which must not check clean. */
function errorCodes(file: CheckedFile): string[] {
  return file.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
}

/** Runs `f`, which must throw a DataError (a user error, not an internal one); its message. */
function dataError(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return (error as Error).message;
  }
  throw new Error("expected a DataError, but nothing was thrown");
}

it("the names under test are Object.prototype's own, and __proto__", () => {
  expect(NAMES).toContain("constructor");
  expect(NAMES).toContain("toString");
  expect(NAMES).toContain("hasOwnProperty");
  expect(NAMES).toContain("__proto__");
  expect(NAMES.length).toBeGreaterThanOrEqual(12);
});

describe.each(NAMES)("the name %s", (name) => {
  it("is an unknown name and an unknown layer", () => {
    const asName = check(`model M(x: [B, 3]) {\n  return ${name}\n}\n`);
    expect(errorCodes(asName)).toEqual(["RNN010"]);
    expect(asName.diagnostics[0]!.message).toContain(`Unknown name ${name}`);
    const asLayer = check(`model M(x: [B, 3]) {\n  return ${name}(3)(x)\n}\n`);
    expect(errorCodes(asLayer)).toEqual(["RNN011"]);
    expect(asLayer.diagnostics[0]!.message).toContain(`Unknown layer ${name}`);
  });

  it("is an unknown keyword, of a constructor and of an application", () => {
    const built = check(`model M(x: [B, 3]) {\n  return dense(3, ${name}=1)(x)\n}\n`);
    expect(errorCodes(built)).toEqual(["RNN012"]);
    const applied = check(`model M(x: [B, T, 3]) {\n  return lstm(3)(x, ${name}=x)\n}\n`);
    expect(errorCodes(applied)).toEqual(["RNN012"]);
  });

  it("is not an activation, an initializer or a merge mode", () => {
    for (const [arg, expected] of [
      [`activation="${name}"`, "must be an activation"],
      [`kernel_initializer="${name}"`, "must be an initializer"],
    ]) {
      const file = check(`model M(x: [B, 3]) {\n  return dense(3, ${arg})(x)\n}\n`);
      expect(errorCodes(file), arg).toEqual(["RNN015"]);
      expect(file.diagnostics[0]!.message).toContain(expected);
    }
    // Written as a bare word, and as an initializer's keyword.
    for (const arg of [`activation=${name}`, `kernel_initializer=${name}`, `kernel_initializer=orthogonal(${name}=1)`]) {
      const file = check(`model M(x: [B, 3]) {\n  return dense(3, ${arg})(x)\n}\n`);
      expect(errorCodes(file), arg).toEqual(["RNN015"]);
    }
    const merge = check(`model M(x: [B, T, 3]) {\n  return bilstm(3, merge="${name}")(x)\n}\n`);
    expect(errorCodes(merge)).toEqual(["RNN015"]);
    expect(merge.diagnostics[0]!.message).toContain("must be concat, sum, mul, ave or none");
  });

  it("is an unknown dtype", () => {
    const file = check(`model M(x: ${name}[B, 3]) {\n  return dense(3)(x)\n}\n`);
    expect(errorCodes(file)).toEqual(["RNN025"]);
    expect(file.diagnostics[0]!.message).toContain(`Unknown element type ${name}`);
  });

  it("is a model, an input or a layer like any other name", () => {
    // As declared names they are ordinary: a model, an input and a layer may be called this.
    const file = check(`model ${name}(${name}: [B, 3]) {\n  return dense(2, name="${name}")(${name})\n}\n`);
    expect(file.diagnostics).toEqual([]);
    const model = loadModel(file, { model: name });
    expect(model.run(Object.fromEntries([[name, [[1, 2, 3]]]]))[0]!.shape).toEqual([1, 2]);
    expect(dataError(() => model.run({}))).toContain(`missing input ${name}`);
    expect(dataError(() => loadModel(file, { weights: parseKerasWeights(JSON.parse("{}"), "w.json") }))).toContain(
      `layer "${name}" is missing`,
    );
  });

  it("is an unknown model, input, weights key and backend to loadModel", () => {
    const file = check(`model M(x: [B, 3]) {\n  return dense(2, name="d")(x)\n}\n`);
    expect(dataError(() => loadModel(file, { model: name }))).toContain(`no model named ${name}`);
    expect(dataError(() => loadModel(file).run(Object.fromEntries([[name, [[1, 2, 3]]]])))).toContain(`unknown input ${name}`);
    const weights = parseKerasWeights(JSON.parse(`{"d": [[[0, 0], [0, 0], [0, 0]], [0, 0]], ${JSON.stringify(name)}: [[1]]}`), "w.json");
    expect(dataError(() => loadModel(file, { weights }))).toContain(`layer "${name}" is not in model M`);
    expect(dataError(() => loadModel(file, { backend: name as "cpu" }))).toContain(`unknown backend ${name}`);
  });

  it("is an unknown command-line option", () => {
    expect(() => parseArgs([`--${name}`], { json: {} }, "check")).toThrow(UsageError);
    expect(() => parseArgs([`--${name}=1`], { json: {} }, "check")).toThrow(`unknown option --${name}`);
  });

  it("gets no hover, and completion and signature help answer, wherever it is written", () => {
    const text = `model M(x: ${name}[B, T, 3]) {\n  a = ${name}(3)(x)\n  b = lstm(3, ${name}=1, activation="${name}")(x, ${name}=x)\n  return a\n}\n`;
    const doc = new CheckedDocument("file:///names.rnn", 1, check(text));
    const lines = text.split("\n");
    for (const [line, at] of [
      [0, lines[0]!.indexOf(name)],
      [1, lines[1]!.indexOf(name)],
      [2, lines[2]!.indexOf(name)],
      [2, lines[2]!.indexOf(`"${name}`) + 1],
      [2, lines[2]!.lastIndexOf(name)],
    ] as const) {
      const params = { textDocument: { uri: doc.uri }, position: { line, character: at + 1 } };
      expect(hover(doc, params), `hover at ${line}:${at}`).toBeNull();
      expect(() => completion(doc, params)).not.toThrow();
      expect(() => signatureHelp(doc, params)).not.toThrow();
    }
  });
});

describe("names as data on the command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "rnnc-guard-names-"));
  const model = join(dir, "m.rnn");
  writeFileSync(model, "model M(x: [B, 3]) {\n  return dense(2)(x)\n}\n");
  const data = join(dir, "x.json");
  writeFileSync(data, "[[1, 2, 3]]");

  it.each(NAMES)(
    "rnnc %s is an unknown command; --input of that name is an unknown input",
    (name) => {
      const command = rnnc(name);
      expect(command.code).toBe(2);
      expect(command.stderr.split("\n")[0]).toBe(`rnnc: unknown command ${name}`);
      const input = rnnc("run", model, "--input", `${name}=${data}`, "--input", `x=${data}`);
      expect(input.code).toBe(1);
      expect(input.stderr).toContain(`unknown input ${name}`);
      expect(input.stderr).not.toContain("internal error");
    },
    20_000,
  );
});

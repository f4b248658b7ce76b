// What the checker records for lowering and the editor: what each name refers to, and each model's
// applications in evaluation order with their values (DESIGN.md: readers ask the checker).
import { describe, expect, it } from "vitest";
import type { Application, CheckedFile, CheckedModel } from "../../src/check/program.js";
import { catalogEntry } from "../../src/index.js";
import { check, codesOf, modelOf } from "../helpers.js";

/** Each name reference of `model`, in source order, as `name→kind`. */
function resolvedNames(checked: CheckedFile, model: string): string[] {
  const decl = modelOf(checked, model).decl;
  return [...checked.resolved]
    .filter(([ref]) => decl.range.start.offset <= ref.range.start.offset && ref.range.end.offset <= decl.range.end.offset)
    .sort(([a], [b]) => a.range.start.offset - b.range.start.offset)
    .map(([ref, r]) => `${ref.name}→${r.kind === "binding" ? `binding@${r.binding.decl.range.start.line + 1}` : r.kind}`);
}

/** An application as `callee(inputs; keywords) -> outputs`, in value ids. */
function show(a: Application): string {
  const callee = a.callee.kind === "layer" ? a.callee.layer.name : a.callee.model.name;
  const keywords = [...a.keywords].map(([k, ids]) => `; ${k}=${ids.join(",")}`).join("");
  return `${callee}(${a.inputs.join(",")}${keywords}) -> ${a.outputs.join(",")}`;
}

const applications = (m: CheckedModel) => m.applications.map(show);

describe("names resolve by one rule: a binding in scope, else a model, else a layer", () => {
  const src = [
    "model Enc(x: [B, T, 4]) {",
    "  return lstm(2)(x)",
    "}",
    "model M(x: [B, T, 4]) {",
    "  lstm = gru(4, seq=true)",
    "  y = x |> lstm |> Enc",
    "  z = Enc(x)",
    "  return add(y, z)",
    "  w = Enc(x)",
    "}",
  ].join("\n");
  const checked = check(src);

  it("a binding shadows a layer of the same name; a model name is the model", () => {
    expect(codesOf(src)).toEqual(["RNN043"]);
    expect(resolvedNames(checked, "M")).toEqual([
      "gru→layer",
      "x→binding@4",
      "lstm→binding@5",
      "Enc→model",
      "Enc→model",
      "x→binding@4",
      "add→layer",
      "y→binding@6",
      "z→binding@7",
      // After the return: the model is resolved, the input is no use of its binding.
      "Enc→model",
    ]);
  });

  it("a binding resolves to the binding of its own model", () => {
    const [ref, r] = [...checked.resolved].find(([ref, r]) => ref.name === "lstm" && r.kind === "binding")!;
    expect(r.kind === "binding" && r.model.name).toBe("M");
    expect(r.kind === "binding" && r.binding.uses).toEqual([ref.range]);
  });

  it("a second model of a taken name is checked quietly: its names resolve, its mistakes wait", () => {
    const text = "model M(x: [B, T, 4]) {\n  return x\n}\nmodel M(x: [B, T, 4]) {\n  y = lstm(2)(x)\n  return lstm(2)(y)\n}";
    const c = check(text);
    expect(c.diagnostics.map((d) => d.code)).toEqual(["RNN040"]);
    const second = c.parse.file.models[1]!;
    const names = [...c.resolved]
      .filter(([ref]) => ref.range.start.offset > second.range.start.offset)
      .sort(([a], [b]) => a.range.start.offset - b.range.start.offset);
    expect(names.map(([ref, r]) => `${ref.name}→${r.kind}`)).toEqual(["lstm→layer", "x→binding", "lstm→layer", "y→binding"]);
  });

  it("names in a rejected argument are resolved too", () => {
    const text = "model M(x: [B, T, 4]) {\n  f = x\n  return lstm(2, bogus=f)(x)\n}";
    const c = check(text);
    expect(c.diagnostics.map((d) => d.code)).toEqual(["RNN012"]);
    expect(resolvedNames(c, "M")).toEqual(["x→binding@1", "lstm→layer", "f→binding@2", "x→binding@1"]);
  });
});

describe("each model's applications, in evaluation order, with value ids (0… are the inputs)", () => {
  it("a chain, a pipe and a shared layer", () => {
    const m = modelOf(check("model M(x: [B, T, 4]) {\n  f = dense(4)\n  a = x |> f |> lstm(3, seq=true)\n  b = f(x)\n  return a, b\n}"));
    expect(applications(m)).toEqual(["f(0) -> 1", "lstm(1) -> 2", "f(0) -> 3"]);
    expect(m.returns).toEqual([2, 3]);
  });

  it("a piped tuple spreads into a multi-input layer; return (a, b) is return a, b", () => {
    const m = modelOf(check("model M(x: [B, T, 4], y: [B, T, 4]) {\n  s = (x, y) |> concat()\n  return (s, x)\n}"));
    expect(applications(m)).toEqual(["concatenate(0,1) -> 2"]);
    expect(m.returns).toEqual([2, 0]);
  });

  it("a layer returning states gives one value per output; call keywords are values too", () => {
    const m = modelOf(
      check("model M(x: [B, T, 4]) {\n  y, h, c = lstm(3, seq=true, state=true)(x)\n  z = lstm(3)(y, initial=(h, c))\n  return z\n}"),
    );
    expect(applications(m)).toEqual(["lstm(0) -> 1,2,3", "lstm_1(1; initial=2,3) -> 4"]);
    expect(m.returns).toEqual([4]);
  });

  it("a called model is one application of the checked model, its outputs values of the caller", () => {
    const checked = check(
      "model Enc(x: [B, T, 4]) {\n  o, h, c = lstm(2, state=true)(x)\n  return o, h, c\n}\nmodel M(x: [B, T, 4]) {\n  o, h, c = Enc(x)\n  return o, c\n}",
    );
    const m = modelOf(checked, "M");
    expect(applications(m)).toEqual(["Enc(0) -> 1,2,3"]);
    expect(m.applications[0]!.callee).toEqual({ kind: "model", model: modelOf(checked, "Enc") });
    expect(m.returns).toEqual([1, 3]);
  });
});

it("an unused binding's diagnostic carries the catalog's unnecessary tag, which the LSP reads", () => {
  const d = check("model M(x: [B, T, 4]) {\n  u = x\n  return x\n}").diagnostics[0]!;
  expect(d.code).toBe("RNN060");
  expect(catalogEntry(d.code)?.tags).toEqual(["unnecessary"]);
  expect(catalogEntry("RNN020")?.tags).toEqual([]);
});

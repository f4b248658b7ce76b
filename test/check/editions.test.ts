// The `keras 2` / `keras 3` edition statement (LANGUAGE.md §6): where it may stand, which numbers
// it takes (RNN080, RNN081, with their fixes), what the checked file records, and that the edition
// reaches what the graph computes (hard_sigmoid). The numbers themselves are in test/parity/cases.ts.
import { describe, expect, it } from "vitest";
import { lowerModel } from "../../src/lower/lower.js";
import { applyFix, check, codesOf, expectDiagnosticAt, theDiagnostic } from "../helpers.js";

const MODEL = `model M(x: [B, T, 5]) {\n  return lstm(3, recurrent_activation=hard_sigmoid)(x)\n}\n`;

/** The recurrent ops' gate activations of the file's first model, lowered with zero weights. */
function gateActivations(src: string): string[] {
  const checked = check(src);
  expect(checked.diagnostics).toEqual([]);
  const model = checked.models[0]!;
  const weights = new Map(
    model.rows.flatMap((row) =>
      "layer" in row
        ? [[row.name, row.weights.map((w) => ({ shape: [...w.shape], data: new Float32Array(w.shape.reduce((a, b) => a * b, 1)) }))]]
        : [],
    ),
  );
  const graph = lowerModel(checked, model, weights as never);
  return graph.nodes.flatMap((n) => (n.op.kind === "recurrent" ? [n.op.recurrentActivation] : []));
}

describe("the edition a file follows", () => {
  it("is keras 2 without an edition statement", () => {
    expect(check(MODEL).edition).toBe(2);
  });

  it("is the number of its first statement", () => {
    expect(check(`keras 3\n${MODEL}`).edition).toBe(3);
    expect(check(`# a comment first is fine\nkeras 2\n\n${MODEL}`).edition).toBe(2);
    expect(codesOf(`keras 3\n${MODEL}`)).toEqual([]);
  });

  it("chooses which hard_sigmoid the graph computes", () => {
    expect(gateActivations(MODEL)).toEqual(["hard_sigmoid"]);
    expect(gateActivations(`keras 2\n${MODEL}`)).toEqual(["hard_sigmoid"]);
    expect(gateActivations(`keras 3\n${MODEL}`)).toEqual(["hard_sigmoid3"]);
  });

  it("shows hard_sigmoid, not its internal name, in a layer's description", () => {
    const checked = check(`keras 3\n${MODEL}`);
    const layer = [...checked.layers.values()][0]!;
    expect(layer.def.describe(layer.config)).toBe("lstm(3, recurrent_activation=hard_sigmoid)");
  });
});

describe("RNN080 an edition other than 2 or 3", () => {
  it("is reported on the number, with a fix to the nearest edition", () => {
    const d = expectDiagnosticAt(`keras «4»\n${MODEL}`, "RNN080");
    expect(d.message).toContain("There is no Keras edition 4");
    expect(d.fix!.title).toBe("Write keras 3");
    const fixed = applyFix(`keras 4\n${MODEL}`, d.fix!);
    expect(check(fixed).diagnostics).toEqual([]);
    expect(check(fixed).edition).toBe(3);
  });

  it("offers keras 2 for a number below it", () => {
    const d = theDiagnostic(`keras 1\n${MODEL}`, "RNN080");
    expect(d.fix!.title).toBe("Write keras 2");
    expect(check(applyFix(`keras 1\n${MODEL}`, d.fix!)).edition).toBe(2);
  });

  it("leaves the file at keras 2", () => {
    expect(check(`keras 2.5\n${MODEL}`).edition).toBe(2);
  });
});

describe("RNN081 an edition that is not the first statement", () => {
  it("after a model: reported, ignored, and moved to the top by its fix", () => {
    const src = `${MODEL}«keras 3»\n`;
    const d = expectDiagnosticAt(src, "RNN081");
    expect(d.message).toContain("after model M");
    const text = src.replace(/[«»]/g, "");
    expect(check(text).edition).toBe(2);
    const fixed = applyFix(text, d.fix!);
    expect(fixed.startsWith("keras 3\n\nmodel M")).toBe(true);
    expect(check(fixed).diagnostics).toEqual([]);
    expect(check(fixed).edition).toBe(3);
  });

  it("a second edition: reported, the first one counts", () => {
    const d = expectDiagnosticAt(`keras 3\n«keras 2»\n${MODEL}`, "RNN081");
    expect(d.message).toContain("A file has one edition");
    expect(d.fix).toBeUndefined();
    expect(check(`keras 3\nkeras 2\n${MODEL}`).edition).toBe(3);
  });
});

describe("the edition statement's syntax", () => {
  it("needs its number", () => {
    expect(codesOf(`keras\n${MODEL}`)).toEqual(["RNN002"]);
  });

  it("is a statement of the file, not of a model", () => {
    expect(codesOf(`model M(x: [B, T, 5]) {\n  keras 3\n  return x\n}\n`)).toContain("RNN002");
  });

  it("makes keras a reserved word", () => {
    expect(codesOf(`model M(x: [B, T, 5]) {\n  keras = lstm(3)(x)\n  return keras\n}\n`)).toContain("RNN002");
  });
});

describe("recurrent keywords that only matter while training", () => {
  it("are accepted on every recurrent layer and its bidirectional forms", () => {
    const keywords =
      "kernel_regularizer=l2(0.01), recurrent_regularizer=l1_l2(l1=0.01, l2=0.02), bias_regularizer=none, activity_regularizer=l1, " +
      'kernel_constraint=max_norm(2), recurrent_constraint="unit_norm", bias_constraint=non_neg, unroll=true, implementation=1, ' +
      "time_major=false, dropout=0.2, recurrent_dropout=0.1, zero_output_for_mask=true";
    for (const layer of ["rnn", "gru", "lstm", "birnn", "bigru", "bilstm"]) {
      expect(codesOf(`model M(x: [B, T, 5]) {\n  return ${layer}(3, ${keywords})(x)\n}\n`), layer).toEqual([]);
    }
    expect(codesOf(`model M(x: [B, T, 5]) {\n  return bidirectional(gru(3, ${keywords}))(x)\n}\n`)).toEqual([]);
  });

  it("time_major=true is an error saying why", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return lstm(3, «time_major=true»)(x)\n}\n`, "RNN015");
    expect(d.message).toContain("batch-major [B,T,F]");
  });

  it("implementation is 1 or 2", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return gru(3, «implementation=3»)(x)\n}\n`, "RNN015");
    expect(d.message).toContain("implementation must be 1 or 2");
  });

  it("a regularizer or constraint must be one Keras has, with did-you-mean", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return rnn(3, kernel_regularizer=«l3»)(x)\n}\n`, "RNN015");
    expect(d.message).toContain("a regularizer (l1, l2, l1_l2, orthogonal_regularizer) or none");
    expect(d.message).toContain("Did you mean");
    expect(codesOf(`model M(x: [B, T, 5]) {\n  return rnn(3, bias_constraint=max_norm(x))(x)\n}\n`)).toEqual(["RNN015"]);
  });
});

describe("concat of masked sequences along time", () => {
  it("is refused, in both editions, naming the axis", () => {
    for (const edition of ["", "keras 3\n"]) {
      const src = `${edition}model M(ids: int[B, T]) {\n  e = embedding(10, 4, mask_zero=true)(ids)\n  return concat(e, e, «axis=1»)\n}\n`;
      expect(expectDiagnosticAt(src, "RNN015").message).toContain("join their masks along time");
    }
    expect(codesOf(`model M(x: [2, 3, 4]) {\n  return concat(x, x, axis=1)\n}\n`)).toEqual([]);
  });
});

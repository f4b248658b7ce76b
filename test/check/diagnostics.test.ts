// Every diagnostic code from RNN010 up: its code, its exact range (marked «like this» in the
// snippet), the key words of its message, and its fix where it has one. Then the fixes applied, the
// absence of cascades, and the warnings.
import { describe, expect, it } from "vitest";
import { Codes, type Diagnostic } from "../../src/index.js";
import { applyFix, check, codesOf, errorsOf, expectDiagnosticAt, marked, outputsOf, spanOf, theDiagnostic, typesOf } from "../helpers.js";

/** The fix of `d`, which must have one. */
function fixOf(d: Diagnostic) {
  expect(d.fix, `${d.code} carries a fix`).toBeDefined();
  return d.fix!;
}

describe("names and calls", () => {
  it("RNN010 unknown name, with did-you-mean", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return lstm(3)(«xs»)\n}`, "RNN010");
    expect(d.severity).toBe("error");
    expect(d.message).toContain("Unknown name xs");
    expect(d.message).toContain("Did you mean 'x'?");
  });

  it("RNN010 for a name bound later in the model", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  y = dense(2)(«z»)\n  z = dense(2)(x)\n  return y, z\n}`, "RNN010");
    expect(d.message).toContain("Unknown name z");
  });

  it("RNN011 unknown layer, with did-you-mean", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return «lstmm»(3)(x)\n}`, "RNN011");
    expect(d.message).toContain("Unknown layer lstmm");
    expect(d.message).toContain("Did you mean 'lstm'?");
  });

  it("RNN011 unknown layer in a pipeline", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return x |> «bilstmm»(3)\n}`, "RNN011");
    expect(d.message).toContain("Did you mean 'bilstm'?");
  });

  it("RNN011 with no close name: no suggestion", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return «transformer»(3)(x)\n}`, "RNN011");
    expect(d.message).not.toContain("Did you mean");
  });

  it("RNN012 unknown keyword, with did-you-mean", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return lstm(3, «sequ»=true)(x)\n}`, "RNN012");
    expect(d.message).toContain("no keyword sequ");
    expect(d.message).toContain("Did you mean 'seq'?");
  });

  it("RNN012 a misspelt Keras keyword suggests the Keras name", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return lstm(3, «return_sequence»=true)(x)\n}`, "RNN012");
    expect(d.message).toContain("Did you mean 'return_sequences'?");
  });

  it("RNN012 an application keyword given at construction says where it goes", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5], h: [B, 3], c: [B, 3]) {\n  return lstm(3, «initial»=(h, c))(x)\n}`, "RNN012");
    expect(d.message).toContain("when the layer is applied");
    expect(d.message).toContain("lstm(…)(x, initial=…)");
  });

  it("RNN012 an unknown application keyword, with did-you-mean", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5], m: bool[B, T]) {\n  return lstm(3)(x, «mask_»=m)\n}`, "RNN012");
    expect(d.message).toContain("Did you mean 'mask'?");
  });

  it("RNN012 an application keyword misspelt from its Keras name suggests the Keras name", () => {
    const d = expectDiagnosticAt(
      `model M(x: [B, T, 5], h: [B, 3], c: [B, 3]) {\n  return lstm(3)(x, «initial_states»=(h, c))\n}`,
      "RNN012",
    );
    expect(d.message).toContain("Did you mean 'initial_state'?");
  });

  it("RNN012 a keyword on a model call", () => {
    const d = expectDiagnosticAt(
      `model E(x: [B, T, 5]) {\n  return lstm(3)(x)\n}\nmodel M(x: [B, T, 5]) {\n  return E(x, «seq»=true)\n}`,
      "RNN012",
    );
    expect(d.message).toContain("by position: E(x)");
  });

  it("RNN013 too many positional arguments", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return lstm(3, «4»)(x)\n}`, "RNN013");
    expect(d.message).toContain("takes 1 positional argument (units)");
  });

  it("RNN013 a keyword given twice (also through its Keras alias)", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return lstm(3, seq=true, «return_sequences=false»)(x)\n}`, "RNN013");
    expect(d.message).toContain("got seq twice");
  });

  it("RNN013 a positional argument after a keyword", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return lstm(seq=true, «3»)(x)\n}`, "RNN013");
    expect(d.message).toContain("cannot follow keyword arguments");
    expect(d.message).toContain("units=");
  });

  it("RNN014 a missing required argument", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return «lstm()»(x)\n}`, "RNN014");
    expect(d.message).toContain("lstm() needs units");
  });

  it("RNN014 embedding needs its dim", () => {
    const d = expectDiagnosticAt(`model M(t: int[B, T]) {\n  return «embedding(100)»(t)\n}`, "RNN014");
    expect(d.message).toContain("needs dim");
  });

  it("RNN015 units must be a positive integer", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return lstm(«-3»)(x)\n}`, "RNN015");
    expect(d.message).toContain("must be a positive integer; found -3");
  });

  it("RNN015 unknown activation, with did-you-mean", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return lstm(3, activation=«tahn»)(x)\n}`, "RNN015");
    expect(d.message).toContain("must be an activation");
    expect(d.message).toContain("Did you mean 'tanh'?");
  });

  it("RNN015 Python's True", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return lstm(3, seq=«True»)(x)\n}`, "RNN015");
    expect(d.message).toContain("lower case");
  });

  it("RNN015 unknown merge mode, with did-you-mean", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return bilstm(3, merge=«concatt»)(x)\n}`, "RNN015");
    expect(d.message).toContain("concat, sum, mul, ave or none");
    expect(d.message).toContain("Did you mean 'concat'?");
  });

  it("RNN015 unknown initializer, with did-you-mean", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return lstm(3, kernel=«glorot_unifrom»)(x)\n}`, "RNN015");
    expect(d.message).toContain("must be an initializer");
    expect(d.message).toContain("Did you mean 'glorot_uniform'?");
  });

  it("RNN015 a dropout rate out of [0, 1)", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return dropout(«1.5»)(x)\n}`, "RNN015");
    expect(d.message).toContain("rate in [0, 1)");
  });

  it("RNN016 reading _", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  _ = lstm(3)(x)\n  return «_»\n}`, "RNN016");
    expect(d.message).toContain("_ discards");
  });
});

describe("tensor types", () => {
  it("RNN020 the stacking mistake, on the argument, naming the producer, with the fix", () => {
    const src = `model M(x: [B, T, 5]) {\n  y = lstm(3)(x)\n  z = lstm(4)(«y»)\n  return z\n}`;
    const d = expectDiagnosticAt(src, "RNN020");
    expect(d.message).toContain("expects a sequence [B,T,F] (ndim=3), found f32[B,3] (ndim=2)");
    expect(d.message).toContain("the lstm(3) that produced it returns only its last step");
    expect(d.message).toContain("seq=true");
  });

  it("RNN020 rank too low for dense", () => {
    const d = expectDiagnosticAt(`model M(x: [B]) {\n  return dense(3)(«x»)\n}`, "RNN020");
    expect(d.message).toContain("rank 2 or more");
  });

  it("RNN020 repeat_vector needs [B,F]", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return repeat_vector(3)(«x»)\n}`, "RNN020");
    expect(d.message).toContain("ndim=2");
  });

  it("RNN020 a rank-2 input with no layer behind it: no seq=true fix", () => {
    const d = expectDiagnosticAt(`model M(v: [B, 8]) {\n  return lstm(3)(«v»)\n}`, "RNN020");
    expect(d.fix).toBeUndefined();
    expect(d.message).toContain("repeat_vector");
  });

  it("RNN021 token ids into a recurrent layer", () => {
    const d = expectDiagnosticAt(`model M(t: int[B, T]) {\n  return lstm(3)(«t»)\n}`, "RNN021");
    expect(d.message).toContain("expects f32 input, found i32[B,T]");
    expect(d.message).toContain("embedding");
  });

  it("RNN021 floats into an embedding", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T]) {\n  return embedding(10, 4)(«x»)\n}`, "RNN021");
    expect(d.message).toContain("int");
  });

  it("RNN021 a mask that is not bool", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5], m: [B, T]) {\n  return lstm(3)(x, mask=«m»)\n}`, "RNN021");
    expect(d.message).toContain("mask= must be bool[B,T]");
  });

  it("RNN022 two different dim names in add", () => {
    const d = expectDiagnosticAt(`model M(a: [B, T, 3], b: [B, S, 3]) {\n  return add(a, «b»)\n}`, "RNN022");
    expect(d.message).toContain("f32[B,T,3] and f32[B,S,3]");
    expect(d.message).toContain("use one name");
  });

  it("RNN022 concat with another dim differing", () => {
    const d = expectDiagnosticAt(`model M(a: [B, T, 3], b: [B, S, 3]) {\n  return concat(a, «b»)\n}`, "RNN022");
    expect(d.message).toContain("dim 1 is T");
  });

  it("RNN022 a wrong model input dim, on the argument", () => {
    const src = `model Enc(x: [B, S, 32]) {\n  return lstm(8)(x)\n}\nmodel M(a: [B, T, 31]) {\n  return Enc(«a»)\n}`;
    const d = expectDiagnosticAt(src, "RNN022");
    expect(d.message).toContain("Enc's input x is f32[B,S,32]; found f32[B,T,31]");
    expect(d.message).toContain("dim 2 must be 32");
  });

  it("RNN022 a model's dim name bound two ways", () => {
    const src = `model Sum(p: [B, N], q: [B, N]) {\n  return add(p, q)\n}\nmodel M(a: [4, 6], b: [4, 7]) {\n  return Sum(a, «b»)\n}`;
    const d = expectDiagnosticAt(src, "RNN022");
    expect(d.message).toContain("dim 1 is N, which is already 6");
  });

  it("RNN022 a mask whose time dim differs", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5], m: bool[B, S]) {\n  return lstm(3)(x, mask=«m»)\n}`, "RNN022");
    expect(d.message).toContain("found bool[B,S]");
  });

  it("RNN022 an initial state of the wrong width", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5], h: [B, 4], c: [B, 3]) {\n  return lstm(3)(x, initial=(«h», c))\n}`, "RNN022");
    expect(d.message).toContain("initial state h of lstm(3) must be f32[B,3]");
  });

  it("RNN023 a named feature dim", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, F]) {\n  return lstm(3)(«x»)\n}`, "RNN023");
    expect(d.message).toContain("the name F");
  });

  it("RNN024 a shared layer applied to an input its weights do not fit", () => {
    const src = `model M(x: [B, T, 5], y: [B, T, 6]) {\n  l = lstm(3)\n  a = l(x)\n  b = «l(y)»\n  return a, b\n}`;
    const d = expectDiagnosticAt(src, "RNN024");
    expect(d.message).toContain("kernel [5,12]");
    expect(d.message).toContain("kernel [6,12]");
  });

  it("RNN024 a layer wrapped by time_distributed() and then applied to an input its weights do not fit", () => {
    // Keras: TimeDistributed(d) builds d itself for 8 features; d on 9 features is then incompatible.
    const src = `model M(x: [B, T, 8], v: [B, 9]) {\n  d = dense(4)\n  a = time_distributed(d)(x)\n  b = «d(v)»\n  return a, b\n}`;
    const d = expectDiagnosticAt(src, "RNN024");
    expect(d.message).toContain("kernel [8,4]");
  });

  it("RNN025 an unknown element type", () => {
    const d = expectDiagnosticAt(`model M(x: «f64»[B, T, 5]) {\n  return lstm(3)(x)\n}`, "RNN025");
    expect(d.message).toContain("Unknown element type f64");
  });

  it("RNN026 a zero dim", () => {
    const d = expectDiagnosticAt(`model M(x: [B, «0», 5]) {\n  return lstm(3)(x)\n}`, "RNN026");
    expect(d.message).toContain("positive integer or a name");
  });

  it("RNN026 an input of more than 32 dims", () => {
    const dims = Array.from({ length: 33 }, () => "2").join(", ");
    const d = expectDiagnosticAt(`model M(x: «[${dims}]») {\n  return x\n}`, "RNN026");
    expect(d.message).toContain("at most 32 dims");
  });

  it("RNN026 a fractional dim", () => {
    expectDiagnosticAt(`model M(x: [B, «2.5», 5]) {\n  return lstm(3)(x)\n}`, "RNN026");
  });

  it("RNN026 no dims at all", () => {
    const d = expectDiagnosticAt(`model M(x: «[]») {\n  return x\n}`, "RNN026");
    expect(d.message).toContain("at least one dim");
  });
});

describe("values of the wrong kind", () => {
  it("RNN030 bilstm(…, state=true) bound to 3 names", () => {
    const src = `model M(x: [1, 4, 5]) {\n  «y, fh, bh» = bilstm(3, seq=true, state=true)(x)\n  return y, fh, bh\n}`;
    const d = expectDiagnosticAt(src, "RNN030");
    expect(d.message).toContain("returns 5 values (output, fh, fc, bh, bc); 3 names are bound");
  });

  it("RNN030 forgot state=true", () => {
    const d = expectDiagnosticAt(`model M(x: [1, 4, 5]) {\n  «y, h» = lstm(3)(x)\n  return y, h\n}`, "RNN030");
    expect(d.message).toContain("returns one tensor");
    expect(d.message).toContain("state=true");
  });

  it("RNN030 a plain tensor destructured", () => {
    const d = expectDiagnosticAt(`model M(x: [1, 4, 5]) {\n  «a, b» = x\n  return a, b\n}`, "RNN030");
    expect(d.message).toContain("is one value; 2 names are bound");
  });

  it("RNN030 a model's outputs destructured to too many names", () => {
    const src = `model E(x: [B, T, 5]) {\n  y, h = gru(3, state=true)(x)\n  return y, h\n}\nmodel M(x: [B, T, 5]) {\n  «a, b, c» = E(x)\n  return a, b, c\n}`;
    const d = expectDiagnosticAt(src, "RNN030");
    expect(d.message).toContain("returns 2 values (y, h); 3 names are bound");
  });

  it("RNN031 a tuple used as a tensor, with the fix that drops state=true", () => {
    const src = `model M(x: [1, 4, 5]) {\n  y = lstm(3, state=true)(x)\n  return dense(2)(«y»)\n}`;
    const d = expectDiagnosticAt(src, "RNN031");
    expect(d.message).toContain("tuple of 3 values (output, h, c)");
    expect(check(applyFix(marked(src).text, fixOf(d))).diagnostics).toEqual([]);
  });

  it("RNN031 a tuple literal passed to a layer", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5], y: [B, T, 5]) {\n  return «(x, y)» |> lstm(3)\n}`, "RNN031");
    expect(d.message).toContain("tuple of 2 values");
  });

  it("RNN031 a tuple returned as one value", () => {
    const { text, spans } = marked(`model M(x: [1, 4, 5]) {\n  y = lstm(3, state=true)(x)\n  return «y»\n}`);
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe("RNN031");
    expect(spanOf(errors[0]!.range)).toEqual(spans[0]);
  });

  it("RNN032 a layer not applied", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  l = lstm(3)\n  return dense(2)(«l»)\n}`, "RNN032");
    expect(d.message).toContain("not applied");
  });

  it("RNN032 a model not applied", () => {
    const d = expectDiagnosticAt(`model E(x: [B, T, 5]) {\n  return x\n}\nmodel M(x: [B, T, 5]) {\n  return dense(2)(«E»)\n}`, "RNN032");
    expect(d.message).toContain("E is a model, not applied");
  });

  it("RNN033 a tensor applied like a layer", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  y = «x»(x)\n  return y\n}`, "RNN033");
    expect(d.message).toContain("cannot be applied");
  });

  it("RNN033 a layer constructor piped without its arguments", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return x |> «lstm»\n}`, "RNN033");
    expect(d.message).toContain("layer constructor");
  });

  it("RNN034 a layer applied to two tensors", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return «lstm(3)(x, x)»\n}`, "RNN034");
    expect(d.message).toContain("applied to 1 tensor; found 2");
  });

  it("RNN034 a model applied to the wrong number of tensors", () => {
    const d = expectDiagnosticAt(
      `model E(x: [B, T, 5]) {\n  return lstm(3)(x)\n}\nmodel M(x: [B, T, 5]) {\n  return «E(x, x)»\n}`,
      "RNN034",
    );
    expect(d.message).toContain("E takes 1 input (x: f32[B,T,5]); found 2");
  });

  it("RNN035 an LSTM given one initial state", () => {
    const d = expectDiagnosticAt(`model M(x: [1, 4, 5], h: [1, 3]) {\n  return lstm(3)(x, initial=«h»)\n}`, "RNN035");
    expect(d.message).toContain("takes 2 initial states (h, c), each f32[1,3]; found 1");
  });

  it("RNN035 a bidirectional LSTM given two states", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5], h: [B, 3], c: [B, 3]) {\n  return bilstm(3)(x, initial=«(h, c)»)\n}`, "RNN035");
    expect(d.message).toContain("4 initial states (fh, fc, bh, bc)");
  });

  it("RNN036 a number where a tensor is needed", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  y = lstm(3)(«3»)\n  return x, y\n}`, "RNN036");
    expect(d.message).toContain("this is a number");
  });
});

describe("models", () => {
  it("RNN040 two models with one name", () => {
    const d = expectDiagnosticAt(`model M(x: [1, 4, 5]) {\n  return x\n}\nmodel «M»(x: [1, 4, 5]) {\n  return x\n}`, "RNN040");
    expect(d.message).toContain("already defined");
  });

  it("RNN041 two inputs with one name", () => {
    const d = expectDiagnosticAt(`model M(x: [1, 4, 5], «x»: [1, 4, 5]) {\n  return x\n}`, "RNN041");
    expect(d.message).toContain("already has an input named x");
  });

  it("RNN042 no return", () => {
    const d = expectDiagnosticAt(`model «M»(x: [1, 4, 5]) {\n  y = lstm(3)(x)\n}`, "RNN042");
    expect(d.message).toContain("returns nothing");
  });

  it("RNN043 a statement after return", () => {
    const d = expectDiagnosticAt(`model M(x: [1, 4, 5]) {\n  return x\n  «y = lstm(3)(x)»\n}`, "RNN043");
    expect(d.message).toContain("after the return on line 2");
  });

  it("RNN043 a second return", () => {
    const d = expectDiagnosticAt(`model M(x: [1, 4, 5]) {\n  return x\n  «return x»\n}`, "RNN043");
    expect(d.message).toContain("already returned on line 2");
  });

  it("RNN044 a model calling itself", () => {
    const d = expectDiagnosticAt(`model A(x: [1, 4, 5]) {\n  return «A(x)»\n}`, "RNN044");
    expect(d.message).toContain("A calls itself");
  });

  it("RNN044 mutual recursion is reported once", () => {
    const d = expectDiagnosticAt(`model A(x: [1, 4, 5]) {\n  return B(x)\n}\nmodel B(x: [1, 4, 5]) {\n  return «A(x)»\n}`, "RNN044");
    expect(d.message).toContain("recursive");
    expect(errorsOf(marked(`model A(x: [1, 4, 5]) {\n  return B(x)\n}\nmodel B(x: [1, 4, 5]) {\n  return A(x)\n}`).text)).toHaveLength(1);
  });

  it("RNN045 two layers with one name=", () => {
    const src = `model M(x: [1, 4, 5]) {\n  a = lstm(3, name="enc", seq=true)(x)\n  b = lstm(3, «name="enc"»)(a)\n  return b\n}`;
    const d = expectDiagnosticAt(src, "RNN045");
    expect(d.message).toContain('already named "enc"');
  });

  it("return (a, b) is return a, b, as in Python", () => {
    expect(outputsOf(`model M(x: [1, 4, 5]) {\n  y, h = gru(3, state=true)(x)\n  return (y, h)\n}`)).toEqual(["f32[1,3]", "f32[1,3]"]);
  });

  it("RNN036 a model returning a number", () => {
    const d = expectDiagnosticAt(`model M(x: [1, 4, 5]) {\n  y = dense(2)(x)\n  return y, «3»\n}`, "RNN036");
    expect(d.message).toContain("tensor");
  });
});

describe("layer-specific rules", () => {
  it("RNN050 bidirectional() around a backwards layer", () => {
    const d = expectDiagnosticAt(`model M(x: [1, 4, 5]) {\n  return bidirectional(«lstm(3, backwards=true)»)(x)\n}`, "RNN050");
    expect(d.message).toContain("remove backwards=true");
  });

  it("RNN050 bilstm(backwards=true)", () => {
    const d = expectDiagnosticAt(`model M(x: [1, 4, 5]) {\n  return bilstm(3, «backwards=true»)(x)\n}`, "RNN050");
    expect(d.message).toContain("remove backwards=true");
  });

  it("RNN051 bidirectional() around a dense layer", () => {
    const d = expectDiagnosticAt(`model M(x: [1, 4, 5]) {\n  return bidirectional(«dense(3)»)(x)\n}`, "RNN051");
    expect(d.message).toContain("found dense");
  });

  it("RNN052 time_distributed() around a layer returning a tuple", () => {
    const d = expectDiagnosticAt(`model M(x: [1, 4, 5, 6]) {\n  return time_distributed(«lstm(3, state=true)»)(x)\n}`, "RNN052");
    expect(d.message).toContain("returns 3 values");
  });

  it("RNN053 concat along a named axis", () => {
    const d = expectDiagnosticAt(`model M(a: [B, T, 5], b: [B, S, 5]) {\n  return concat(«a», b, axis=1)\n}`, "RNN053");
    expect(d.message).toContain("the name T");
  });

  it("RNN054 concat along an axis outside the rank", () => {
    const d = expectDiagnosticAt(`model M(a: [B, T, 5], b: [B, T, 5]) {\n  return concat(a, b, «axis=3»)\n}`, "RNN054");
    expect(d.message).toContain("axis 3 is outside");
  });

  it("RNN057 stateful=true on a bidirectional layer", () => {
    const d = expectDiagnosticAt(`model M(x: [1, T, 5]) {\n  return bilstm(3, «stateful=true»)(x)\n}`, "RNN057");
    expect(d.message).toContain("chunks can never give the numbers of the whole sequence");
  });

  it("RNN058 stateful=true with backwards=true", () => {
    const d = expectDiagnosticAt(`model M(x: [1, T, 5]) {\n  return gru(3, backwards=true, «stateful=true»)(x)\n}`, "RNN058");
    expect(d.message).toContain("cannot run backwards");
  });

  it("RNN059 a stateful layer on a named batch", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  return lstm(3, stateful=true)(«x»)\n}`, "RNN059");
    expect(d.fix?.title).toBe("Declare B as 1");
  });
});

describe("warnings", () => {
  it("RNN060 an unused binding is a warning", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  «a» = lstm(3)(x)\n  return x\n}`, "RNN060");
    expect(d.severity).toBe("warning");
    expect(d.message).toContain("binding a is never used");
  });

  it("RNN060 a layer built and never applied", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  «l» = lstm(3)\n  return x\n}`, "RNN060");
    expect(d.message).toContain("layer l is never used");
  });

  it("RNN060 a binding overwritten before it is read", () => {
    const d = expectDiagnosticAt(`model M(x: [B, T, 5]) {\n  «y» = lstm(3)(x)\n  y = gru(3)(x)\n  return y\n}`, "RNN060");
    expect(d.message).toContain("binding y");
  });

  it("a model with only an unused binding is still ok (warnings are not errors)", () => {
    const file = check(`model M(x: [B, T, 5]) {\n  a = lstm(3)(x)\n  return x\n}`);
    expect(file.models[0]!.ok).toBe(true);
  });

  it("names from tuple destructuring are exempt (like pyflakes)", () => {
    expect(codesOf(`model M(x: [B, T, 5]) {\n  y, h, c = lstm(3, state=true)(x)\n  return y\n}`)).toEqual([]);
  });

  it("_-prefixed names are exempt", () => {
    expect(codesOf(`model M(x: [B, T, 5], _unused: [B, 3]) {\n  _a = lstm(3)(x)\n  _l = gru(2)\n  return x\n}`)).toEqual([]);
  });

  it("_ discards without a warning", () => {
    expect(codesOf(`model M(x: [B, T, 5]) {\n  _, h, _ = lstm(3, state=true)(x)\n  return h\n}`)).toEqual([]);
  });

  it("dropout= and recurrent_dropout= are accepted without a warning (transcribed Keras models carry them)", () => {
    expect(codesOf(`model M(x: [B, T, 5]) {\n  return lstm(3, dropout=0.2, recurrent_dropout=0.1)(x)\n}`)).toEqual([]);
  });
});

describe("every code from RNN010 up is covered here", () => {
  it("the catalog's codes", () => {
    // If this list changes, add a test above for the new code.
    const codes = Object.values(Codes)
      .map((e) => e.code)
      .filter((c) => c >= "RNN010");
    expect(codes).toEqual([
      "RNN010",
      "RNN011",
      "RNN012",
      "RNN013",
      "RNN014",
      "RNN015",
      "RNN016",
      "RNN020",
      "RNN021",
      "RNN022",
      "RNN023",
      "RNN024",
      "RNN025",
      "RNN026",
      "RNN030",
      "RNN031",
      "RNN032",
      "RNN033",
      "RNN034",
      "RNN035",
      "RNN036",
      "RNN040",
      "RNN041",
      "RNN042",
      "RNN043",
      "RNN044",
      "RNN045",
      "RNN050",
      "RNN051",
      "RNN052",
      "RNN053",
      "RNN054",
      "RNN057",
      "RNN058",
      "RNN059",
      "RNN060",
      "RNN070", // test/guard/budget.test.ts
      "RNN071", // test/guard/budget.test.ts
      "RNN080", // test/check/editions.test.ts
      "RNN081", // test/check/editions.test.ts
    ]);
  });
});

describe("fixes, applied", () => {
  it("the stacking mistake: the fix inserts seq=true into the producing lstm, and the result checks clean", () => {
    const src = `model M(x: [B, T, 5]) {\n  y = lstm(3)(x)\n  z = lstm(4)(y)\n  return z\n}`;
    const d = theDiagnostic(src, "RNN020");
    const fix = fixOf(d);
    expect(fix.edits).toHaveLength(1);
    // The edit lands inside the producing call `lstm(3)` on line 1, not the consuming one.
    expect(fix.edits[0]!.range.start.line).toBe(1);
    const fixed = applyFix(src, fix);
    expect(fixed).toBe(`model M(x: [B, T, 5]) {\n  y = lstm(3, seq=true)(x)\n  z = lstm(4)(y)\n  return z\n}`);
    expect(check(fixed).diagnostics).toEqual([]);
    expect(typesOf(fixed).y).toBe("f32[B,T,3]");
  });

  it("the stacking mistake in a pipeline", () => {
    const src = `model M(x: [B, T, 5]) {\n  return x |> lstm(3) |> lstm(4) |> dense(2)\n}`;
    const fixed = applyFix(src, fixOf(theDiagnostic(src, "RNN020")));
    expect(fixed).toContain("lstm(3, seq=true) |> lstm(4)");
    expect(check(fixed).diagnostics).toEqual([]);
  });

  it("the stacking mistake after an lstm with no positional arguments left to follow", () => {
    const src = `model M(x: [B, T, 5]) {\n  return x |> lstm(units=3) |> lstm(4)\n}`;
    const fixed = applyFix(src, fixOf(theDiagnostic(src, "RNN020")));
    expect(check(fixed).diagnostics).toEqual([]);
  });

  it("the stacking mistake with seq=false written out: the fix replaces false", () => {
    const src = `model M(x: [B, T, 5]) {\n  return x |> gru(3, return_sequences=false) |> lstm(4)\n}`;
    const fixed = applyFix(src, fixOf(theDiagnostic(src, "RNN020")));
    expect(fixed).toContain("gru(3, return_sequences=true)");
    expect(check(fixed).diagnostics).toEqual([]);
  });

  it("the stacking mistake after bilstm: seq=true goes into the bilstm call", () => {
    const src = `model M(x: [B, T, 5]) {\n  return x |> bilstm(3) |> lstm(4)\n}`;
    const d = theDiagnostic(src, "RNN020");
    expect(d.message).toContain("found f32[B,6]");
    expect(d.message).toContain("the bilstm(3) that produced it returns only its last step");
    const fixed = applyFix(src, fixOf(d));
    expect(fixed).toContain("bilstm(3, seq=true)");
    expect(check(fixed).diagnostics).toEqual([]);
  });

  it("the stacking mistake after bidirectional(gru(3)): seq=true goes into the wrapped gru", () => {
    const src = `model M(x: [B, T, 5]) {\n  return x |> bidirectional(gru(3), merge=sum) |> lstm(4)\n}`;
    const fixed = applyFix(src, fixOf(theDiagnostic(src, "RNN020")));
    expect(fixed).toContain("bidirectional(gru(3, seq=true), merge=sum)");
    expect(check(fixed).diagnostics).toEqual([]);
  });

  it("the stacking mistake across a shared, bound layer", () => {
    const src = `model M(x: [B, T, 5]) {\n  enc = lstm(3)\n  y = enc(x)\n  return lstm(4)(y)\n}`;
    const fixed = applyFix(src, fixOf(theDiagnostic(src, "RNN020")));
    expect(fixed).toContain("enc = lstm(3, seq=true)");
    expect(check(fixed).diagnostics).toEqual([]);
  });

  it("bilstm(…, state=true) bound to 3 names: the fix binds 5, and checks clean", () => {
    const src = `model M(x: [1, 4, 5]) {\n  y, fh, bh = bilstm(3, seq=true, state=true)(x)\n  return y, fh, bh\n}`;
    const d = theDiagnostic(src, "RNN030");
    expect(d.message).toContain("returns 5 values (output, fh, fc, bh, bc); 3 names are bound");
    const fixed = applyFix(src, fixOf(d));
    expect(fixed).toContain("y, fh, fc, bh, bc = bilstm");
    expect(check(fixed).diagnostics).toEqual([]);
    expect(outputsOf(fixed)).toEqual(["f32[1,4,6]", "f32[1,3]", "f32[1,3]"]);
  });

  it("y, h = lstm(3)(x): the fix adds state=true, then the error is the arity of 3; y, h, c is clean", () => {
    const src = `model M(x: [1, 4, 5]) {\n  y, h = lstm(3)(x)\n  return y, h\n}`;
    const first = theDiagnostic(src, "RNN030");
    const withState = applyFix(src, fixOf(first));
    expect(withState).toContain("lstm(3, state=true)(x)");
    const second = theDiagnostic(withState, "RNN030");
    expect(second.message).toContain("returns 3 values (output, h, c); 2 names are bound");
    const fixed = applyFix(withState, fixOf(second));
    expect(fixed).toContain("y, h, c = lstm(3, state=true)(x)");
    expect(check(fixed).diagnostics).toEqual([]);
    expect(codesOf(`model M(x: [1, 4, 5]) {\n  y, h, c = lstm(3, state=true)(x)\n  return y, h\n}`)).toEqual([]);
  });

  it("y, h = x |> gru(3): the fix adds state=true and that is enough for a GRU", () => {
    const src = `model M(x: [1, 4, 5]) {\n  y, h = x |> gru(3)\n  return y, h\n}`;
    const fixed = applyFix(src, fixOf(theDiagnostic(src, "RNN030")));
    expect(check(fixed).diagnostics).toEqual([]);
    expect(typesOf(fixed)).toEqual({ x: "f32[1,4,5]", y: "f32[1,3]", h: "f32[1,3]" });
  });

  it("applyFix applies several edits by offset", () => {
    const text = "abcdef";
    const at = (o: number) => ({ line: 0, character: o, offset: o });
    const fixed = applyFix(text, {
      title: "t",
      edits: [
        { range: { start: at(1), end: at(2) }, newText: "XX" },
        { range: { start: at(4), end: at(4) }, newText: "Y" },
      ],
    });
    expect(fixed).toBe("aXXcdYef");
  });
});

describe("no cascades: one mistake, one error", () => {
  const oneError = (src: string): Diagnostic => {
    const errors = errorsOf(src);
    expect(errors.map((d) => `${d.code} ${d.message}`)).toHaveLength(1);
    return errors[0]!;
  };

  it("an unknown name used through a chain of layers", () => {
    expect(oneError(`model M(x: [B, T, 5]) {\n  y = lstm(3, seq=true)(xs)\n  z = gru(2)(y)\n  return dense(1)(z)\n}`).code).toBe("RNN010");
  });

  it("the stacking mistake early in a long pipeline", () => {
    expect(oneError(`model M(x: [B, T, 5]) {\n  return x |> lstm(3) |> lstm(4) |> dense(2) |> dropout(0.1)\n}`).code).toBe("RNN020");
  });

  it("an unknown layer in the middle of a pipeline", () => {
    expect(oneError(`model M(x: [B, T, 5]) {\n  return x |> lstm(3, seq=true) |> lstmm(4) |> dense(2)\n}`).code).toBe("RNN011");
  });

  it("a wrong destructuring, then every name used", () => {
    expect(oneError(`model M(x: [B, T, 5]) {\n  y, h = lstm(3)(x)\n  z = add(y, h)\n  return dense(2)(z)\n}`).code).toBe("RNN030");
  });

  it("a tuple used as a tensor, then the result used", () => {
    expect(oneError(`model M(x: [B, T, 5]) {\n  y = lstm(3, state=true)(x)\n  z = dense(2)(y)\n  return dense(1)(z)\n}`).code).toBe(
      "RNN031",
    );
  });

  it("an unknown keyword, then the layer's output used", () => {
    expect(oneError(`model M(x: [B, T, 5]) {\n  y = lstm(3, sequ=true)(x)\n  return dense(2)(y)\n}`).code).toBe("RNN012");
  });

  it("a wrong model input, then the result used", () => {
    expect(
      oneError(`model Enc(x: [B, S, 32]) {\n  return lstm(8)(x)\n}\nmodel M(a: [B, T, 31]) {\n  e = Enc(a)\n  return dense(2)(e)\n}`).code,
    ).toBe("RNN022");
  });

  it("a bad input type, then the input used", () => {
    expect(oneError(`model M(x: f64[B, T, 5]) {\n  return x |> lstm(3) |> dense(2)\n}`).code).toBe("RNN025");
  });

  it("a callee with an error: the caller does not report it again", () => {
    expect(
      oneError(`model Enc(x: [B, T, 5]) {\n  return lstmm(3)(x)\n}\nmodel M(a: [B, T, 5]) {\n  return a |> Enc |> dense(2)\n}`).code,
    ).toBe("RNN011");
  });

  it("a bad argument value: the argument is not also 'missing'", () => {
    expect(oneError(`model M(x: [B, T, 5]) {\n  return lstm(-3)(x)\n}`).code).toBe("RNN015");
  });

  it("a bad dropout rate: the rate is not also 'missing'", () => {
    expect(oneError(`model M(x: [B, T, 5]) {\n  return dropout(1.5)(x)\n}`).code).toBe("RNN015");
  });

  it("a positional after a keyword: the argument is not also 'missing'", () => {
    expect(oneError(`model M(x: [B, T, 5]) {\n  return lstm(seq=true, 3)(x)\n}`).code).toBe("RNN013");
  });

  it("an application keyword given at construction: its names still count as used", () => {
    const src = `model M(x: [B, T, 5], h: [B, 3], c: [B, 3]) {\n  return lstm(3, initial=(h, c))(x)\n}`;
    expect(codesOf(src)).toEqual(["RNN012"]);
  });

  it("a shared layer misapplied, then its output used", () => {
    expect(oneError(`model M(x: [B, T, 5], y: [B, T, 6]) {\n  l = lstm(3)\n  a = l(x)\n  b = l(y)\n  return add(a, b)\n}`).code).toBe(
      "RNN024",
    );
  });
});

describe("a syntax error in one model", () => {
  const file = `model Broken(x: [B, T, 5]) {
  y = lstm(3, seq=)(x)
  z = lstm(4)(y)
  return z
}

model Good(x: [B, T, 5]) {
  y = lstm(3)(x)
  return lstm(4)(y)
}

model Clean(x: [B, T, 5]) {
  return x |> gru(2)
}
`;

  it("the other models are still checked: their diagnostics appear, the broken one adds none of its own", () => {
    expect(codesOf(file)).toEqual(["RNN002", "RNN020"]);
  });

  it("the syntax error is where it is", () => {
    const d = theDiagnostic(file, "RNN002");
    expect(spanOf(d.range)).toEqual([1, 18, 1, 19]);
  });

  it("the good models are typed", () => {
    expect(outputsOf(file, "Clean")).toEqual(["f32[B,2]"]);
    expect(typesOf(file, "Good").y).toBe("f32[B,3]");
  });

  it("a missing parenthesis: the next model still checks", () => {
    const src = `model Broken(x: [B, T, 5]) {\n  y = lstm(3)(x\n  return y\n}\nmodel Good(x: [B, T, 5]) {\n  return x |> lstmm(3)\n}`;
    expect(codesOf(src)).toEqual(["RNN002", "RNN011"]);
  });
});

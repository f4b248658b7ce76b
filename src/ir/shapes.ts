// Every op's output shapes from its inputs' shapes: one set of rules, over any kind of size (plain
// numbers when a backend plans a run; symbolic sizes when the emitter plans a compiled module).
import { CELLS } from "./cells.js";
import { ATTENTION_INPUTS, convGeometry, convKeepsLength, type Node } from "./graph.js";

/** The arithmetic a kind of size supports. */
export interface SizeArithmetic<S> {
  of(n: number): S;
  add(a: S, b: S): S;
  mul(a: S, b: S): S;
  /** The number a size stands for, when it is one (conv1d's output length needs it). */
  known(s: S): number | undefined;
}

export const numbers: SizeArithmetic<number> = { of: (n) => n, add: (a, b) => a + b, mul: (a, b) => a * b, known: (n) => n };

export function inferShapes<S>(node: Node, shapes: readonly (readonly S[])[], arith: SizeArithmetic<S>): S[][] {
  const inShape = (i: number) => shapes[node.inputs[i]!]!;
  const op = node.op;
  switch (op.kind) {
    case "matmul": {
      const x = inShape(0);
      return [[...x.slice(0, -1), inShape(1)[1]!]];
    }
    case "activation":
    case "scale":
    case "add":
    case "mul":
    case "maskNotZero":
    case "maskAnd":
    case "maskOr":
      return [[...inShape(0)]];
    case "concat": {
      const first = inShape(0);
      const axis = op.axis < 0 ? first.length + op.axis : op.axis;
      const out = [...first];
      let total = first[axis] as S;
      for (let i = 1; i < node.inputs.length; i++) total = arith.add(total, inShape(i)[axis] as S);
      out[axis] = total;
      return [out];
    }
    case "gather":
      return [[...inShape(0), inShape(1)[1]!]];
    case "repeat": {
      const [b, f] = inShape(0);
      return [[b!, arith.of(op.n), f!]];
    }
    case "row":
      return [[inShape(0)[1]!]];
    case "mergeTime": {
      const [b, t, ...rest] = inShape(0);
      return [[arith.mul(b!, t!), ...rest]];
    }
    case "splitTime": {
      const [, ...rest] = inShape(0);
      const [b, t] = inShape(1);
      return [[b!, t!, ...rest]];
    }
    case "recurrent": {
      const [b, t] = inShape(0);
      const u = arith.of(op.units);
      const states = CELLS[op.cell].states.length;
      return [op.returnSequences ? [b!, t!, u] : [b!, u], ...Array.from({ length: states }, () => [b!, u])];
    }
    // ---- layers-a ----
    case "maskNotEqual":
      return [inShape(0).slice(0, -1)];
    case "applyMask":
    case "layerNorm":
      return [[...inShape(0)]];
    case "im2col": {
      const [b, t, f] = inShape(0);
      const k = arith.of(op.kernelSize);
      if (convKeepsLength(op)) return [[b!, t!, arith.mul(k, f!)]];
      const steps = arith.known(t!);
      // The checker lets a named length through only where the conv keeps it.
      if (steps === undefined) throw new Error("conv1d changes the length of a named dim");
      return [[b!, arith.of(convGeometry(op, steps).outSteps), arith.mul(k, f!)]];
    }
    case "poolTime": {
      const [b, , f] = inShape(0);
      return [[b!, f!]];
    }
    case "flatten": {
      const [b, ...rest] = inShape(0);
      return [[b!, rest.reduce((p, d) => arith.mul(p, d), arith.of(1))]];
    }
    // ---- layers-b ----
    case "maximum":
    case "divide":
    case "where":
      return [[...inShape(0)]];
    case "attention": {
      const [b, tq] = inShape(ATTENTION_INPUTS.query);
      const value = inShape(ATTENTION_INPUTS.value);
      return [
        [b!, tq!, value[2]!],
        [b!, tq!, value[1]!],
      ];
    }
    case "input":
    case "const":
      throw new Error(`${op.kind} has no shape rule`);
  }
}

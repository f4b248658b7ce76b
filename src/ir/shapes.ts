// Every op's output shapes from its inputs' shapes: one set of rules, over any kind of size (plain
// numbers when a backend plans a run; symbolic sizes when the emitter plans a compiled module).
import { CELLS } from "./cells.js";
import type { Node } from "./graph.js";

/** The arithmetic a kind of size supports. */
export interface SizeArithmetic<S> {
  of(n: number): S;
  add(a: S, b: S): S;
  mul(a: S, b: S): S;
}

export const numbers: SizeArithmetic<number> = { of: (n) => n, add: (a, b) => a + b, mul: (a, b) => a * b };

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
    case "input":
    case "const":
      throw new Error(`${op.kind} has no shape rule`);
  }
}

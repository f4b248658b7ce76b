// Sizes in generated code: a number where the model's dims make it one, else a product of run-time
// dim variables and a number (`dim0 * dim1 * 12`). Every size a graph computes is such a product:
// shapes only ever carry dims, multiply them (time_distributed's B·T) or add numbers (concat).

/** c · Π vars (vars sorted, repeats allowed). */
export interface Size {
  readonly coef: number;
  readonly vars: readonly string[];
}

export const size = (n: number): Size => ({ coef: n, vars: [] });
export const dimVar = (name: string): Size => ({ coef: 1, vars: [name] });

export function mul(a: Size, b: Size): Size {
  return { coef: a.coef * b.coef, vars: [...a.vars, ...b.vars].sort() };
}

export function product(sizes: readonly Size[]): Size {
  return sizes.reduce(mul, size(1));
}

/** a + b, which must be a product again (same variables): concat along a numbered axis. */
export function add(a: Size, b: Size): Size {
  if (a.vars.join("*") !== b.vars.join("*")) throw new Error(`cannot add sizes ${code(a)} and ${code(b)}`);
  return { coef: a.coef + b.coef, vars: a.vars };
}

export function isStatic(s: Size): boolean {
  return s.vars.length === 0;
}

/** The number of a static size. */
export function value(s: Size): number {
  if (!isStatic(s)) throw new Error(`size ${code(s)} is not static`);
  return s.coef;
}

export function same(a: Size, b: Size): boolean {
  return a.coef === b.coef && a.vars.join("*") === b.vars.join("*");
}

/** JavaScript for a size: `12`, `dim0`, `dim0 * dim1 * 12` (parenthesised when it is a product). */
export function code(s: Size): string {
  if (s.vars.length === 0) return String(s.coef);
  if (s.coef === 0) return "0";
  const parts = s.coef === 1 ? [...s.vars] : [...s.vars, String(s.coef)];
  return parts.length === 1 ? parts[0]! : `(${parts.join(" * ")})`;
}

/** A shape as an array literal: `[1, 4, 6]`, `[dim0, dim1, 6]`. */
export function shapeCode(shape: readonly Size[]): string {
  return `[${shape.map(code).join(", ")}]`;
}

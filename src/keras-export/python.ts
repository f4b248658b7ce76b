// Writing Python source: literals that mean exactly the value (strings, ints, floats, booleans,
// tuples) and identifiers made from rnnc's names, never a Python keyword and never a name twice.

/** Python's keywords and soft keywords, and the names the generated module itself defines or imports. */
const RESERVED = new Set([
  ..."False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case type".split(
    " ",
  ),
  ..."keras json math np MODELS load_weights dump_weights hard_sigmoid_tf2".split(" "),
]);

/** A Python string literal; JSON's escapes are all valid Python escapes. */
export function pyString(text: string): string {
  return JSON.stringify(text);
}

export function pyBool(value: boolean): string {
  return value ? "True" : "False";
}

/** An int setting (units, filters, axis). */
export function pyInt(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`); // the checker guarantees ints here
  return String(value);
}

/** A float setting (epsilon, mask_value, rate): always written as a float, shortest round-trip digits. */
export function pyFloat(value: number): string {
  const text = String(value);
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

/** A tuple literal: `(a,)` for one item. */
export function pyTuple(items: readonly string[]): string {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
}

/** Hands out Python identifiers from rnnc names, unique within one scope. */
export class PyNamer {
  private readonly used = new Set<string>(RESERVED);

  /** `base` made a valid identifier, with `_2`, `_3`, … when it is taken. */
  fresh(base: string): string {
    let stem = base.replace(/[^A-Za-z0-9_]/g, "_");
    if (stem === "" || /^\d/.test(stem)) stem = `_${stem}`;
    let name = stem;
    for (let i = 2; this.used.has(name); i++) name = `${stem}_${i}`;
    this.used.add(name);
    return name;
  }
}

/** A call to be printed: on one line when it fits, else one argument per line (nested calls likewise). */
export interface PyCall {
  fn: string;
  args: (string | PyCall)[];
}

const WIDTH = 100;

function flat(item: string | PyCall): string {
  return typeof item === "string" ? item : `${item.fn}(${item.args.map(flat).join(", ")})`;
}

/** `call` printed at `indent` spaces with `before` already on its first line and `after` following it. */
export function renderCall(call: PyCall, indent: number, before = "", after = ""): string {
  const one = flat(call);
  if (indent + before.length + one.length + after.length <= WIDTH || call.args.length === 0) return one;
  const inner = " ".repeat(indent + 4);
  const args = call.args.map((a) => `${inner}${typeof a === "string" ? a : renderCall(a, indent + 4, "", ",")},`);
  return `${call.fn}(\n${args.join("\n")}\n${" ".repeat(indent)})`;
}

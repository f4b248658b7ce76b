// Names in the written `.rnn`: Keras names made valid identifiers that mean nothing else there. A
// binding shadows a model or a layer function of the same name, and `model`, `return`, `true`,
// `false`, `keras` are keywords, so those are avoided; `__proto__` and `constructor` are ordinary
// names here (everything is kept in Maps and Sets).
import { findLayer } from "../layers/registry.js";

const KEYWORDS = new Set(["model", "return", "true", "false", "keras"]);
/** Activations and merge modes are written as bare names (`activation=tanh`, `merge=mul`): a binding must not hide them. */
const BARE_VALUES = new Set([
  "tanh",
  "sigmoid",
  "relu",
  "softmax",
  "linear",
  "hard_sigmoid",
  "none",
  "None",
  "concat",
  "sum",
  "mul",
  "ave",
]);
const MAX_NAME_LENGTH = 64;

/** `name` as an identifier: invalid characters become `_`, a leading digit gets `_` in front. */
export function identifierOf(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, "_").slice(0, MAX_NAME_LENGTH);
  if (id === "" || /^[0-9]/.test(id)) id = `_${id}`;
  return id;
}

/** Hands out identifiers unique within one scope, avoiding keywords, layer functions and names reserved by the caller. */
export class NameScope {
  private readonly taken = new Set<string>();

  constructor(private readonly reserved: ReadonlySet<string> = new Set()) {}

  /** The identifier for `wanted` (a Keras name), unique here. */
  claim(wanted: string): string {
    const base = identifierOf(wanted);
    let id = base;
    for (let n = 1; !this.free(id); n++) id = `${base}_${n}`;
    this.taken.add(id);
    return id;
  }

  private free(id: string): boolean {
    return (
      id !== "_" &&
      !this.taken.has(id) &&
      !this.reserved.has(id) &&
      !KEYWORDS.has(id) &&
      !BARE_VALUES.has(id) &&
      findLayer(id) === undefined
    );
  }
}

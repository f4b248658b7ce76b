// What from the source may reach generated code, and how: model, input and dim names become safe
// identifiers (ASCII, never a reserved word, never twice); every other text — layer names, file
// names, types — is written as a JSON string literal in which nothing can end a string or a comment.

/** Words that cannot be a binding or an export people can import by name, plus globals not to shadow. */
const RESERVED = new Set(
  (
    "await break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if implements import in instanceof interface let new null package private protected public return static " +
    "super switch this throw true try typeof var void while with yield arguments eval undefined NaN Infinity async of " +
    "get set constructor prototype __proto__ globalThis"
  ).split(" "),
);

/**
 * A safe identifier for `name`: ASCII letters, digits, `_` and `$` are kept, any other character
 * becomes `$` and its code point in hex (`é` → `$e9`); a name that starts with a digit, is empty or
 * is reserved gets a `_` in front. Source identifiers (`[A-Za-z_][A-Za-z0-9_]*`) keep their
 * spelling unless they are reserved words (`class` → `_class`).
 */
export function safeIdentifier(name: string): string {
  let out = "";
  for (const ch of name) out += /^[A-Za-z0-9_$]$/.test(ch) ? ch : `$${ch.codePointAt(0)!.toString(16)}`;
  if (out === "" || /^[0-9]/.test(out) || RESERVED.has(out)) out = `_${out}`;
  return out;
}

/** Hands out safe identifiers, each once: a second `x` becomes `x_2`. */
export class IdentifierScope {
  private readonly used = new Set<string>();

  constructor(taken: Iterable<string> = []) {
    for (const t of taken) this.used.add(t);
  }

  unique(name: string): string {
    const base = safeIdentifier(name);
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    return id;
  }
}

/**
 * A JSON literal of `value` that is also safe anywhere in JavaScript or TypeScript text: in an
 * expression, in a `//` comment and in a `/* *\/` comment. Beyond JSON's escapes, every `/` is written
 * `\/` (no `*\/` can close a comment, no `</script>`) and every non-ASCII character as `\uXXXX`
 * (U+2028 and U+2029 end a line comment). An object key `__proto__` is refused: in JavaScript (unlike
 * JSON.parse) `{"__proto__": x}` sets the prototype; generated code keeps source names out of keys.
 * A -0 is written `-0` (JSON.stringify would write 0): a `constant(-0)` initializer keeps its sign.
 */
export function literal(value: unknown): string {
  return json(value).replace(/[/\u007f-\uffff]/g, (c) => (c === "/" ? "\\/" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

/** JSON.stringify for plain data, but exact for -0 (which JSON.parse and JavaScript read back as -0). */
function json(value: unknown): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`literal: ${value} has no JSON form`);
    return Object.is(value, -0) ? "-0" : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v: unknown) => json(v ?? null)).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const fields = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== "function");
    return `{${fields
      .map(([key, v]) => {
        if (key === "__proto__") throw new Error("literal: an object key __proto__ would set the prototype");
        return `${JSON.stringify(key)}:${json(v)}`;
      })
      .join(",")}}`;
  }
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error("literal: a value with no JSON form");
  return text;
}

/** Text for a comment: a string from the source as a safe literal, quotes included. */
export function quoted(text: string): string {
  return literal(text);
}

/** A number as JavaScript source that reads back as exactly the same double. */
export function numberLiteral(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`numberLiteral: ${x}`);
  return Object.is(x, -0) ? "-0" : String(x);
}

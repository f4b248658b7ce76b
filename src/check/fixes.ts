// Fixes as text edits, for diagnostics to carry and code actions to apply.
import type { Fix } from "../source/diagnostic.js";
import type { LineIndex } from "../source/range.js";
import type { CallExpr, Identifier } from "../syntax/ast.js";
import { findParam, type LayerDefinition } from "../layers/layer.js";

/** Sets `keyword=value` on a constructor call: replaces the argument if present, else appends it. */
export function setKeywordFix(lines: LineIndex, call: CallExpr, def: LayerDefinition | undefined, keyword: string, value: string): Fix {
  const param = def ? findParam(def, keyword) : undefined;
  const names = new Set([keyword, ...(param?.aliases ?? [])]);
  const existing = call.args.find((a) => a.keyword && names.has(a.keyword.name));
  const calleeText = lines.text.slice(call.callee.range.start.offset, call.callee.range.end.offset);
  const title = `Set ${keyword}=${value} on ${calleeText}(…)`;
  if (existing) return { title, edits: [{ range: existing.value.range, newText: value }] };
  // Insert just before the closing parenthesis.
  const close = lines.position(call.argsRange.end.offset - 1);
  const newText = call.args.length === 0 ? `${keyword}=${value}` : `, ${keyword}=${value}`;
  const last = call.args[call.args.length - 1];
  const at = last ? last.range.end : close;
  return { title, edits: [{ range: { start: at, end: at }, newText }] };
}

/**
 * Rewrites the names bound by a destructuring assignment to one name per value: a name that equals
 * a value's label goes to that slot, the other names keep their order, and a slot left over gets its
 * label (or `_` when the label is taken).
 */
export function rebindFix(targets: readonly Identifier[], labels: readonly string[], taken: { has(name: string): boolean }): Fix {
  const slots: (string | undefined)[] = labels.map(() => undefined);
  const rest: string[] = [];
  for (const t of targets) {
    const slot = labels.indexOf(t.name);
    if (slot >= 0 && slots[slot] === undefined) slots[slot] = t.name;
    else rest.push(t.name);
  }
  for (let i = 0; i < slots.length && rest.length > 0; i++) if (slots[i] === undefined) slots[i] = rest.shift();
  const used = new Set(slots.filter((s): s is string => s !== undefined));
  const names = slots.map((s, i) => {
    if (s !== undefined) return s;
    const label = labels[i]!;
    const name = taken.has(label) || used.has(label) ? "_" : label;
    used.add(name);
    return name;
  });
  const range = { start: targets[0]!.range.start, end: targets[targets.length - 1]!.range.end };
  return {
    title: `Bind ${labels.length} name${labels.length === 1 ? "" : "s"}: ${names.join(", ")}`,
    edits: [{ range, newText: names.join(", ") }],
  };
}

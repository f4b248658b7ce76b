// Binding weights to a checked model: every layer's arrays, checked against the shapes the checker
// sized, or drawn from the layer's initializers when no file is given. Keyed by layer path: `lstm`,
// `Encoder/lstm` for a layer of a called model (a model called twice is one set of weights, as in
// Keras). Nothing is returned on partial weights: every problem is collected into one error.
import type { CheckedModel, LayerRow, ModelRow } from "../check/program.js";
import { isLayerRow } from "../check/program.js";
import { materialize } from "../layers/initializers.js";
import type { LayerInstance, WeightSpec } from "../layers/layer.js";
import { seedFrom } from "../layers/random.js";
import { closest } from "../source/suggest.js";
import { DataError, formatShape, type TensorData, type WeightSet } from "../types/tensor-data.js";

/** A weights file that does not fit a model: each problem on its own line of the message. */
export class WeightsMismatchError extends DataError {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

/**
 * One set of weights of a model: the rows that use it (a time_distributed row and the row of the
 * layer it wraps share theirs) and every name it may be given under.
 */
interface WeightGroup {
  owner: LayerInstance;
  /** The row whose name Keras saves the weights under: the first wrapper's, else the layer's own. */
  primary: LayerRow;
  /** The primary's name first, then other rows', then wrapped layers' (a tfjs file names them after whichever was built first). */
  names: string[];
  specs: readonly WeightSpec[];
}

interface ModelPlan {
  model: CheckedModel;
  /** Layer groups and called models, in order of first application. */
  items: ({ kind: "layer"; group: WeightGroup } | { kind: "model"; row: ModelRow; plan: ModelPlan })[];
  /** Rows without weights (dropout, concat, …): a file may list them with an empty list. */
  weightless: Set<string>;
}

/**
 * The weights of `model`, by layer path, each list in Keras get_weights() order. With `provided`,
 * every layer with weights must be there with exactly the arrays the checker sized, and nothing
 * else may be; otherwise a WeightsMismatchError lists every problem. Without it, each layer's
 * initializers run, seeded by its path.
 */
export function bindWeights(
  model: CheckedModel,
  models: ReadonlyMap<string, CheckedModel>,
  provided: WeightSet | undefined,
): Map<string, TensorData[]> {
  const plan = planModel(model, models, 0);
  const out = new Map<string, TensorData[]>();
  if (!provided) {
    initialize(plan, "", out);
    return out;
  }
  const problems: string[] = [];
  bindProvided(plan, provided, "", provided.source, out, problems);
  if (problems.length > 0) throw new WeightsMismatchError(problems);
  return out;
}

// ---- the plan ----

function planModel(model: CheckedModel, models: ReadonlyMap<string, CheckedModel>, depth: number): ModelPlan {
  if (depth > 100) throw new Error(`bindWeights: models nested more than 100 deep at ${model.name}`);
  const plan: ModelPlan = { model, items: [], weightless: new Set() };
  const byOwner = new Map<LayerInstance, { group: WeightGroup; rows: LayerRow[] }>();
  for (const row of model.rows) {
    if (!isLayerRow(row)) {
      const called = models.get(row.model);
      if (!called) throw new Error(`bindWeights: model ${row.model} (called from ${model.name}) is not among the checked models`);
      plan.items.push({ kind: "model", row, plan: planModel(called, models, depth + 1) });
      continue;
    }
    if (row.weights.length === 0) {
      plan.weightless.add(row.name);
      continue;
    }
    const owner = weightOwner(row.layer);
    const seen = byOwner.get(owner);
    if (seen) {
      seen.rows.push(row);
      continue;
    }
    const group: WeightGroup = { owner, primary: row, names: [], specs: row.weights };
    byOwner.set(owner, { group, rows: [row] });
    plan.items.push({ kind: "layer", group });
  }
  for (const [owner, { group, rows }] of byOwner) {
    group.primary = rows.find((r) => r.layer !== owner) ?? rows[0]!;
    const names = new Set([group.primary.name]);
    for (const r of rows) names.add(r.name);
    // The layers a wrapper wraps, down to the owner: a tfjs file may name the weights after one of them.
    for (const r of rows) {
      for (let l = r.layer; l !== owner;) {
        l = l.def.weightOwner!(l);
        if (l.name !== undefined) names.add(l.name);
      }
    }
    group.names = [...names];
  }
  return plan;
}

/** The layer that holds a layer's weights: itself, or, through wrappers, the innermost wrapped layer. */
function weightOwner(layer: LayerInstance): LayerInstance {
  let l = layer;
  while (l.def.weightOwner) l = l.def.weightOwner(l);
  return l;
}

/** One array of a called model's flat list. */
interface FlatSlot {
  /** The path prefix of the group's model: `Encoder/`. */
  prefix: string;
  group: WeightGroup;
  /** The weight's index in its layer's list. */
  index: number;
}

/** Each weight of a model once, in its order (a called model's flattened in): the flat-list form. */
function flatSlots(plan: ModelPlan, prefix: string): FlatSlot[] {
  const slots: FlatSlot[] = [];
  for (const item of plan.items) {
    if (item.kind === "model") slots.push(...flatSlots(item.plan, `${prefix}${item.row.name}/`));
    else item.group.specs.forEach((_, index) => slots.push({ prefix, group: item.group, index }));
  }
  return slots;
}

function setGroup(out: Map<string, TensorData[]>, prefix: string, group: WeightGroup, values: TensorData[]): void {
  for (const name of group.names) out.set(prefix + name, values);
}

// ---- without a file: the initializers ----

function initialize(plan: ModelPlan, prefix: string, out: Map<string, TensorData[]>): void {
  for (const item of plan.items) {
    if (item.kind === "model") {
      initialize(item.plan, `${prefix}${item.row.name}/`, out);
      continue;
    }
    const { primary, owner, specs } = item.group;
    const path = prefix + primary.name;
    const seed = seedFrom(path);
    const layer = primary.layer;
    let values: TensorData[];
    if (layer.def.initialWeights && layer.built) {
      values = layer.def.initialWeights(layer.config, layer.built.input, seed);
    } else if (owner.def.initialWeights && owner.built) {
      values = owner.def.initialWeights(owner.config, owner.built.input, seed);
    } else {
      // A layer definition without initialWeights yet: zeros of the right shapes, so that lowering
      // and running work end to end. Every layer file is to implement its initializers.
      values = specs.map((w) => ({ shape: [...w.shape], data: materialize({ kind: "zeros" }, w.shape, seed) }));
    }
    const wrong = values.length !== specs.length ? 0 : specs.findIndex((w, i) => formatShape(w.shape) !== formatShape(values[i]!.shape));
    if (values.length !== specs.length || wrong >= 0) {
      throw new Error(
        `${layer.def.name}.initialWeights for ${path} gave ${values.map((v) => formatShape(v.shape)).join(", ")}; expected ${describeSpecs(specs)}`,
      );
    }
    setGroup(out, prefix, item.group, values);
  }
}

// ---- with a file ----

function bindProvided(
  plan: ModelPlan,
  provided: WeightSet,
  prefix: string,
  source: string,
  out: Map<string, TensorData[]>,
  problems: string[],
): void {
  const at = (name: string) => `${source}: layer "${prefix}${name}"`;
  /** Names the file may use for weights: layers with weights (and their aliases), called models. */
  const known = new Set<string>();
  const missing: string[] = [];
  for (const item of plan.items) {
    if (item.kind === "model") {
      const name = item.row.name;
      known.add(name);
      const value = provided.layers.get(name);
      const slots = flatSlots(item.plan, `${prefix}${name}/`);
      if (value === undefined) {
        if (slots.length > 0) {
          missing.push(name);
          problems.push(`${source}: model "${prefix}${name}" is missing (its layers with weights: ${layerList(item.plan)})`);
        }
      } else if (Array.isArray(value)) {
        bindFlat(item.plan, name, value, `${prefix}${name}/`, slots, source, out, problems);
      } else {
        bindProvided(item.plan, value, `${prefix}${name}/`, source, out, problems);
      }
      continue;
    }
    const group = item.group;
    for (const n of group.names) known.add(n);
    const given = group.names.filter((n) => provided.layers.has(n));
    if (given.length === 0) {
      missing.push(group.primary.name);
      const also =
        group.names.length > 1
          ? `; it may also be given as ${group.names
              .slice(1)
              .map((n) => `"${n}"`)
              .join(" or ")}`
          : "";
      problems.push(`${at(group.primary.name)} is missing (expected ${describeSpecs(group.specs)}${also})`);
      continue;
    }
    let bound: TensorData[] | undefined;
    for (const name of given) {
      const value = provided.layers.get(name)!;
      if (!Array.isArray(value)) {
        problems.push(
          `${at(name)}: expected a list of ${arrays(group.specs.length)} (${describeSpecs(group.specs)}), found an object of layers (a called model's weights)`,
        );
        continue;
      }
      if (!checkList(value, group.specs, at(name), problems)) continue;
      if (bound === undefined) bound = value;
      else if (!sameValues(bound, value)) {
        problems.push(
          `${at(name)} and "${prefix}${given[0]}" share one set of weights (time_distributed wraps the layer), but the file gives them different values`,
        );
      }
    }
    if (bound) setGroup(out, prefix, group, bound);
  }
  const expected = plan.items.map((item) => (item.kind === "model" ? item.row.name : item.group.primary.name));
  for (const [name, value] of provided.layers) {
    if (known.has(name)) continue;
    // `{l.name: l.get_weights() for l in model.layers}` lists weightless layers and input layers with [].
    const isInput = plan.model.inputs.some((i) => i.name === name);
    if (plan.weightless.has(name) || isInput) {
      if (Array.isArray(value) && value.length === 0) continue;
      const what = isInput ? "is an input of the model, not a layer: it has no weights" : "has no weights";
      problems.push(`${at(name)} ${what}, found ${Array.isArray(value) ? arrays(value.length) : "an object of layers"}`);
      continue;
    }
    const guess = closest(name, missing);
    const list = expected.length > 0 ? `its layers with weights: ${expected.join(", ")}` : "it has no layers with weights";
    problems.push(`${at(name)} is not in model ${plan.model.name} (${list})${guess ? `; did you mean "${guess}"?` : ""}`);
  }
}

/** A called model's weights as one flat list: split in its order. */
function bindFlat(
  plan: ModelPlan,
  name: string,
  value: TensorData[],
  prefix: string,
  slots: FlatSlot[],
  source: string,
  out: Map<string, TensorData[]>,
  problems: string[],
): void {
  if (value.length !== slots.length) {
    problems.push(
      `${source}: model "${prefix.slice(0, -1)}": its flat list should hold ${arrays(slots.length)} (${flatDescription(plan)}), found ${value.length}${
        value.length > 0 ? `: ${value.map((v) => formatShape(v.shape)).join(", ")}` : ""
      }`,
    );
    return;
  }
  let ok = true;
  const lists = new Map<WeightGroup, { prefix: string; values: TensorData[] }>();
  slots.forEach((slot, i) => {
    const spec = slot.group.specs[slot.index]!;
    const found = value[i]!;
    if (formatShape(found.shape) !== formatShape(spec.shape)) {
      ok = false;
      problems.push(
        `${source}: layer "${slot.prefix}${slot.group.primary.name}": weight ${slot.index} (${spec.name}) should be ${formatShape(spec.shape)}, found ${formatShape(found.shape)} (array ${i} of ${name}'s flat list)`,
      );
    }
    const entry = lists.get(slot.group) ?? { prefix: slot.prefix, values: [] };
    entry.values.push(found);
    lists.set(slot.group, entry);
  });
  if (!ok) return;
  for (const [group, { prefix: groupPrefix, values }] of lists) setGroup(out, groupPrefix, group, values);
}

/** Checks a layer's list against its specs; false (with problems recorded) when it does not fit. */
function checkList(value: TensorData[], specs: readonly WeightSpec[], at: string, problems: string[]): boolean {
  if (value.length !== specs.length) {
    problems.push(
      `${at}: expected ${arrays(specs.length)} (${describeSpecs(specs)}), found ${value.length}${
        value.length > 0 ? `: ${value.map((v) => formatShape(v.shape)).join(", ")}` : ""
      }`,
    );
    return false;
  }
  let ok = true;
  specs.forEach((spec, i) => {
    const found = value[i]!.shape;
    if (formatShape(found) !== formatShape(spec.shape)) {
      problems.push(`${at}: weight ${i} (${spec.name}) should be ${formatShape(spec.shape)}, found ${formatShape(found)}`);
      ok = false;
    }
  });
  return ok;
}

function sameValues(a: TensorData[], b: TensorData[]): boolean {
  return a.every((t, i) => {
    const u = b[i]!;
    if (t.data.length !== u.data.length) return false;
    for (let j = 0; j < t.data.length; j++) if (t.data[j] !== u.data[j]) return false;
    return true;
  });
}

function describeSpecs(specs: readonly WeightSpec[]): string {
  return specs.map((w) => `${w.name} ${formatShape(w.shape)}`).join(", ");
}

function layerList(plan: ModelPlan): string {
  return plan.items.map((item) => (item.kind === "model" ? item.row.name : item.group.primary.name)).join(", ");
}

function flatDescription(plan: ModelPlan, prefix = ""): string {
  return plan.items
    .map((item) =>
      item.kind === "model"
        ? flatDescription(item.plan, `${prefix}${item.row.name}/`)
        : `${prefix}${item.group.primary.name}: ${describeSpecs(item.group.specs)}`,
    )
    .filter(Boolean)
    .join("; ");
}

function arrays(n: number): string {
  return n === 1 ? "1 array" : `${n} arrays`;
}

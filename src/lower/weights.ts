// Binding weights to a checked model: every layer's arrays, checked against the shapes the checker
// sized, or drawn from the layer's initializers when no file is given. Keyed by layer path: `lstm`,
// `Encoder/lstm` for a layer of a called model (a model called twice is one set of weights, as in
// Keras). Nothing is returned on partial weights: every problem is collected into one error.
// Two halves: planning (from the checked model, at compile time) gives a WeightPlan of plain data;
// binding a weights object against a plan (bindPlannedWeights) needs nothing else, so a compiled
// module (src/emit) carries the plan and runs the same binder.
import { echo } from "../source/echo.js";
import type { CheckedModel, LayerRow } from "../check/program.js";
import { isLayerRow } from "../check/program.js";
import type { LayerInstance, WeightSpec } from "../layers/layer.js";
import { seedFrom } from "../layers/random.js";
import { realizeWeight, type WeightRecipe } from "../layers/weight-recipe.js";
import { closest } from "../source/suggest.js";
import { DataError, formatShape, type TensorData, type WeightSet } from "../types/tensor-data.js";
import type { TensorType } from "../types/types.js";

/** A weights file that does not fit a model: each problem on its own line of the message. */
export class WeightsMismatchError extends DataError {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

/**
 * The weights a model takes, as plain data (JSON-safe): what a weights object is checked against.
 * bindWeights plans one from the checked model; a compiled module (src/emit) carries one as a
 * literal and binds its user's weights with `bindPlannedWeights`, so both give the same messages.
 */
export interface WeightPlan {
  /** The model's name and its inputs' names, for messages (a file may list inputs with []). */
  model: string;
  inputs: string[];
  /** Layer groups and called models, in order of first application. */
  items: WeightPlanItem[];
  /** Rows without weights (dropout, concat, …): a file may list them with an empty list. */
  weightless: string[];
}

export type WeightPlanItem = WeightGroup | { kind: "model"; name: string; plan: WeightPlan };

/**
 * One set of weights of a model: the rows that use it (a time_distributed row and the row of the
 * layer it wraps share theirs) and every name it may be given under.
 */
export interface WeightGroup {
  kind: "layer";
  /**
   * The primary's name first — the row whose name Keras saves the weights under: the first
   * wrapper's, else the layer's own — then other rows', then wrapped layers' (a tfjs file names
   * them after whichever was built first).
   */
  names: string[];
  specs: WeightSpec[];
}

/**
 * One set of a model's starting weights, as data: the recipe of each weight (weight-recipe.ts) and
 * every path it is bound under. The interpreter realizes these; a compiled module carries them as a
 * literal and realizes them with the same function (realizeInitialWeights) at create() time.
 */
export interface InitialGroupRecipe {
  /** Every path the group's weights are bound under: the model's prefix and each of its names. */
  paths: string[];
  weights: WeightRecipe[];
}

/** The compile-time side of a group: the layer whose initializers make its starting values, with its input. */
type GroupSources = Map<WeightGroup, { layer: LayerInstance; input: TensorType }>;

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
  if (!provided) return realizeInitialWeights(initialRecipes(model, models));
  return bindPlannedWeights(planWeights(model, models), provided);
}

/**
 * Binds `provided` against a plan: the runtime half of bindWeights, plain data in and out (a compiled
 * module runs it). Throws a WeightsMismatchError listing every problem.
 */
export function bindPlannedWeights(plan: WeightPlan, provided: WeightSet): Map<string, TensorData[]> {
  const out = new Map<string, TensorData[]>();
  const problems: string[] = [];
  bindProvided(plan, provided, "", provided.source, out, problems);
  if (problems.length > 0) throw new WeightsMismatchError(problems);
  return out;
}

// ---- the plan (compile time) ----

/** The weight plan of a model that checked clean. */
export function planWeights(model: CheckedModel, models: ReadonlyMap<string, CheckedModel>): WeightPlan {
  return planModel(model, models, 0, new Map());
}

/**
 * The recipes of `model`'s starting weights, one group per set of weights in plan order: each
 * layer's `initialWeights`, seeded by its primary row's path (a called model's layers under its prefix).
 */
export function initialRecipes(model: CheckedModel, models: ReadonlyMap<string, CheckedModel>): InitialGroupRecipe[] {
  const sources: GroupSources = new Map();
  const groups: InitialGroupRecipe[] = [];
  const walk = (plan: WeightPlan, prefix: string): void => {
    for (const item of plan.items) {
      if (item.kind === "model") {
        walk(item.plan, `${prefix}${item.name}/`);
        continue;
      }
      const seedPath = prefix + item.names[0]!;
      const { layer, input } = sources.get(item)!;
      const weights = layer.def.initialWeights(layer.config, input, seedFrom(seedPath));
      const shapes = weights.map((w) => formatShape(w.shape));
      if (shapes.length !== item.specs.length || item.specs.some((w, i) => formatShape(w.shape) !== shapes[i])) {
        throw new Error(
          `${layer.def.name}.initialWeights for ${seedPath} gave ${shapes.join(", ")}; expected ${describeSpecs(item.specs)}`,
        );
      }
      groups.push({ paths: item.names.map((n) => prefix + n), weights });
    }
  };
  walk(planModel(model, models, 0, sources), "");
  return groups;
}

/** The starting weights the recipes describe, by layer path (each group's list under all its paths). */
export function realizeInitialWeights(groups: readonly InitialGroupRecipe[]): Map<string, TensorData[]> {
  const out = new Map<string, TensorData[]>();
  for (const group of groups) {
    const values = group.weights.map(realizeWeight);
    for (const path of group.paths) out.set(path, values);
  }
  return out;
}

function planModel(model: CheckedModel, models: ReadonlyMap<string, CheckedModel>, depth: number, sources: GroupSources): WeightPlan {
  if (depth > 100) throw new Error(`bindWeights: models nested more than 100 deep at ${model.name}`);
  const plan: WeightPlan = { model: model.name, inputs: model.inputs.map((i) => i.name), items: [], weightless: [] };
  const weightless = new Set<string>();
  const byOwner = new Map<LayerInstance, { group: WeightGroup; rows: LayerRow[] }>();
  for (const row of model.rows) {
    if (!isLayerRow(row)) {
      const called = models.get(row.model);
      if (!called) throw new Error(`bindWeights: model ${row.model} (called from ${model.name}) is not among the checked models`);
      plan.items.push({ kind: "model", name: row.name, plan: planModel(called, models, depth + 1, sources) });
      continue;
    }
    if (row.weights.length === 0) {
      weightless.add(row.name);
      continue;
    }
    const owner = weightOwner(row.layer);
    const seen = byOwner.get(owner);
    if (seen) {
      seen.rows.push(row);
      continue;
    }
    const group: WeightGroup = { kind: "layer", names: [], specs: row.weights.map((w) => ({ name: w.name, shape: [...w.shape] })) };
    byOwner.set(owner, { group, rows: [row] });
    plan.items.push(group);
  }
  plan.weightless = [...weightless];
  for (const [owner, { group, rows }] of byOwner) {
    const primary = rows.find((r) => r.layer !== owner) ?? rows[0]!;
    const names = new Set([primary.name]);
    for (const r of rows) names.add(r.name);
    // The layers a wrapper wraps, down to the owner: a tfjs file may name the weights after one of them.
    for (const r of rows) {
      for (let l = r.layer; l !== owner;) {
        l = l.def.weightOwner!(l);
        if (l.name !== undefined) names.add(l.name);
      }
    }
    group.names = [...names];
    // The primary row's layer makes the recipe (a wrapper's delegates to the layer it wraps).
    const built = primary.layer.built;
    if (!built) throw new Error(`bindWeights: layer ${primary.name} of ${model.name} was never applied`); // rows are applications
    sources.set(group, { layer: primary.layer, input: built.input });
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
function flatSlots(plan: WeightPlan, prefix: string): FlatSlot[] {
  const slots: FlatSlot[] = [];
  for (const item of plan.items) {
    if (item.kind === "model") slots.push(...flatSlots(item.plan, `${prefix}${item.name}/`));
    else item.specs.forEach((_, index) => slots.push({ prefix, group: item, index }));
  }
  return slots;
}

function setGroup(out: Map<string, TensorData[]>, prefix: string, group: WeightGroup, values: TensorData[]): void {
  for (const name of group.names) out.set(prefix + name, values);
}

/** The name a group's weights are saved under. */
function primaryName(group: WeightGroup): string {
  return group.names[0]!;
}

// ---- with a file ----

function bindProvided(
  plan: WeightPlan,
  provided: WeightSet,
  prefix: string,
  source: string,
  out: Map<string, TensorData[]>,
  problems: string[],
): void {
  const at = (name: string) => `${source}: layer "${echo(prefix + name)}"`;
  /** Names the file may use for weights: layers with weights (and their aliases), called models. */
  const known = new Set<string>();
  const missing: string[] = [];
  for (const item of plan.items) {
    if (item.kind === "model") {
      const name = item.name;
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
    const group = item;
    for (const n of group.names) known.add(n);
    const given = group.names.filter((n) => provided.layers.has(n));
    if (given.length === 0) {
      missing.push(primaryName(group));
      const also =
        group.names.length > 1
          ? `; it may also be given as ${group.names
              .slice(1)
              .map((n) => `"${n}"`)
              .join(" or ")}`
          : "";
      problems.push(`${at(primaryName(group))} is missing (expected ${describeSpecs(group.specs)}${also})`);
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
  const expected = plan.items.map((item) => (item.kind === "model" ? item.name : primaryName(item)));
  for (const [name, value] of provided.layers) {
    if (known.has(name)) continue;
    // `{l.name: l.get_weights() for l in model.layers}` lists weightless layers and input layers with [].
    const isInput = plan.inputs.includes(name);
    if (plan.weightless.includes(name) || isInput) {
      if (Array.isArray(value) && value.length === 0) continue;
      const what = isInput ? "is an input of the model, not a layer: it has no weights" : "has no weights";
      problems.push(`${at(name)} ${what}, found ${Array.isArray(value) ? arrays(value.length) : "an object of layers"}`);
      continue;
    }
    const guess = closest(name, missing);
    const list = expected.length > 0 ? `its layers with weights: ${expected.join(", ")}` : "it has no layers with weights";
    problems.push(`${at(name)} is not in model ${plan.model} (${list})${guess ? `; did you mean "${guess}"?` : ""}`);
  }
}

/** A called model's weights as one flat list: split in its order. */
function bindFlat(
  plan: WeightPlan,
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
        `${source}: layer "${slot.prefix}${primaryName(slot.group)}": weight ${slot.index} (${spec.name}) should be ${formatShape(spec.shape)}, found ${formatShape(found.shape)} (array ${i} of ${name}'s flat list)`,
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

function layerList(plan: WeightPlan): string {
  return plan.items.map((item) => (item.kind === "model" ? item.name : primaryName(item))).join(", ");
}

function flatDescription(plan: WeightPlan, prefix = ""): string {
  return plan.items
    .map((item) =>
      item.kind === "model"
        ? flatDescription(item.plan, `${prefix}${item.name}/`)
        : `${prefix}${primaryName(item)}: ${describeSpecs(item.specs)}`,
    )
    .filter(Boolean)
    .join("; ");
}

function arrays(n: number): string {
  return n === 1 ? "1 array" : `${n} arrays`;
}

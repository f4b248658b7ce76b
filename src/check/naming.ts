// Naming within one model: its bindings (each assignment binds anew; a name means its latest binding)
// and its layers' names as Keras gives them, so that weights files match by name: `name=`, else the
// next automatic name of the layer's class (`lstm`, `lstm_1`, …), which binding the layer to a name
// later replaces. Wrapped layers use up their automatic name too, as in a Keras export.
import type { LayerInstance } from "../layers/layer.js";
import type { Binding } from "./program.js";

/** The bindings of one model's body, in order; a rebinding replaces its name's binding from there on. */
export class Scope<B extends Binding & { used: boolean }> {
  private readonly current = new Map<string, B>();
  /** Every binding, inputs first, in order (a rebinding is a new one). */
  readonly all: B[] = [];
  /** Bindings replaced by a rebinding of their name before anything read them. */
  private readonly shadowed: B[] = [];

  bind(binding: B): void {
    const previous = this.current.get(binding.name);
    if (previous && !previous.used) this.shadowed.push(previous);
    this.current.set(binding.name, binding);
    this.all.push(binding);
  }

  /** The latest binding of a name. */
  get(name: string): B | undefined {
    return this.current.get(name);
  }

  names(): string[] {
    return [...this.current.keys()];
  }

  /** Whether a name is bound (without copying the names, as `names()` does). */
  has(name: string): boolean {
    return this.current.has(name);
  }

  /** The bindings nothing read: the rebound ones, then the current ones. */
  unused(): B[] {
    return [...this.shadowed, ...this.current.values()].filter((b) => !b.used);
  }
}

export class LayerNames {
  private readonly taken = new Set<string>();
  private readonly autoCounts = new Map<string, number>();

  /** Names a layer when it is built; false when its `name=` is already another layer's (the caller reports it). */
  atBuild(layer: LayerInstance): boolean {
    if (layer.def.innerAutoName !== undefined) this.auto(layer.def.innerAutoName);
    if (layer.explicitName === undefined) {
      layer.name = this.auto(layer.def.autoName);
      return true;
    }
    const unique = !this.taken.has(layer.explicitName);
    this.taken.add(layer.explicitName);
    layer.name = layer.explicitName;
    return unique;
  }

  /** The first name a layer is bound to becomes its name, unless `name=` gave one or another layer has it. */
  atBinding(layer: LayerInstance, bindingName: string): void {
    if (layer.boundName !== undefined) return;
    layer.boundName = bindingName;
    if (layer.explicitName === undefined && !this.taken.has(bindingName)) {
      this.taken.add(bindingName);
      layer.name = bindingName;
    }
  }

  private auto(base: string): string {
    let n = this.autoCounts.get(base) ?? 0;
    let name = n === 0 ? base : `${base}_${n}`;
    while (this.taken.has(name)) name = `${base}_${++n}`;
    this.autoCounts.set(base, n + 1);
    this.taken.add(name);
    return name;
  }
}

// Layer names within one model, as Keras gives them, so that weights files match by name: `name=`,
// else the next automatic name of the layer's class (`lstm`, `lstm_1`, …), which binding the layer
// to a name later replaces. Wrapped layers use up their automatic name too, as in a Keras export.
import type { LayerInstance } from "../layers/layer.js";

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

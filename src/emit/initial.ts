// How a compiled module makes a model's starting weights at create() time: each layer's
// `initialWeights` written down as data — which initializer fills which run of which weight, with
// which derived seed — so that the module draws them with rnnc's own `materialize`. The recipes
// mirror the layer files' initialWeights (test/emit checks them bit for bit against the interpreter's
// values on every example and many random models); a layer they do not cover has its starting values
// computed here and embedded, so that a compiled model always starts where the interpreter does.
import type { CheckedModel } from "../check/program.js";
import { bidirectionalLayer, bigruLayer, bilstmLayer, birnnLayer, type BidirectionalConfig } from "../layers/bidirectional.js";
import { denseLayer, type DenseConfig } from "../layers/dense.js";
import { embeddingLayer, type EmbeddingConfig } from "../layers/embedding.js";
import { materialize, type Initializer } from "../layers/initializers.js";
import type { LayerInstance } from "../layers/layer.js";
import { deriveSeed, seedFrom } from "../layers/random.js";
import { CELLS, cellWeights, type RecurrentConfig } from "../layers/recurrent.js";
import { timeDistributedLayer, type TimeDistributedConfig } from "../layers/time-distributed.js";
import { initialGroups } from "../lower/weights.js";
import { sizeOf, type TensorData } from "../types/tensor-data.js";
import type { TensorType } from "../types/types.js";
import type { InitialGroupRecipe, InitialPart } from "./runtime.js";

type WeightRecipe = InitialGroupRecipe["weights"][number];

/**
 * The recipes of every group of `model`'s weights. With `check` (the interpreter's starting weights,
 * by path), a recipe that does not reproduce its group's values exactly is replaced by those values.
 */
export function initialRecipes(
  model: CheckedModel,
  models: ReadonlyMap<string, CheckedModel>,
  check?: ReadonlyMap<string, TensorData[]>,
): { groups: InitialGroupRecipe[]; embedded: string[] } {
  const embedded: string[] = [];
  const groups = initialGroups(model, models).map((group) => {
    const seed = seedFrom(group.seedPath);
    const { source } = group;
    let weights = source
      ? recipeOf(source.layer, source.input, seed)
      : group.specs.map((w) => ({ shape: [...w.shape], parts: [{ init: { kind: "zeros" } as Initializer, shape: [...w.shape], seed }] }));
    const expected = check?.get(group.paths[0]!);
    if (!weights || (expected && !reproduces(weights, expected))) {
      embedded.push(group.seedPath);
      const values = expected ?? source!.layer.def.initialWeights!(source!.layer.config, source!.input, seed);
      weights = values.map((t) => ({
        shape: [...t.shape],
        parts: [{ base64: encodeFloats(t.data as Float32Array), length: t.data.length }],
      }));
    }
    return { paths: group.paths, weights };
  });
  return { groups, embedded };
}

/** The recipe of a layer's initialWeights(config, input, seed), or undefined for a layer it does not know. */
function recipeOf(layer: LayerInstance, input: TensorType, seed: number): WeightRecipe[] | undefined {
  const def = layer.def;
  if (def.recurrent && isRecurrentConfig(layer.config)) return cellRecipe(layer.config, input.dims[2] as number, seed);
  if (def === bidirectionalLayer || def === birnnLayer || def === bigruLayer || def === bilstmLayer) {
    const config = (layer.config as BidirectionalConfig).recurrent;
    const features = input.dims[2] as number;
    return [...cellRecipe(config, features, deriveSeed(seed, "forward")), ...cellRecipe(config, features, deriveSeed(seed, "backward"))];
  }
  if (def === denseLayer) {
    const config = layer.config as DenseConfig;
    const kernel = [input.dims[input.dims.length - 1] as number, config.units];
    const weights = [drawn(config.kernelInitializer, kernel, deriveSeed(seed, "kernel"))];
    if (config.useBias) weights.push(drawn(config.biasInitializer, [config.units], deriveSeed(seed, "bias")));
    return weights;
  }
  if (def === embeddingLayer) {
    const config = layer.config as EmbeddingConfig;
    return [drawn(config.initializer, [config.vocab, config.dim], deriveSeed(seed, "embeddings"))];
  }
  if (def === timeDistributedLayer) {
    // The wrapped layer's initializers, on one step: [B, T, ...] → [B, ...].
    const inner = (layer.config as TimeDistributedConfig).inner;
    return recipeOf(inner, { ...input, dims: [input.dims[0]!, ...input.dims.slice(2)] }, seed);
  }
  return undefined;
}

function isRecurrentConfig(config: unknown): config is RecurrentConfig {
  return typeof config === "object" && config !== null && "cell" in config && "kernelInitializer" in config;
}

/** initialCellWeights: kernel, recurrent kernel, bias (an LSTM's with unit_forget_bias: init(u) ++ ones(u) ++ init(2u)). */
function cellRecipe(config: RecurrentConfig, features: number, seed: number): WeightRecipe[] {
  const spec = CELLS[config.cell];
  const [kernel, recurrentKernel, bias] = cellWeights(spec, config, features);
  const weights = [
    drawn(config.kernelInitializer, [...kernel!.shape], deriveSeed(seed, "kernel")),
    drawn(config.recurrentInitializer, [...recurrentKernel!.shape], deriveSeed(seed, "recurrent_kernel")),
  ];
  if (bias) {
    const biasSeed = deriveSeed(seed, "bias");
    const u = config.units;
    if (spec.kind === "lstm" && config.unitForgetBias) {
      weights.push({
        shape: [4 * u],
        parts: [
          { init: config.biasInitializer, shape: [u], seed: biasSeed },
          { fill: 1, length: u },
          { init: config.biasInitializer, shape: [2 * u], seed: deriveSeed(biasSeed, "rest") },
        ],
      });
    } else {
      weights.push(drawn(config.biasInitializer, [...bias.shape], biasSeed));
    }
  }
  return weights;
}

function drawn(init: Initializer, shape: number[], seed: number): WeightRecipe {
  return { shape, parts: [{ init, shape, seed }] };
}

/** Whether the recipes give exactly these values (same shapes, same bits). */
function reproduces(recipes: readonly WeightRecipe[], expected: readonly TensorData[]): boolean {
  if (recipes.length !== expected.length) return false;
  return recipes.every((recipe, i) => {
    const want = expected[i]!;
    if (recipe.shape.join(",") !== want.shape.join(",")) return false;
    const got = realize(recipe);
    if (got.length !== want.data.length) return false;
    for (let j = 0; j < got.length; j++) if (!Object.is(got[j], want.data[j])) return false;
    return true;
  });
}

/** What the runtime makes of a recipe (runtime.ts's initialWeights, for one weight). */
function realize(recipe: WeightRecipe): Float32Array {
  const out = new Float32Array(sizeOf(recipe.shape));
  let at = 0;
  for (const part of recipe.parts as InitialPart[]) {
    if ("init" in part) {
      const values = materialize(part.init, part.shape, part.seed);
      if (at + values.length > out.length) return new Float32Array(0);
      out.set(values, at);
      at += values.length;
    } else if ("fill" in part) {
      out.fill(part.fill, at, at + part.length);
      at += part.length;
    } else {
      return new Float32Array(0);
    }
  }
  return at === out.length ? out : new Float32Array(0);
}

function encodeFloats(data: Float32Array): string {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

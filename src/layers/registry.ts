// Every layer the language knows, by its DSL name and aliases. Adding a layer: a file, and a line here.
import { addLayer } from "./add.js";
import { bidirectionalLayer, bigruLayer, bilstmLayer, birnnLayer } from "./bidirectional.js";
import { concatLayer } from "./concat.js";
import { denseLayer } from "./dense.js";
import { dropoutLayer } from "./dropout.js";
import { embeddingLayer } from "./embedding.js";
import { gruLayer } from "./gru.js";
import type { LayerDefinition } from "./layer.js";
import { lstmLayer } from "./lstm.js";
import { repeatVectorLayer } from "./repeat-vector.js";
import { simpleRnnLayer } from "./simple-rnn.js";
import { timeDistributedLayer } from "./time-distributed.js";
// layers-a
import { activationLayer } from "./activation.js";
import { conv1dLayer } from "./conv1d.js";
import { flattenLayer } from "./flatten.js";
import { globalAvgPool1dLayer, globalMaxPool1dLayer } from "./global-pooling.js";
import { layerNormLayer } from "./layer-norm.js";
import { maskingLayer } from "./masking.js";
// layers-b
import { attentionLayer } from "./attention.js";
import { additiveAttentionLayer } from "./additive-attention.js";
import { multiplyLayer } from "./multiply.js";
import { averageLayer } from "./average.js";
import { maximumLayer } from "./maximum.js";

// Each definition is generic in its own config; the registry holds them side by side.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyLayerDefinition = LayerDefinition<any>;

export const LAYERS: readonly AnyLayerDefinition[] = [
  simpleRnnLayer,
  gruLayer,
  lstmLayer,
  bidirectionalLayer,
  birnnLayer,
  bigruLayer,
  bilstmLayer,
  denseLayer,
  embeddingLayer,
  dropoutLayer,
  timeDistributedLayer,
  repeatVectorLayer,
  concatLayer,
  addLayer,
  // layers-a
  maskingLayer,
  activationLayer,
  layerNormLayer,
  conv1dLayer,
  globalAvgPool1dLayer,
  globalMaxPool1dLayer,
  flattenLayer,
  // attention and the element-wise merges (layers-b)
  attentionLayer,
  additiveAttentionLayer,
  multiplyLayer,
  averageLayer,
  maximumLayer,
];

// Canonical names first, so that "did you mean" prefers them to aliases.
const byName = new Map<string, AnyLayerDefinition>();
for (const def of LAYERS) byName.set(def.name, def);
for (const def of LAYERS) for (const alias of def.aliases ?? []) byName.set(alias, def);

export function findLayer(name: string): AnyLayerDefinition | undefined {
  return byName.get(name);
}

/** Every name a layer can be called by, for "did you mean" and completion. */
export function layerNames(): string[] {
  return [...byName.keys()];
}

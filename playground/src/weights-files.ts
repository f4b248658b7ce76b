// Weights from files the user picked or dropped: one weights file (Keras get_weights() JSON, .keras,
// .h5, .weights.h5) or a TensorFlow.js model.json with its .bin shards, read by the library's
// weightsFromBytes exactly as `rnnc run --weights` reads them.
import { DataError, kerasStructure, weightsFromBytes, type CheckedFile, type WeightSet } from "../../src/index.js";

export interface PickedWeights {
  /** What the user picked, for the label. */
  name: string;
  /** The weights for the current source and model (the structure a .weights.h5 maps by comes from them). */
  read(checked: CheckedFile, model: string): WeightSet;
}

export async function pickWeights(files: readonly File[]): Promise<PickedWeights> {
  const read = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  const shards = new Map(read.filter((f) => f.name.endsWith(".bin")).map((f) => [f.name, f.bytes]));
  const main = read.filter((f) => !f.name.endsWith(".bin"));
  if (main.length !== 1) {
    throw new DataError(
      `pick one weights file (and a model.json's .bin shards), not ${main.length === 0 ? "only shards" : main.map((f) => f.name).join(", ")}`,
    );
  }
  const { name, bytes } = main[0]!;
  const openShard = (path: string): Uint8Array => {
    const shard = shards.get(path.split("/").pop() ?? path);
    if (!shard) throw new DataError(`${name}: names the shard "${path}"; drop it together with the model.json`);
    return shard;
  };
  return {
    name: shards.size > 0 ? `${name} + ${shards.size} shard${shards.size === 1 ? "" : "s"}` : name,
    read: (checked, model) => weightsFromBytes(bytes, { source: name, openShard, structure: kerasStructure(checked, model) }),
  };
}

// The tfjs-layers model of a workload, with the workload's Keras weights set. Shared by the tfjs
// engine and the cross-check. tfjs-layers' defaults differ from Keras (KERAS-SEMANTICS.md §4): the
// recurrent activation is set to sigmoid explicitly, and the initializers to zeros (the weights are
// set afterwards; tfjs's orthogonal initializer on a 512×2048 matrix would take very long).
// tfjs-layers cannot build GRU reset_after=true (it throws), so a GRU is built with resetAfter=false
// and bias [3u] = the Keras input-bias row: the same matmuls, not quite the same formula.

/** Returns `{ model, gruResetAfter }`. */
export function tfjsModel(tf, wl, kase) {
  const options = {
    units: wl.units,
    returnSequences: wl.seq,
    returnState: wl.state,
    recurrentActivation: "sigmoid",
    kernelInitializer: "zeros",
    recurrentInitializer: "zeros",
    biasInitializer: "zeros",
  };
  const cell = wl.cell === "lstm" ? tf.layers.lstm(options) : tf.layers.gru(options);
  const layer = wl.bidirectional ? tf.layers.bidirectional({ layer: cell, mergeMode: "concat" }) : cell;
  const input = tf.input({ batchShape: [wl.B, wl.T, wl.F] });
  const out = layer.apply(input);
  const model = tf.model({ inputs: input, outputs: out });
  const weights = [];
  for (const d of kase.directions) {
    const bias = wl.cell === "gru" ? { shape: [d.bias.shape[1]], data: d.bias.data.subarray(0, d.bias.shape[1]) } : d.bias;
    for (const w of [d.kernel, d.recurrent, bias]) weights.push(tf.tensor(w.data, w.shape, "float32"));
  }
  layer.setWeights(weights);
  tf.dispose(weights);
  return { model, gruResetAfter: wl.cell !== "gru" };
}

/**
 * The timed call: input tensor from the Float32Array, `model.predict` (one batch of B: predict's
 * default batchSize 32 would split L's 64 rows), `dataSync()` of every output, dispose.
 */
export function tfjsRunner(tf, wl, kase, model) {
  const { data, shape } = kase.x;
  return () => {
    const result = tf.tidy(() => model.predict(tf.tensor(data, shape, "float32"), { batchSize: wl.B }));
    const list = Array.isArray(result) ? result : [result];
    const outs = list.map((t) => ({ shape: t.shape, data: t.dataSync() }));
    tf.dispose(list);
    return outs;
  };
}

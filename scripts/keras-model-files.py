#!/usr/bin/env python3
"""Model-file fixtures from real Keras 3: test/fixtures/model-files/keras/<case>.{keras,h5,weights.h5,json}.

Each case is one of scripts/keras-fixtures.py's (its .rnn source names the layers as Keras does, its
weights are seeded random values) or one of the cases below (stacked layers, a nested model, a shared
layer). Keras saves the model three ways — `model.save("x.keras")`, the legacy `model.save("x.h5")`
and `model.save_weights("x.weights.h5")` — and the JSON holds the source, the inputs and Keras's
predictions. For two cases it also writes `<case>.keras2-layout.h5`: the same weights in the Keras 2
`.h5` layout (see KERAS2_CASES). test/model-files/ reads these through `--weights` and compares at
the case's tolerance.

Run from the repository root with the venv of test/fixtures/keras3/README.md (Keras 3.15.1, TF 2.21):
    /work/venv/bin/python scripts/keras-model-files.py
CI never runs Python: the files are committed.
"""

import importlib.util
import json
import os
import sys
import warnings
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("keras_fixtures", os.path.join(HERE, "keras-fixtures.py"))
kf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(kf)

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers as L  # noqa: E402

OUT_DIR = os.path.join(HERE, "..", "test", "fixtures", "model-files", "keras")

# One case per layer kind and flag (kept few: every case is three files of HDF5 overhead).
CHOSEN = [
    "lstm_seq_state",
    "gru_seq_state",  # reset_after=true
    "gru_reset_before_seq_state",
    "simple_rnn_mask_right",
    "bilstm_concat_mask_state",
    "bigru_sum_mask",
    "birnn_mul",
    "bidirectional_gru_none_mask_state",
    "bidirectional_lstm_ave_state",
    "hard_sigmoid_lstm_gru",
    "embedding_dense",  # also embedding mask_zero through the masked cases
    "time_distributed_dense",
    "conv1d_same",
    "attention_concat_scale_key",
    "additive_attention",
    "layer_norm",
    "initial_state_with_mask",
]

EXTRA = []


def extra(name, source):
    def register(build):
        EXTRA.append({"name": name, "source": "keras 3\n\n" + source.strip() + "\n", "build": build, "chunks": None})
        return build

    return register


@extra(
    "stacked_shared",
    "model M(x: [2, 5, 3]) {\n"
    '  h1 = lstm(4, seq=true, name="l1")(x)\n'
    '  h2 = gru(4, seq=true, name="g2")(h1)\n'
    '  proj = dense(4, activation=tanh, name="proj")\n'
    "  return add(proj(h1), proj(h2))\n}",
)
def _(rng):
    x = kf.float_input("x", (kf.B, kf.T, kf.F))
    h1 = L.LSTM(4, return_sequences=True, name="l1")(x)
    h2 = L.GRU(4, return_sequences=True, name="g2")(h1)
    proj = L.Dense(4, activation="tanh", name="proj")
    y = L.Add()([proj(h1), proj(h2)])
    return keras.Model(x, y, name="M"), {"x": kf.floats(rng, (kf.B, kf.T, kf.F))}


@extra(
    "nested_model",
    "model Enc(src: [B, 5, 3]) {\n"
    '  _, h, c = lstm(4, state=true, name="enc_lstm")(src)\n'
    "  return h, c\n}\n\n"
    "model M(src: [2, 5, 3], tgt: [2, 4, 3]) {\n"
    "  h, c = Enc(src)\n"
    '  dec = lstm(4, seq=true, name="dec_lstm")(tgt, initial=(h, c))\n'
    '  return dec |> dense(2, name="out")\n}',
)
def _(rng):
    src_in = keras.Input(shape=(5, 3), name="src")
    _, h, c = L.LSTM(4, return_state=True, name="enc_lstm")(src_in)
    enc = keras.Model(src_in, [h, c], name="Enc")
    src = kf.float_input("src", (kf.B, 5, 3))
    tgt = kf.float_input("tgt", (kf.B, 4, 3))
    eh, ec = enc(src)
    dec = L.LSTM(4, return_sequences=True, name="dec_lstm")(tgt, initial_state=[eh, ec])
    y = L.Dense(2, name="out")(dec)
    data = {"src": kf.floats(rng, (kf.B, 5, 3)), "tgt": kf.floats(rng, (kf.B, 4, 3))}
    return keras.Model([src, tgt], y, name="M"), data


# Keras 2 cannot run here (no tf_keras), so its .h5 layout is written from Keras 3's own .h5 of the
# same model as INTEROP.md §4.3 documents it: keras_version 2.15.0, weight names ending in ":0"
# (datasets renamed to match), `batch_input_shape`, nested-list `inbound_nodes` with an RNN's
# initial states as extra inputs, `time_major: false` on RNNs, no `module`, no mask op nodes.
KERAS2_CASES = ["bigru_sum_mask", "nested_model"]
RNN_CLASSES = {"LSTM", "GRU", "SimpleRNN", "Bidirectional"}
MASK_OPS = {"NotEqual", "Any", "ExpandDims", "ZerosLike", "OnesLike", "LogicalOr"}


def keras2_config(node, kept, layer_names=None):
    """A Keras 3 config (as its .h5 holds it) in Keras 2's dialect.

    `kept`: the layers its calls may refer to (None: any); `layer_names`: a model's layers to keep
    (the top level's from the file's layer_names; a nested model's: all but mask ops).
    """

    def refs(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            name, n, i = value["config"]["keras_history"]
            return [[name, n, i, {}]] if kept is None or name in kept else []
        if isinstance(value, list):
            return [r for v in value for r in refs(v)]
        return []

    out = {"class_name": node["class_name"], "config": dict(node["config"])}
    if "name" in node:
        out["name"] = node["name"]
    config = out["config"]
    if "batch_shape" in config:
        config["batch_input_shape"] = config.pop("batch_shape")
    if node["class_name"] in ("LSTM", "GRU", "SimpleRNN"):
        config["time_major"] = False
    if "layers" in config:
        inner = layer_names if layer_names is not None else {l["name"] for l in config["layers"] if l["class_name"] not in MASK_OPS}
        config["layers"] = [keras2_config(l, inner) for l in config["layers"] if l["name"] in inner]
        for key in ("input_layers", "output_layers"):
            value = config[key]
            config[key] = [value] if value and isinstance(value[0], str) else value
    if "inbound_nodes" in node:
        out["inbound_nodes"] = [
            refs(call["args"]) + (refs(call["kwargs"].get("initial_state", [])) if node["class_name"] in RNN_CLASSES else [])
            for call in node["inbound_nodes"]
        ]
    return out


def write_keras2_h5(keras3_h5, out_path):
    import h5py

    with h5py.File(keras3_h5, "r") as src, h5py.File(out_path, "w") as dst:
        layer_names = [n.decode() if isinstance(n, bytes) else n for n in src["model_weights"].attrs["layer_names"]]
        config = json.loads(src.attrs["model_config"])
        dst.attrs["keras_version"] = "2.15.0"
        dst.attrs["backend"] = "tensorflow"
        dst.attrs["model_config"] = json.dumps(keras2_config(config, None, set(layer_names)))
        weights = dst.create_group("model_weights")
        weights.attrs["layer_names"] = [n.encode() for n in layer_names]
        weights.attrs["backend"] = "tensorflow"
        weights.attrs["keras_version"] = "2.15.0"
        for name in layer_names:
            group = weights.create_group(name)
            names = [n.decode() if isinstance(n, bytes) else n for n in src["model_weights"][name].attrs["weight_names"]]
            group.attrs["weight_names"] = [(n + ":0").encode() for n in names]
            for n in names:
                group.create_dataset(n + ":0", data=src["model_weights"][name][n][()])


def set_all_weights(model, rng):
    """Like keras-fixtures' set_random_weights, into nested models too."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            set_all_weights(layer, rng)
        elif layer.weights:
            layer.set_weights([kf.weight_values(rng, v) for v in layer.weights])


def run(spec):
    seed = zlib.crc32(spec["name"].encode())
    rng = np.random.default_rng(seed)
    keras.utils.set_random_seed(seed % (2**31))
    built = spec["build"](rng)
    model, inputs = built[:2]
    set_all_weights(model, rng)
    if len(built) > 2:
        built[2](model)
    base = os.path.join(OUT_DIR, spec["name"])
    model.save(base + ".keras")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "legacy HDF5 format"
        model.save(base + ".h5")
    model.save_weights(base + ".weights.h5")
    if spec["name"] in KERAS2_CASES:
        write_keras2_h5(base + ".h5", base + ".keras2-layout.h5")
    fixture = {
        "name": spec["name"],
        "keras": keras.__version__,
        "source": spec["source"],
        "model": kf.model_name(spec["source"]) if spec["name"] != "nested_model" else "M",
        "inputs": {k: kf.tensor_json(v) for k, v in inputs.items()},
        "outputs": [kf.tensor_json(o) for o in kf.predict(model, inputs)],
        "tolerance": kf.TOLERANCE,
    }
    with open(base + ".json", "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(spec["name"])


def main():
    if keras.__version__ != kf.KERAS_VERSION:
        sys.exit(f"keras {keras.__version__} found; these fixtures are Keras {kf.KERAS_VERSION}'s")
    os.makedirs(OUT_DIR, exist_ok=True)
    by_name = {c["name"]: c for c in kf.CASES}
    cases = [by_name[n] for n in CHOSEN] + EXTRA
    only = set(sys.argv[1:])
    for c in cases:
        if not only or c["name"] in only:
            run(c)
    with open(os.path.join(OUT_DIR, "cases.json"), "w") as f:
        json.dump({"keras": keras.__version__, "cases": [c["name"] for c in cases]}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()

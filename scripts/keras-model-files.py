#!/usr/bin/env python3
"""Model-file fixtures from real Keras 3: test/fixtures/model-files/keras/<case>.{keras,h5,weights.h5,json}.

Each case is one of scripts/keras-fixtures.py's (its .rnn source names the layers as Keras does, its
weights are seeded random values) or one of the cases below (stacked layers, a nested model, a shared
layer). Keras saves the model three ways — `model.save("x.keras")`, the legacy `model.save("x.h5")`
and `model.save_weights("x.weights.h5")` — and the JSON holds the source, the inputs and Keras's
predictions. test/model-files/ reads these through `--weights` and compares at the case's tolerance.

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

#!/usr/bin/env python3
"""Reference fixtures from real Keras 3: test/fixtures/keras3/<case>.json and cases.json.

Each case is a .rnn source (edition `keras 3`) and the same model built with Keras 3's functional
API, its layers named as rnnc names them. Every weight is drawn from a seeded NumPy generator and
set on the Keras model; `predict` on seeded random inputs gives the outputs. Streaming cases also
feed a stateful model chunk after chunk (states carried) and record each chunk's outputs.

Run it from the repository root with the venv of test/fixtures/keras3/README.md:
    /work/venv/bin/python scripts/keras-fixtures.py
CI never runs Python: the JSON files are committed and test/parity/keras3.test.ts reads them.
"""

import json
import os
import re
import sys
import zlib

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# oneDNN reorders float32 sums; off, Keras computes in the plain order rnnc's kernels are checked against.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers as L  # noqa: E402

KERAS_VERSION = "3.15.1"
TOLERANCE = 1e-5
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "keras3")

CASES = []


def case(name, source, chunks=None):
    """Registers `build(rng) -> (keras.Model, {input name: np.ndarray})` under `name`.

    `chunks`: for a stateful model, the time lengths the whole input is cut into.
    """

    def register(build):
        CASES.append({"name": name, "source": "keras 3\n\n" + source.strip() + "\n", "build": build, "chunks": chunks})
        return build

    return register


# ---------------------------------------------------------------------------------------------
# Data


def floats(rng, shape, scale=1.0):
    return (rng.uniform(-scale, scale, size=shape)).astype(np.float32)


def ids(rng, lengths, steps, vocab, left=False):
    """Token ids in 1..vocab-1, row b holding lengths[b] of them; padding 0 after (or before) them."""
    out = np.zeros((len(lengths), steps), dtype=np.int32)
    for b, n in enumerate(lengths):
        tokens = rng.integers(1, vocab, size=n)
        if left:
            out[b, steps - n :] = tokens
        else:
            out[b, :n] = tokens
    return out


def weight_values(rng, variable):
    """A moderate random value for one weight: gains near 1, scales positive, the rest in ±0.6."""
    name = variable.name
    shape = tuple(variable.shape)
    if name == "gamma":
        return (1.0 + rng.uniform(-0.3, 0.3, size=shape)).astype(np.float32)
    if name in ("scale", "concat_score_weight"):
        return rng.uniform(0.5, 1.5, size=shape).astype(np.float32)
    return rng.uniform(-0.6, 0.6, size=shape).astype(np.float32)


def tensor_json(array, dtype=None):
    a = np.asarray(array)
    if a.dtype == np.bool_ or dtype == "bool":
        data = [int(v) for v in a.reshape(-1)]
    elif np.issubdtype(a.dtype, np.integer):
        data = [int(v) for v in a.reshape(-1)]
    else:
        # Nine significant digits round-trip every float32.
        data = [float(f"{float(v):.9g}") for v in a.astype(np.float32).reshape(-1)]
    return {"shape": [int(d) for d in a.shape], "data": data}


def as_list(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


# ---------------------------------------------------------------------------------------------
# Building and recording


def model_name(source):
    return re.search(r"\bmodel\s+([A-Za-z_][A-Za-z0-9_]*)", source).group(1)


def set_random_weights(model, rng):
    """Every weight of every layer drawn anew."""
    for layer in model.layers:
        if layer.weights:
            layer.set_weights([weight_values(rng, v) for v in layer.weights])


def recorded_weights(model):
    """{layer name: get_weights() as JSON}, for every layer that has weights."""
    return {layer.name: [tensor_json(w) for w in layer.get_weights()] for layer in model.layers if layer.weights}


def padding_embedding_high(layer_name):
    """Sets the embedding row of id 0 above every other: a layer that reads padded steps shows it."""

    def adjust(model):
        layer = model.get_layer(layer_name)
        (table,) = layer.get_weights()
        table[0] = 2.0
        layer.set_weights([table])

    return adjust


def reset_states(model):
    for layer in model.layers:
        target = getattr(layer, "layer", layer)
        if getattr(target, "stateful", False):
            target.reset_states()


def predict(model, inputs):
    ordered = [inputs[t.name] for t in model.inputs]
    return [np.asarray(o) for o in as_list(model.predict(ordered if len(ordered) > 1 else ordered[0], verbose=0))]


def run_case(spec):
    seed = zlib.crc32(spec["name"].encode())
    rng = np.random.default_rng(seed)
    keras.utils.set_random_seed(seed % (2**31))
    built = spec["build"](rng)
    model, inputs = built[:2]
    name = model_name(spec["source"])
    assert model.name == name, f"{spec['name']}: Keras model {model.name!r}, source model {name!r}"
    assert [t.name for t in model.inputs] == list(inputs), f"{spec['name']}: inputs {[t.name for t in model.inputs]}"
    set_random_weights(model, rng)
    if len(built) > 2:
        built[2](model)  # the case's own adjustment of the random weights
    weights = recorded_weights(model)
    input_json = {k: tensor_json(v) for k, v in inputs.items()}
    fixture = {
        "name": spec["name"],
        "keras": keras.__version__,
        "edition": 3,
        "source": spec["source"],
        "model": name,
        "weights": weights,
        "inputs": input_json,
    }
    if spec["chunks"] is None:
        fixture["outputs"] = [tensor_json(o) for o in predict(model, inputs)]
    else:
        reset_states(model)
        fixture["outputs"] = [tensor_json(o) for o in predict(model, inputs)]
        reset_states(model)
        chunks = []
        start = 0
        for length in spec["chunks"]:
            part = {k: v[:, start : start + length] for k, v in inputs.items()}
            chunks.append({"inputs": {k: tensor_json(v) for k, v in part.items()}, "outputs": [tensor_json(o) for o in predict(model, part)]})
            start += length
        fixture["chunks"] = chunks
    fixture["tolerance"] = TOLERANCE
    return fixture


def main():
    if keras.__version__ != KERAS_VERSION:
        sys.exit(f"keras {keras.__version__} found; these fixtures are Keras {KERAS_VERSION}'s (see test/fixtures/keras3/README.md)")
    os.makedirs(OUT_DIR, exist_ok=True)
    only = set(sys.argv[1:])
    names = []
    for spec in CASES:
        names.append(spec["name"])
        if only and spec["name"] not in only:
            continue
        fixture = run_case(spec)
        with open(os.path.join(OUT_DIR, spec["name"] + ".json"), "w") as f:
            json.dump(fixture, f, separators=(",", ":"))
            f.write("\n")
        print(f"{spec['name']}: {len(fixture['outputs'])} output(s)")
    assert len(set(names)) == len(names), "duplicate case names"
    with open(os.path.join(OUT_DIR, "cases.json"), "w") as f:
        json.dump({"keras": keras.__version__, "tensorflow": tf.__version__, "cases": names}, f, indent=2)
        f.write("\n")


# ---------------------------------------------------------------------------------------------
# The cases. Batch 2, a handful of steps, 3-4 units: small files, every path exercised.

B, T, F, U = 2, 5, 3, 4


def float_input(name, shape):
    return keras.Input(batch_shape=shape, name=name)


def id_input(name, shape):
    return keras.Input(batch_shape=shape, name=name, dtype="int32")


RECURRENT = {"lstm": L.LSTM, "gru": L.GRU, "rnn": L.SimpleRNN}


def recurrent_plain(kind, **kw):
    def build(rng):
        x = float_input("x", (B, T, F))
        outs = RECURRENT[kind](U, return_sequences=True, return_state=True, name="rec", **kw)(x)
        return keras.Model(x, as_list(outs), name="M"), {"x": floats(rng, (B, T, F))}

    return build


# Plain recurrent layers, seq and state.
case(
    "lstm_seq_state",
    "model M(x: [2, 5, 3]) {\n  y, h, c = lstm(4, seq=true, state=true, name=\"rec\")(x)\n  return y, h, c\n}",
)(recurrent_plain("lstm"))
case(
    "gru_seq_state",
    "model M(x: [2, 5, 3]) {\n  y, h = gru(4, seq=true, state=true, name=\"rec\")(x)\n  return y, h\n}",
)(recurrent_plain("gru"))
case(
    "gru_reset_before_seq_state",
    "model M(x: [2, 5, 3]) {\n  y, h = gru(4, seq=true, state=true, reset_after=false, name=\"rec\")(x)\n  return y, h\n}",
)(recurrent_plain("gru", reset_after=False))
case(
    "simple_rnn_seq_state",
    "model M(x: [2, 5, 3]) {\n  y, h = rnn(4, seq=true, state=true, name=\"rec\")(x)\n  return y, h\n}",
)(recurrent_plain("rnn"))
case(
    "lstm_backwards",
    "model M(x: [2, 5, 3]) {\n  y, h, c = lstm(4, seq=true, state=true, backwards=true, name=\"rec\")(x)\n  return y, h, c\n}",
)(recurrent_plain("lstm", go_backwards=True))
case(
    "gru_backwards",
    "model M(x: [2, 5, 3]) {\n  y, h = gru(4, seq=true, state=true, backwards=true, name=\"rec\")(x)\n  return y, h\n}",
)(recurrent_plain("gru", go_backwards=True))
case(
    "simple_rnn_backwards",
    "model M(x: [2, 5, 3]) {\n  y, h = rnn(4, seq=true, state=true, backwards=true, name=\"rec\")(x)\n  return y, h\n}",
)(recurrent_plain("rnn", go_backwards=True))


def last_only(kind):
    def build(rng):
        x = float_input("x", (B, T, F))
        y = RECURRENT[kind](U, name="rec")(x)
        return keras.Model(x, y, name="M"), {"x": floats(rng, (B, T, F))}

    return build


case("lstm_last", "model M(x: [2, 5, 3]) {\n  return lstm(4, name=\"rec\")(x)\n}")(last_only("lstm"))


# Masks from an embedding with mask_zero, padding on the right or the left.
def masked_recurrent(kind, left, lengths=(4, 2), steps=6, **kw):
    def build(rng):
        tokens = id_input("tokens", (B, steps))
        e = L.Embedding(10, F, mask_zero=True, name="emb")(tokens)
        outs = RECURRENT[kind](U, return_sequences=True, return_state=True, name="rec", **kw)(e)
        return keras.Model(tokens, as_list(outs), name="M"), {"tokens": ids(rng, lengths, steps, 10, left=left)}

    return build


def masked_source(call, outs):
    return (
        "model M(tokens: int[2, 6]) {\n"
        '  e = embedding(10, 3, mask_zero=true, name="emb")(tokens)\n'
        f"  {outs} = {call}(e)\n"
        f"  return {outs}\n"
        "}"
    )


case("lstm_mask_right", masked_source('lstm(4, seq=true, state=true, name="rec")', "y, h, c"))(masked_recurrent("lstm", False))
case("lstm_mask_left", masked_source('lstm(4, seq=true, state=true, name="rec")', "y, h, c"))(masked_recurrent("lstm", True))
case("gru_mask_right", masked_source('gru(4, seq=true, state=true, name="rec")', "y, h"))(masked_recurrent("gru", False))
case(
    "gru_reset_before_mask_left",
    masked_source('gru(4, seq=true, state=true, reset_after=false, name="rec")', "y, h"),
)(masked_recurrent("gru", True, reset_after=False))
case("simple_rnn_mask_right", masked_source('rnn(4, seq=true, state=true, name="rec")', "y, h"))(masked_recurrent("rnn", False))
case("simple_rnn_mask_left", masked_source('rnn(4, seq=true, state=true, name="rec")', "y, h"))(masked_recurrent("rnn", True))
case(
    "lstm_mask_backwards",
    masked_source('lstm(4, seq=true, state=true, backwards=true, name="rec")', "y, h, c"),
)(masked_recurrent("lstm", False, go_backwards=True))
case(
    "gru_mask_backwards_left",
    masked_source('gru(4, seq=true, state=true, backwards=true, name="rec")', "y, h"),
)(masked_recurrent("gru", True, go_backwards=True))


@case(
    "lstm_mask_input",
    "model M(x: [2, 5, 3], m: bool[2, 5]) {\n  y, h, c = lstm(4, seq=true, state=true, name=\"rec\")(x, mask=m)\n  return y, h, c\n}",
)
def _(rng):
    x = float_input("x", (B, T, F))
    m = keras.Input(batch_shape=(B, T), name="m", dtype="bool")
    outs = L.LSTM(U, return_sequences=True, return_state=True, name="rec")(x, mask=m)
    mask = np.array([[1, 1, 0, 1, 0], [0, 1, 1, 1, 1]], dtype=bool)
    return keras.Model([x, m], as_list(outs), name="M"), {"x": floats(rng, (B, T, F)), "m": mask}


# Bidirectional, every merge mode.
def bidirectional(kind, merge, masked, state, **kw):
    def build(rng):
        if masked:
            tokens = id_input("tokens", (B, 6))
            inp = L.Embedding(10, F, mask_zero=True, name="emb")(tokens)
            data = {"tokens": ids(rng, (5, 3), 6, 10, left=False)}
            first = tokens
        else:
            first = float_input("x", (B, T, F))
            inp = first
            data = {"x": floats(rng, (B, T, F))}
        layer = RECURRENT[kind](U, return_sequences=True, return_state=state, **kw)
        outs = L.Bidirectional(layer, merge_mode=merge, name="bi")(inp)
        return keras.Model(first, as_list(outs), name="M"), data

    return build


case(
    "bilstm_concat_mask_state",
    masked_source('bilstm(4, seq=true, state=true, name="bi")', "y, fh, fc, bh, bc"),
)(bidirectional("lstm", "concat", True, True))
case(
    "bigru_sum_mask",
    masked_source('bigru(4, seq=true, merge=sum, name="bi")', "y"),
)(bidirectional("gru", "sum", True, False))
case(
    "birnn_mul",
    "model M(x: [2, 5, 3]) {\n  y = birnn(4, seq=true, merge=mul, name=\"bi\")(x)\n  return y\n}",
)(bidirectional("rnn", "mul", False, False))
case(
    "bidirectional_lstm_ave_state",
    "model M(x: [2, 5, 3]) {\n"
    '  y, fh, fc, bh, bc = bidirectional(lstm(4, seq=true, state=true), merge=ave, name="bi")(x)\n'
    "  return y, fh, fc, bh, bc\n}",
)(bidirectional("lstm", "ave", False, True))
case(
    "bidirectional_gru_none_mask_state",
    masked_source('bidirectional(gru(4, seq=true, state=true, reset_after=false), merge=none, name="bi")', "f, b, fh, bh"),
)(bidirectional("gru", None, True, True, reset_after=False))


# Other layers of Keras 2's set.
@case(
    "dense_relu_3d",
    "model M(x: [2, 5, 3]) {\n  return x |> dense(4, activation=relu, name=\"d1\") |> dense(2, activation=softmax, name=\"d2\")\n}",
)
def _(rng):
    x = float_input("x", (B, T, F))
    y = L.Dense(2, activation="softmax", name="d2")(L.Dense(4, activation="relu", name="d1")(x))
    return keras.Model(x, y, name="M"), {"x": floats(rng, (B, T, F))}


@case(
    "embedding_dense",
    "model M(tokens: int[2, 6]) {\n  e = embedding(10, 3, name=\"emb\")(tokens)\n  return e, dense(2, activation=sigmoid, name=\"d\")(e)\n}",
)
def _(rng):
    tokens = id_input("tokens", (B, 6))
    e = L.Embedding(10, F, name="emb")(tokens)
    return keras.Model(tokens, [e, L.Dense(2, activation="sigmoid", name="d")(e)], name="M"), {"tokens": ids(rng, (6, 4), 6, 10)}


@case(
    "time_distributed_dense",
    "model M(x: [2, 5, 3]) {\n"
    '  y = lstm(4, seq=true, name="rec")(x)\n'
    '  return y |> dropout(0.5) |> time_distributed(dense(3, activation=tanh), name="td")\n}',
)
def _(rng):
    x = float_input("x", (B, T, F))
    y = L.LSTM(U, return_sequences=True, name="rec")(x)
    z = L.TimeDistributed(L.Dense(3, activation="tanh"), name="td")(L.Dropout(0.5)(y))
    return keras.Model(x, z, name="M"), {"x": floats(rng, (B, T, F))}


@case(
    "repeat_vector_decoder",
    "model M(x: [2, 5, 3]) {\n"
    '  code = gru(4, name="enc")(x)\n'
    '  return code |> repeat_vector(3) |> lstm(3, seq=true, name="dec")\n}',
)
def _(rng):
    x = float_input("x", (B, T, F))
    code = L.GRU(U, name="enc")(x)
    y = L.LSTM(3, return_sequences=True, name="dec")(L.RepeatVector(3)(code))
    return keras.Model(x, y, name="M"), {"x": floats(rng, (B, T, F))}


def two_branches(merge, second_masked):
    """Two embeddings of differently padded ids, merged, into an LSTM that sees the merged mask."""

    def build(rng):
        a = id_input("a", (B, 6))
        b = id_input("b", (B, 6))
        ea = L.Embedding(10, F, mask_zero=True, name="ea")(a)
        eb = L.Embedding(10, F, mask_zero=second_masked, name="eb")(b)
        merged = merge([ea, eb])
        y = L.LSTM(U, return_sequences=True, name="rec")(merged)
        # Row 0: step 3 is padding in both; row 1: only a is padded (b has no padding).
        data = {"a": ids(rng, (3, 2), 6, 10), "b": ids(rng, (2, 6), 6, 10, left=True)}
        return keras.Model([a, b], [merged, y], name="M"), data

    return build


def two_branch_source(merge, second_masked):
    return (
        "model M(a: int[2, 6], b: int[2, 6]) {\n"
        '  ea = embedding(10, 3, mask_zero=true, name="ea")(a)\n'
        f'  eb = embedding(10, 3, mask_zero={"true" if second_masked else "false"}, name="eb")(b)\n'
        f"  merged = {merge}(ea, eb)\n"
        '  y = lstm(4, seq=true, name="rec")(merged)\n'
        "  return merged, y\n}"
    )


case("concat_masks_or", two_branch_source("concat", True))(two_branches(lambda xs: L.Concatenate()(xs), True))
case("concat_mask_and_unmasked", two_branch_source("concat", False))(two_branches(lambda xs: L.Concatenate()(xs), False))
case("add_masks_or", two_branch_source("add", True))(two_branches(lambda xs: L.Add()(xs), True))
case("add_mask_and_unmasked", two_branch_source("add", False))(two_branches(lambda xs: L.Add()(xs), False))


# Keras 3's hard_sigmoid as the recurrent activation.
@case(
    "hard_sigmoid_lstm_gru",
    "model M(x: [2, 5, 3]) {\n"
    '  a = lstm(4, seq=true, recurrent_activation=hard_sigmoid, name="l")(x)\n'
    '  b = gru(4, seq=true, recurrent_activation=hard_sigmoid, name="g")(x)\n'
    "  return a, b\n}",
)
def _(rng):
    x = float_input("x", (B, T, F))
    a = L.LSTM(U, return_sequences=True, recurrent_activation="hard_sigmoid", name="l")(x)
    b = L.GRU(U, return_sequences=True, recurrent_activation="hard_sigmoid", name="g")(x)
    return keras.Model(x, [a, b], name="M"), {"x": floats(rng, (B, T, F), scale=3.0)}


# initial= with a mask flowing in: Keras 3.15 ignores that mask, yet passes it on.
@case(
    "initial_state_with_mask",
    "model M(tokens: int[2, 6], h0: [2, 4], c0: [2, 4]) {\n"
    '  e = embedding(10, 3, mask_zero=true, name="emb")(tokens)\n'
    '  y, h, c = lstm(4, seq=true, state=true, name="rec")(e, initial=(h0, c0))\n'
    '  z = gru(3, seq=true, name="after")(y)\n'
    "  return y, h, c, z\n}",
)
def _(rng):
    tokens = id_input("tokens", (B, 6))
    h0 = float_input("h0", (B, U))
    c0 = float_input("c0", (B, U))
    e = L.Embedding(10, F, mask_zero=True, name="emb")(tokens)
    y, h, c = L.LSTM(U, return_sequences=True, return_state=True, name="rec")(e, initial_state=[h0, c0])
    z = L.GRU(3, return_sequences=True, name="after")(y)
    data = {"tokens": ids(rng, (4, 2), 6, 10), "h0": floats(rng, (B, U)), "c0": floats(rng, (B, U))}
    return keras.Model([tokens, h0, c0], [y, h, c, z], name="M"), data


@case(
    "initial_state_gru_mask_left",
    "model M(tokens: int[2, 6], h0: [2, 4]) {\n"
    '  e = embedding(10, 3, mask_zero=true, name="emb")(tokens)\n'
    '  y, h = gru(4, seq=true, state=true, name="rec")(e, initial=h0)\n'
    "  return y, h\n}",
)
def _(rng):
    tokens = id_input("tokens", (B, 6))
    h0 = float_input("h0", (B, U))
    e = L.Embedding(10, F, mask_zero=True, name="emb")(tokens)
    y, h = L.GRU(U, return_sequences=True, return_state=True, name="rec")(e, initial_state=h0)
    data = {"tokens": ids(rng, (3, 5), 6, 10, left=True), "h0": floats(rng, (B, U))}
    return keras.Model([tokens, h0], [y, h], name="M"), data


# ----- New layers (LANGUAGE.md §7)


@case(
    "masking_lstm",
    "model M(x: [2, 6, 3]) {\n"
    '  m = masking(mask_value=1.0, name="mask")(x)\n'
    '  y = lstm(4, seq=true, name="rec")(m)\n'
    "  return m, y\n}",
)
def _(rng):
    x = float_input("x", (B, 6, F))
    m = L.Masking(mask_value=1.0, name="mask")(x)
    y = L.LSTM(U, return_sequences=True, name="rec")(m)
    data = floats(rng, (B, 6, F))
    data[0, 2] = 1.0
    data[0, 3] = 1.0
    data[1, 0] = 1.0
    data[1, 5] = 1.0
    data[1, 3, 0] = 1.0  # one feature at the value does not mask the step
    return keras.Model(x, [m, y], name="M"), {"x": data}


@case(
    "activation_layers",
    "model M(x: [2, 5, 3]) {\n"
    '  return activation(relu, name="a1")(x), activation(softmax, name="a2")(x), activation(hard_sigmoid, name="a3")(x)\n}',
)
def _(rng):
    x = float_input("x", (B, T, F))
    outs = [L.Activation(a, name=n)(x) for a, n in (("relu", "a1"), ("softmax", "a2"), ("hard_sigmoid", "a3"))]
    return keras.Model(x, outs, name="M"), {"x": floats(rng, (B, T, F), scale=4.0)}


@case(
    "activation_mask_passes",
    "model M(tokens: int[2, 6]) {\n"
    '  e = embedding(10, 3, mask_zero=true, name="emb")(tokens)\n'
    '  return e |> activation(tanh, name="act") |> gru(4, seq=true, name="rec")\n}',
)
def _(rng):
    tokens = id_input("tokens", (B, 6))
    e = L.Embedding(10, F, mask_zero=True, name="emb")(tokens)
    y = L.GRU(U, return_sequences=True, name="rec")(L.Activation("tanh", name="act")(e))
    return keras.Model(tokens, y, name="M"), {"tokens": ids(rng, (4, 6), 6, 10)}


def layer_norm(center, scale):
    def build(rng):
        x = float_input("x", (B, T, F + 1))
        y = L.LayerNormalization(axis=-1, center=center, scale=scale, name="ln")(x)
        return keras.Model(x, y, name="M"), {"x": floats(rng, (B, T, F + 1), scale=2.0)}

    return build


def layer_norm_source(args):
    return f'model M(x: [2, 5, 4]) {{\n  return layer_norm({args}name="ln")(x)\n}}'


case("layer_norm", layer_norm_source(""))(layer_norm(True, True))
case("layer_norm_no_center", layer_norm_source("center=false, "))(layer_norm(False, True))
case("layer_norm_no_scale", layer_norm_source("scale=false, "))(layer_norm(True, False))
case("layer_norm_plain", layer_norm_source("center=false, scale=false, "))(layer_norm(False, False))


@case(
    "layer_norm_mask_gru",
    "model M(tokens: int[2, 6]) {\n"
    '  e = embedding(10, 3, mask_zero=true, name="emb")(tokens)\n'
    '  return e |> layer_norm(epsilon=0.01, name="ln") |> gru(4, seq=true, name="rec")\n}',
)
def _(rng):
    tokens = id_input("tokens", (B, 6))
    e = L.Embedding(10, F, mask_zero=True, name="emb")(tokens)
    y = L.GRU(U, return_sequences=True, name="rec")(L.LayerNormalization(epsilon=0.01, name="ln")(e))
    return keras.Model(tokens, y, name="M"), {"tokens": ids(rng, (3, 5), 6, 10, left=True)}


def conv(**kw):
    def build(rng):
        x = float_input("x", (B, 8, F))
        y = L.Conv1D(4, 3, name="conv", **kw)(x)
        return keras.Model(x, y, name="M"), {"x": floats(rng, (B, 8, F))}

    return build


def conv_source(args):
    return f'model M(x: [2, 8, 3]) {{\n  return conv1d(4, 3, {args}name="conv")(x)\n}}'


case("conv1d_valid", conv_source(""))(conv())
case("conv1d_same", conv_source('padding="same", '))(conv(padding="same"))
case("conv1d_causal_dilated", conv_source('padding="causal", dilation_rate=2, '))(conv(padding="causal", dilation_rate=2))
case("conv1d_strides", conv_source("strides=2, "))(conv(strides=2))
case(
    "conv1d_same_strides_relu_no_bias",
    conv_source('strides=2, padding="same", activation=relu, use_bias=false, '),
)(conv(strides=2, padding="same", activation="relu", use_bias=False))


@case(
    "conv1d_gru_tagger",
    "model M(x: [2, 8, 3]) {\n"
    '  return x |> conv1d(5, 2, padding="causal", activation=tanh, name="conv") |> gru(4, seq=true, name="rec") |> dense(2, name="out")\n}',
)
def _(rng):
    x = float_input("x", (B, 8, F))
    c = L.Conv1D(5, 2, padding="causal", activation="tanh", name="conv")(x)
    y = L.Dense(2, name="out")(L.GRU(U, return_sequences=True, name="rec")(c))
    return keras.Model(x, y, name="M"), {"x": floats(rng, (B, 8, F))}


@case(
    "conv1d_drops_mask",
    "model M(tokens: int[2, 6]) {\n"
    '  e = embedding(10, 3, mask_zero=true, name="emb")(tokens)\n'
    '  return e |> conv1d(4, 2, padding="same", name="conv") |> gru(3, seq=true, name="rec")\n}',
)
def _(rng):
    tokens = id_input("tokens", (B, 6))
    e = L.Embedding(10, F, mask_zero=True, name="emb")(tokens)
    y = L.GRU(3, return_sequences=True, name="rec")(L.Conv1D(4, 2, padding="same", name="conv")(e))
    return keras.Model(tokens, y, name="M"), {"tokens": ids(rng, (4, 2), 6, 10)}


def pooling(cls, masked):
    def build(rng):
        if masked:
            tokens = id_input("tokens", (B, 6))
            x = L.Embedding(10, F, mask_zero=True, name="emb")(tokens)
            data = {"tokens": ids(rng, (4, 2), 6, 10, left=True)}
            first = tokens
        else:
            first = float_input("x", (B, T, F))
            x = first
            data = {"x": floats(rng, (B, T, F))}
        model = keras.Model(first, cls(name="pool")(x), name="M")
        return (model, data, padding_embedding_high("emb")) if masked else (model, data)

    return build


def pooling_source(layer, masked):
    if masked:
        return (
            "model M(tokens: int[2, 6]) {\n"
            '  e = embedding(10, 3, mask_zero=true, name="emb")(tokens)\n'
            f'  return {layer}(name="pool")(e)\n}}'
        )
    return f'model M(x: [2, 5, 3]) {{\n  return {layer}(name="pool")(x)\n}}'


case("global_avg_pool1d", pooling_source("global_avg_pool1d", False))(pooling(L.GlobalAveragePooling1D, False))
case("global_avg_pool1d_mask", pooling_source("global_avg_pool1d", True))(pooling(L.GlobalAveragePooling1D, True))
case("global_max_pool1d", pooling_source("global_max_pool1d", False))(pooling(L.GlobalMaxPooling1D, False))
case("global_max_pool1d_mask", pooling_source("global_max_pool1d", True))(pooling(L.GlobalMaxPooling1D, True))


def attention_case(cls, with_key, masked, value_lengths=(6, 2), **kw):
    """Query and value (and key) from embeddings of their own ids; masked: padding 0 in both."""

    def build(rng):
        q = id_input("q", (B, 4))
        v = id_input("v", (B, 6))
        eq = L.Embedding(10, F, mask_zero=masked, name="eq")(q)
        ev = L.Embedding(10, F, mask_zero=masked, name="ev")(v)
        args = [eq, ev]
        if with_key:
            args.append(L.Dense(F, name="key")(ev))
        out = cls(name="att", **kw)(args)
        data = {"q": ids(rng, (3, 4), 4, 10), "v": ids(rng, value_lengths, 6, 10, left=True)}
        if not masked:
            data = {"q": ids(rng, (4, 4), 4, 10), "v": ids(rng, (6, 6), 6, 10)}
        return keras.Model([q, v], out, name="M"), data

    return build


def attention_source(layer, args, with_key, masked):
    mz = "true" if masked else "false"
    key = ', dense(3, name="key")(ev)' if with_key else ""
    return (
        "model M(q: int[2, 4], v: int[2, 6]) {\n"
        f'  eq = embedding(10, 3, mask_zero={mz}, name="eq")(q)\n'
        f'  ev = embedding(10, 3, mask_zero={mz}, name="ev")(v)\n'
        f'  return {layer}(eq, ev{key}, {args}name="att")\n}}'
    )


case("attention_dot", attention_source("attention", "", False, False))(attention_case(L.Attention, False, False))
case("attention_dot_scale", attention_source("attention", "use_scale=true, ", False, False))(
    attention_case(L.Attention, False, False, use_scale=True)
)
case("attention_concat", attention_source("attention", 'score_mode="concat", ', False, False))(
    attention_case(L.Attention, False, False, score_mode="concat")
)
case("attention_concat_scale_key", attention_source("attention", 'use_scale=true, score_mode="concat", ', True, False))(
    attention_case(L.Attention, True, False, use_scale=True, score_mode="concat")
)
case("attention_masks", attention_source("attention", "", False, True))(attention_case(L.Attention, False, True))
case("attention_scale_masks_key", attention_source("attention", "use_scale=true, ", True, True))(
    attention_case(L.Attention, True, True, use_scale=True)
)
# Row 1's value is all padding: Keras subtracts 1e9 from masked scores (no -inf), so in float32
# every score of that row is -1e9 and the softmax is uniform over the padding.
case("attention_value_fully_masked", attention_source("attention", "", False, True))(
    attention_case(L.Attention, False, True, value_lengths=(5, 0))
)
case("additive_attention", attention_source("additive_attention", "", False, False))(
    attention_case(L.AdditiveAttention, False, False)
)
case("additive_attention_no_scale_key", attention_source("additive_attention", "use_scale=false, ", True, False))(
    attention_case(L.AdditiveAttention, True, False, use_scale=False)
)
case("additive_attention_masks", attention_source("additive_attention", "", False, True))(
    attention_case(L.AdditiveAttention, False, True)
)


@case(
    "attention_mask_into_lstm",
    "model M(q: int[2, 4], v: int[2, 6]) {\n"
    '  eq = embedding(10, 3, mask_zero=true, name="eq")(q)\n'
    '  ev = embedding(10, 3, mask_zero=true, name="ev")(v)\n'
    '  a = attention(eq, ev, name="att")\n'
    '  return lstm(4, seq=true, name="rec")(a)\n}',
)
def _(rng):
    q = id_input("q", (B, 4))
    v = id_input("v", (B, 6))
    eq = L.Embedding(10, F, mask_zero=True, name="eq")(q)
    ev = L.Embedding(10, F, mask_zero=True, name="ev")(v)
    y = L.LSTM(U, return_sequences=True, name="rec")(L.Attention(name="att")([eq, ev]))
    return keras.Model([q, v], y, name="M"), {"q": ids(rng, (2, 4), 4, 10), "v": ids(rng, (4, 6), 6, 10)}


def elementwise(cls):
    def build(rng):
        xs = [float_input(n, (B, T, F)) for n in ("a", "b", "c")]
        out = cls(name="merge")(xs)
        y = L.SimpleRNN(3, return_sequences=True, name="rec")(out)
        return keras.Model(xs, [out, y], name="M"), {n: floats(rng, (B, T, F)) for n in ("a", "b", "c")}

    return build


def elementwise_source(layer):
    return (
        "model M(a: [2, 5, 3], b: [2, 5, 3], c: [2, 5, 3]) {\n"
        f'  out = {layer}(a, b, c, name="merge")\n'
        '  y = rnn(3, seq=true, name="rec")(out)\n'
        "  return out, y\n}"
    )


for _layer, _cls in (("multiply", L.Multiply), ("average", L.Average), ("maximum", L.Maximum)):
    case(_layer, elementwise_source(_layer))(elementwise(_cls))


# Masked merges: embeddings of ids with padding 0 at chosen steps (row 0 step 1 padded in both,
# row 1 step 3 only in a, row 1 step 0 only in b), so each merge's mask handling shows in its
# values; with_plain adds a third, unmasked input.
MASKED_A = np.array([[3, 0, 5, 2, 7], [4, 6, 1, 0, 9]], dtype=np.int32)
MASKED_B = np.array([[8, 0, 2, 6, 1], [0, 3, 7, 5, 2]], dtype=np.int32)


def masked_merge(cls, with_plain):
    def build(rng):
        a = id_input("a", (B, T))
        b = id_input("b", (B, T))
        xs = [L.Embedding(10, F, mask_zero=True, name="ea")(a), L.Embedding(10, F, mask_zero=True, name="eb")(b)]
        inputs = [a, b]
        data = {"a": MASKED_A, "b": MASKED_B}
        if with_plain:
            c = id_input("c", (B, T))
            xs.append(L.Embedding(10, F, name="ec")(c))
            inputs.append(c)
            data["c"] = ids(rng, (T, T), T, 10)
        out = cls(name="merge")(xs)
        y = L.SimpleRNN(3, return_sequences=True, name="rec")(out)
        return keras.Model(inputs, [out, y], name="M"), data

    return build


def masked_merge_source(layer, with_plain):
    plain_input = ", c: int[2, 5]" if with_plain else ""
    plain = '  ec = embedding(10, 3, name="ec")(c)\n' if with_plain else ""
    return (
        f"model M(a: int[2, 5], b: int[2, 5]{plain_input}) {{\n"
        '  ea = embedding(10, 3, mask_zero=true, name="ea")(a)\n'
        '  eb = embedding(10, 3, mask_zero=true, name="eb")(b)\n'
        + plain
        + f'  out = {layer}(ea, eb{", ec" if with_plain else ""}, name="merge")\n'
        '  y = rnn(3, seq=true, name="rec")(out)\n'
        "  return out, y\n}"
    )


for _layer, _cls in (("multiply", L.Multiply), ("average", L.Average), ("maximum", L.Maximum)):
    case(f"{_layer}_masks", masked_merge_source(_layer, False))(masked_merge(_cls, False))
case("maximum_mask_and_unmasked", masked_merge_source("maximum", True))(masked_merge(L.Maximum, True))
case("multiply_mask_and_unmasked", masked_merge_source("multiply", True))(masked_merge(L.Multiply, True))


@case(
    "flatten_dense",
    "model M(x: [2, 4, 3]) {\n  return x |> flatten() |> dense(3, activation=tanh, name=\"d\")\n}",
)
def _(rng):
    x = float_input("x", (B, 4, F))
    y = L.Dense(3, activation="tanh", name="d")(L.Flatten()(x))
    return keras.Model(x, y, name="M"), {"x": floats(rng, (B, 4, F))}


# zero_output_for_mask: masked steps output zeros instead of repeating the last output.
case(
    "lstm_zero_output_for_mask",
    masked_source('lstm(4, seq=true, state=true, zero_output_for_mask=true, name="rec")', "y, h, c"),
)(masked_recurrent("lstm", False, lengths=(3, 5), zero_output_for_mask=True))
case(
    "gru_zero_output_for_mask",
    masked_source('gru(4, seq=true, state=true, zero_output_for_mask=true, name="rec")', "y, h"),
)(masked_recurrent("gru", True, lengths=(3, 5), zero_output_for_mask=True))
case(
    "simple_rnn_zero_output_for_mask",
    masked_source('rnn(4, seq=true, state=true, zero_output_for_mask=true, name="rec")', "y, h"),
)(masked_recurrent("rnn", False, lengths=(4, 1), zero_output_for_mask=True))


# Streaming: a stateful layer fed 3 chunks, states carried; ids 0 mask steps 1..2 (row 0) and 3..4
# (row 1), so a masked run crosses the border between chunks 0|1 and 1|2.
def stateful(kind, **kw):
    def build(rng):
        tokens = id_input("tokens", (B, None))
        e = L.Embedding(10, F, mask_zero=True, name="emb")(tokens)
        y, *states = RECURRENT[kind](U, return_sequences=True, return_state=True, stateful=True, name="rec", **kw)(e)
        data = rng.integers(1, 10, size=(B, 6)).astype(np.int32)
        data[0, 1:3] = 0
        data[1, 3:5] = 0
        return keras.Model(tokens, [y, *states], name="S"), {"tokens": data}

    return build


def stateful_source(layer, outs):
    return (
        "model S(tokens: int[2, T]) {\n"
        '  e = embedding(10, 3, mask_zero=true, name="emb")(tokens)\n'
        f'  {outs} = {layer}(4, seq=true, state=true, stateful=true, name="rec")(e)\n'
        f"  return {outs}\n}}"
    )


case("stateful_lstm_chunks", stateful_source("lstm", "y, h, c"), chunks=[2, 2, 2])(stateful("lstm"))
case("stateful_gru_chunks", stateful_source("gru", "y, h"), chunks=[2, 2, 2])(stateful("gru"))
@case(
    "stateful_lstm_unmasked_chunks",
    "model S(x: [2, T, 3]) {\n"
    '  y, h, c = lstm(4, seq=true, state=true, stateful=true, name="rec")(x)\n'
    "  return y, h, c\n}",
    chunks=[3, 1, 2],
)
def _(rng):
    x = float_input("x", (B, None, F))
    outs = L.LSTM(U, return_sequences=True, return_state=True, stateful=True, name="rec")(x)
    return keras.Model(x, as_list(outs), name="S"), {"x": floats(rng, (B, 6, F))}


case("stateful_simple_rnn_chunks", stateful_source("rnn", "y, h"), chunks=[1, 3, 2])(stateful("rnn"))


if __name__ == "__main__":
    main()

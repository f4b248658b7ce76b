#!/usr/bin/env python3
"""Checks `rnnc export --format keras` in real Keras 3 and records the result.

For every case of scripts/keras-export-cases.ts (each Keras 3 fixture of test/fixtures/keras3/ and
each example of examples/ that checks clean) it takes the module rnnc generates, builds each model
with MODELS[name](), loads the rnnc weights JSON with the module's load_weights, predicts on the
case's inputs and compares with the expected outputs (Keras's for a fixture, rnnc's for an example);
then saves the model as .keras, loads it with keras.models.load_model and compares again; a stateful
model is also fed its fixture's chunks; a model that calls models loads its weights a second time with
each called model's as one flat list; and dump_weights must give back the weights it was given.
Writes test/fixtures/keras-export/results.json: per case, the sha256 of the module text and the
largest differences seen. test/keras-export/ checks that rnnc still writes exactly those modules.
For the ROUND_TRIP cases it also commits the saved .keras and test/fixtures/keras-export/roundtrip.json
(the round trip of `rnnc run --weights m.keras` and `rnnc import m.keras`).

Run from the repository root (CI has no Python; the results are committed):
    /work/venv/bin/python scripts/keras-export-check.py
The venv: python3 -m venv /work/venv && /work/venv/bin/pip install tensorflow-cpu==2.21.0 keras==3.15.1
"""

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

KERAS_VERSION = "3.15.1"
TOLERANCE = 1e-5
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
RESULTS = os.path.join(ROOT, "test", "fixtures", "keras-export", "results.json")
# The round trip (rnnc export → Keras → model.save → rnnc run --weights / rnnc import): for these cases
# the model the exported module built, with rnnc's weights loaded, is saved as .keras and committed
# beside roundtrip.json (its .rnn source, the inputs and the saved model's predictions), which
# test/keras-import/round-trip.test.ts reads. Case → the model of it that is saved.
ROUND_TRIP = {
    "lstm_seq_state": "M",
    "bigru_sum_mask": "M",
    "extra_called_model_twice": "Twice",
    "extra_keras2_hard_sigmoid": "HardSigmoid2",
}
ROUND_TRIP_DIR = os.path.join(ROOT, "test", "fixtures", "keras-export")
ROUND_TRIP_JSON = os.path.join(ROUND_TRIP_DIR, "roundtrip.json")


def array(t, dtype=np.float32):
    return np.asarray(t["data"], dtype=dtype).reshape(t["shape"])


def max_diff(outputs, expected):
    """The largest |Keras - expected| over all outputs; NaN where both are NaN counts as equal."""
    assert len(outputs) == len(expected), f"{len(outputs)} outputs, expected {len(expected)}"
    worst = 0.0
    for got, want in zip(outputs, expected):
        want_a = array(want)
        got = np.asarray(got, dtype=np.float32)
        assert got.shape == want_a.shape, f"shape {got.shape}, expected {want_a.shape}"
        both_nan = np.isnan(got) & np.isnan(want_a)
        diff = np.where(both_nan, 0.0, np.abs(got.astype(np.float64) - want_a.astype(np.float64)))
        worst = max(worst, float(np.nanmax(diff)) if diff.size else 0.0)
        assert not np.isnan(diff).any(), "NaN in one and not the other"
    return worst


def predict(model, inputs):
    ordered = []
    for t in model.inputs:
        data = inputs[t.name]
        dtype = {"int32": np.int32, "bool": np.bool_}.get(str(t.dtype), np.float32)
        ordered.append(array(data, dtype))
    out = model.predict(ordered if len(ordered) > 1 else ordered[0], verbose=0, batch_size=ordered[0].shape[0])
    return list(out) if isinstance(out, (list, tuple)) else [out]


def reset_states(model):
    for layer in model.layers:
        target = getattr(layer, "layer", layer)
        if getattr(target, "stateful", False):
            target.reset_states()


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(f"rnnc_export_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def same_weights(dumped, given, where):
    """dump_weights wrote what load_weights read: same layers, same arrays."""
    assert set(dumped) == set(given), f"{where}: dumped layers {sorted(dumped)}, given {sorted(given)}"
    for name, value in given.items():
        if isinstance(value, dict):
            same_weights(dumped[name], value, f"{where}/{name}")
            continue
        for i, (a, b) in enumerate(zip(dumped[name], value)):
            b_a = array(b) if isinstance(b, dict) else np.asarray(b, dtype=np.float32)
            assert np.array_equal(np.asarray(a, dtype=np.float32), b_a), f"{where}: layer {name} weight {i} changed"


def flat_called_models(weights):
    """The same weights with each called model's given as one flat list (its layers' arrays in order)."""

    def flat(value):
        return [w for v in value.values() for w in (flat(v) if isinstance(v, dict) else v)]

    return {k: (flat(v) if isinstance(v, dict) else v) for k, v in weights.items()}


def check_case(directory, name, work):
    path = os.path.join(directory, name + ".py")
    with open(path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(directory, name + ".json")) as f:
        data = json.load(f)
    module = load_module(path, name)
    worst = {"predict": 0.0, "saved": 0.0}
    for entry in data["models"]:
        keras.backend.clear_session()
        model = module.MODELS[entry["model"]]()
        weights_path = os.path.join(work, f"{name}.weights.json")
        with open(weights_path, "w") as f:
            json.dump(entry["weights"], f)
        module.load_weights(model, weights_path)
        where = f"{name}/{entry['model']}"
        dumped_path = os.path.join(work, f"{name}.dumped.json")
        module.dump_weights(model, dumped_path)
        with open(dumped_path) as f:
            same_weights(json.load(f), entry["weights"], where)
        worst["predict"] = max(worst["predict"], max_diff(predict(model, entry["inputs"]), entry["outputs"]))
        if any(isinstance(v, dict) for v in entry["weights"].values()):
            flat_model = module.MODELS[entry["model"]]()
            with open(weights_path, "w") as f:
                json.dump(flat_called_models(entry["weights"]), f)
            module.load_weights(flat_model, weights_path)
            worst["predict"] = max(worst["predict"], max_diff(predict(flat_model, entry["inputs"]), entry["outputs"]))
        if entry.get("chunks"):
            reset_states(model)
            for chunk in entry["chunks"]:
                worst["predict"] = max(worst["predict"], max_diff(predict(model, chunk["inputs"]), chunk["outputs"]))
        saved = os.path.join(work, f"{name}.keras")
        model.save(saved)
        loaded = keras.models.load_model(saved)
        loaded_outputs = predict(loaded, entry["inputs"])
        worst["saved"] = max(worst["saved"], max_diff(loaded_outputs, entry["outputs"]))
        if ROUND_TRIP.get(name) == entry["model"]:
            keep_round_trip(name, data["source"], entry, saved, loaded_outputs)
        if entry.get("chunks"):
            reset_states(loaded)
            for chunk in entry["chunks"]:
                worst["saved"] = max(worst["saved"], max_diff(predict(loaded, chunk["inputs"]), chunk["outputs"]))
    return {"sha256": sha, "maxDiff": worst["predict"], "savedMaxDiff": worst["saved"], "models": len(data["models"])}


def keep_round_trip(name, source, entry, saved, outputs):
    """Commits the saved .keras and what the round-trip test needs: the source, the inputs, Keras's predictions."""
    shutil.copyfile(saved, os.path.join(ROUND_TRIP_DIR, f"{name}.keras"))
    cases = {}
    if os.path.exists(ROUND_TRIP_JSON):
        with open(ROUND_TRIP_JSON) as f:
            cases = json.load(f)["cases"]
    as_json = [{"shape": list(np.shape(o)), "data": np.asarray(o, dtype=np.float32).ravel().tolist()} for o in outputs]
    cases[name] = {"source": source, "model": entry["model"], "inputs": entry["inputs"], "outputs": as_json}
    with open(ROUND_TRIP_JSON, "w") as f:
        json.dump({"keras": keras.__version__, "tolerance": TOLERANCE, "cases": {k: cases[k] for k in sorted(cases)}}, f)
        f.write("\n")


def load_weights_errors(directory, name, work):
    """What load_weights says for a layer the model lacks, a wrong shape and a missing layer (one each)."""
    module = load_module(os.path.join(directory, name + ".py"), name + "_errors")
    with open(os.path.join(directory, name + ".json")) as f:
        entry = json.load(f)["models"][0]
    weights = entry["weights"]
    layer = next(iter(weights))
    first = weights[layer][0]
    wrong_shape = {**weights, layer: [{"shape": [1, *first["shape"][1:]], "data": first["data"][: int(np.prod(first["shape"][1:]))]}, *weights[layer][1:]]}
    bad = {
        "unknown layer": {**weights, "nope": []},
        "wrong shape": wrong_shape,
        "missing layer": {k: v for k, v in weights.items() if k != layer},
    }
    messages = {}
    path = os.path.join(work, "bad.weights.json")
    for what, value in bad.items():
        keras.backend.clear_session()
        model = module.MODELS[entry["model"]]()
        with open(path, "w") as f:
            json.dump(value, f)
        try:
            module.load_weights(model, path)
        except ValueError as error:
            messages[what] = str(error).replace(path, "W.json")
        else:
            raise AssertionError(f"load_weights accepted weights with an {what}")
    return messages


def main():
    if keras.__version__ != KERAS_VERSION:
        sys.exit(f"keras {keras.__version__} found; this check pins Keras {KERAS_VERSION} (see the docstring)")
    only = set(sys.argv[1:])
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run(["npx", "tsx", "scripts/keras-export-cases.ts", directory], cwd=ROOT, check=True)
        with open(os.path.join(directory, "cases.json")) as f:
            names = json.load(f)
        results = {}
        if only and os.path.exists(RESULTS):
            with open(RESULTS) as f:
                results = json.load(f)["cases"]
        failures = []
        for name in names:
            if only and name not in only:
                continue
            try:
                result = check_case(directory, name, directory)
            except Exception as error:  # report every case, then fail
                failures.append(f"{name}: {type(error).__name__}: {error}")
                print(failures[-1])
                continue
            results[name] = result
            bad = max(result["maxDiff"], result["savedMaxDiff"]) > TOLERANCE
            print(f"{name}: max |Δ| {result['maxDiff']:.3g}, after .keras save/load {result['savedMaxDiff']:.3g}{'  FAIL' if bad else ''}")
            if bad:
                failures.append(f"{name}: difference past {TOLERANCE}")
        results = {n: results[n] for n in names if n in results}
        errors = load_weights_errors(directory, "lstm_seq_state", directory)
        for what, message in errors.items():
            print(f"load_weights, {what}: {message}")
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as f:
        summary = {"keras": keras.__version__, "tensorflow": tf.__version__, "tolerance": TOLERANCE}
        json.dump({**summary, "loadWeightsErrors": errors, "cases": results}, f, indent=2)
        f.write("\n")
    if failures:
        sys.exit("\n".join(["FAILED:", *failures]))


if __name__ == "__main__":
    main()

// The fixed parts of a generated Keras module: its imports, tf.keras 2's hard_sigmoid as a registered
// activation (so a `.keras` file saved from the model loads again), and the weights helpers that read
// and write rnnc's weights JSON (LANGUAGE.md §3: by layer name, arrays in get_weights() order, a called
// model nested under its name or given as one flat list).

export const IMPORTS = `import json

import keras
import numpy as np`;

/** Defined only in modules that use it: Keras 3's own "hard_sigmoid" is a different function. */
export const HARD_SIGMOID_TF2 = `@keras.saving.register_keras_serializable(package="rnnc")
def hard_sigmoid_tf2(x):
    """tf.keras 2's (and TensorFlow.js's) hard_sigmoid: clip(0.2 x + 0.5, 0, 1).

    Keras 3's "hard_sigmoid" is relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1), a different function; this
    one is what a \`keras 2\` .rnn file means. Registered, so a .keras file saved from the model loads
    again (in a process that imported this module).
    """
    return keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)`;

/** Called first in every build function with the model's layer names. */
export const RESERVE_NAMES = `def _reserve_names(*names):
    """Counts rnnc's layer names as taken in Keras's automatic naming.

    Keras 3 names the ops of its mask logic automatically ("concatenate", "any", …) and refuses a model
    where such a name is also a layer's; taken, "concatenate" and "concatenate_1" push those ops to
    "concatenate_2" and on.
    """
    for name in names:
        stem, _, suffix = name.rpartition("_")
        if stem and suffix.isdigit():
            while keras.backend.get_uid(stem) <= int(suffix):
                pass
        else:
            keras.backend.get_uid(name)`;

export const WEIGHT_HELPERS = `def _weight_array(value, where):
    """One weight: a nested list of numbers, or {"shape": [...], "data": [...flat]}."""
    if isinstance(value, dict):
        if "shape" not in value or "data" not in value:
            raise ValueError(f"{where}: expected a nested list of numbers or {{shape, data}}, found keys {sorted(value)}")
        data = np.asarray(value["data"], dtype=np.float32)
        shape = tuple(int(d) for d in value["shape"])
        if data.size != int(np.prod(shape, dtype=np.int64)):
            raise ValueError(f"{where}: shape {list(shape)} needs {int(np.prod(shape))} numbers, found {data.size}")
        return data.reshape(shape)
    try:
        return np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: not an array of numbers ({error})") from None


def _layer_with_weights(model, name, where):
    try:
        return model.get_layer(name)
    except ValueError:
        names = ", ".join(layer.name for layer in model.layers if layer.weights)
        raise ValueError(f"{where}: model {model.name!r} has no layer {name!r} (layers with weights: {names or 'none'})") from None


def _set_layer_weights(layer, arrays, where):
    expected = [tuple(int(d) for d in w.shape) for w in layer.weights]
    if len(arrays) != len(expected):
        raise ValueError(f"{where}: layer {layer.name!r} has {len(expected)} weight arrays, the file gives {len(arrays)}")
    for i, (array, shape) in enumerate(zip(arrays, expected)):
        if tuple(array.shape) != shape:
            raise ValueError(f"{where}: layer {layer.name!r} weight {i}: expected shape {list(shape)}, found {list(array.shape)}")
    layer.set_weights(arrays)


def _weighted_layers(model):
    """The layers of a model that own weights, in order, called models expanded (the flat-list order)."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _weighted_layers(layer)
        elif layer.weights:
            yield layer


def _load_into(model, weights, where):
    if not isinstance(weights, dict):
        raise ValueError(f"{where}: expected an object of layer names, found {type(weights).__name__}")
    given = set()
    for name, value in weights.items():
        layer = _layer_with_weights(model, name, where)
        given.add(name)
        if isinstance(value, dict):
            if not isinstance(layer, keras.Model):
                raise ValueError(f"{where}: {name!r} is a layer, not a called model: give it a list of arrays")
            _load_into(layer, value, f"{where}/{name}")
            continue
        if not isinstance(value, list):
            raise ValueError(f"{where}: layer {name!r}: expected a list of weight arrays, found {type(value).__name__}")
        arrays = [_weight_array(w, f"{where}: layer {name!r} weight {i}") for i, w in enumerate(value)]
        if isinstance(layer, keras.Model):
            # A called model's weights as one flat list: its layers' weights concatenated in order.
            for inner in _weighted_layers(layer):
                count = len(inner.weights)
                if len(arrays) < count:
                    raise ValueError(f"{where}: called model {name!r}: the flat list ends before layer {inner.name!r}")
                _set_layer_weights(inner, arrays[:count], f"{where}/{name}")
                arrays = arrays[count:]
            if arrays:
                raise ValueError(f"{where}: called model {name!r}: {len(arrays)} weight arrays left over")
        else:
            _set_layer_weights(layer, arrays, where)
    missing = [layer.name for layer in model.layers if (layer.weights and layer.name not in given)]
    if missing:
        raise ValueError(f"{where}: no weights for layer(s) {', '.join(map(repr, missing))} of model {model.name!r}")


def load_weights(model, path):
    """Loads an rnnc weights JSON file (the one \`rnnc run --weights\` reads) into a model of MODELS.

    Every layer with weights must be in the file and every array must have Keras's shape; the error
    names the layer otherwise, and nothing is half-loaded silently.
    """
    with open(path, encoding="utf-8") as f:
        weights = json.load(f)
    _load_into(model, weights, str(path))


def _weights_json(model):
    out = {}
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out[layer.name] = _weights_json(layer)
        elif layer.weights:
            out[layer.name] = [w.tolist() for w in layer.get_weights()]
    return out


def dump_weights(model, path):
    """Writes the model's weights as rnnc weights JSON: \`rnnc run FILE.rnn --weights PATH\` reads it."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(_weights_json(model), f)`;

# The official ONNX checker over many files in one process (test/onnx/checker.test.ts): reads a JSON
# list of paths on stdin, prints one JSON list with, per file, the checker's verdict
# (onnx.checker.check_model with full_check=True, which also runs strict shape inference) and the
# header fields and graph inputs/outputs the test compares with rnnc's model.
import json
import sys

import onnx


def value_info(v):
    t = v.type.tensor_type
    dims = []
    for d in t.shape.dim:
        which = d.WhichOneof("value")
        dims.append({"param": d.dim_param} if which == "dim_param" else {"value": d.dim_value} if which == "dim_value" else {})
    return {"name": v.name, "elem_type": t.elem_type, "dims": dims if t.HasField("shape") else None}


def report(path):
    model = onnx.load(path)
    out = {
        "path": path,
        "ir_version": model.ir_version,
        "opsets": {o.domain: o.version for o in model.opset_import},
        "producer": model.producer_name,
        "inputs": [value_info(v) for v in model.graph.input],
        "outputs": [value_info(v) for v in model.graph.output],
        "error": None,
    }
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as e:  # the checker's ValidationError, or shape inference's InferenceError
        out["error"] = "%s: %s" % (type(e).__name__, str(e).strip())
    return out


print(json.dumps({"onnx": onnx.__version__, "models": [report(p) for p in json.load(sys.stdin)]}))

# The official ONNX checker over many files in one process (test/onnx/checker.test.ts): reads a JSON
# list of paths on stdin, prints one JSON list with, per file, the checker's verdict
# (onnx.checker.check_model with full_check=True, which also runs strict shape inference) and the
# header fields, graph inputs/outputs and unused initializers the test compares with rnnc's model.
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


def read_names(graph):
    """Every value name a node of `graph` or of its subgraphs (Scan and If bodies) reads."""
    names = set()
    for node in graph.node:
        names.update(node.input)
        for a in node.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                names |= read_names(a.g)
            for g in a.graphs:
                names |= read_names(g)
    return names


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
        "unused_initializers": sorted(i.name for i in model.graph.initializer if i.name not in read_names(model.graph)),
    }
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as e:  # the checker's ValidationError, or shape inference's InferenceError
        out["error"] = "%s: %s" % (type(e).__name__, str(e).strip())
    return out


print(json.dumps({"onnx": onnx.__version__, "models": [report(p) for p in json.load(sys.stdin)]}))

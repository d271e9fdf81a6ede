"""Writes small invalid ONNX models for the engine's error-handling tests.

usage: make_bad_models.py OUT_DIR
"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save


def conv_model(nodes, initializers, name):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    weights = numpy_helper.from_array(np.ones((4, 3, 3, 3), np.float32), "w")
    wrong_weights = numpy_helper.from_array(np.ones((4, 5, 3, 3), np.float32), "w")
    save(conv_model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv_without_weights")], [], "missing"),
         os.path.join(out, "missing_initializer.onnx"))
    save(conv_model([helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
                     helper.make_node("GridSample", ["c", "c"], ["y"], name="the_grid_sampler")], [weights], "unsupported"),
         os.path.join(out, "unsupported_op.onnx"))
    save(conv_model([helper.make_node("Conv", ["x", "w"], ["y"], name="mismatched_conv")], [wrong_weights], "mismatch"),
         os.path.join(out, "shape_mismatch.onnx"))
    # Target shapes and pads whose products or sums overflow a 64-bit integer.
    huge_shape = numpy_helper.from_array(np.array([2**40, 2**40, 1, 1], np.int64), "huge_shape")
    save(conv_model([helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
                     helper.make_node("Reshape", ["c", "huge_shape"], ["y"], name="overflowing_reshape")],
                    [weights, huge_shape], "huge_reshape"),
         os.path.join(out, "huge_reshape.onnx"))
    save(conv_model([helper.make_node("Conv", ["x", "w"], ["y"], name="overflowing_conv",
                                      pads=[2**62, 2**62, 2**62, 2**62])], [weights], "huge_pads"),
         os.path.join(out, "huge_pads.onnx"))
    save(conv_model([helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
                     helper.make_node("Relu", ["c"], ["y"], name="relu")], [weights], "valid"),
         os.path.join(out, "valid.onnx"))


if __name__ == "__main__":
    main()

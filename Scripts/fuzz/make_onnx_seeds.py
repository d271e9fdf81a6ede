"""Writes small ONNX seed models for the model-loader fuzzer, one per family
of loader paths: a conv/BatchNorm/classifier stack, a torchvision-style
channel shuffle (shape sub-graph feeding Reshape), and the tensor-plumbing
and pooling operators. Weights are tiny so the fuzzer mutates structure.

    .build/venv/bin/python Scripts/fuzz/make_onnx_seeds.py Scripts/fuzz/onnx/Seeds/ONNXLoaderFuzzer
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)


def weight(name, *shape):
    return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)


def save(name, nodes, initializers, input_shape, output_shape, opset=14):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, input_shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, output_shape)], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


save("classifier", [
    helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
    helper.make_node("BatchNormalization", ["c", "s", "o", "m", "v"], ["n"]),
    helper.make_node("Clip", ["n", "lo", "hi"], ["r"]),
    helper.make_node("Conv", ["r", "dw"], ["d"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=4),
    helper.make_node("HardSwish", ["d"], ["h"]),
    helper.make_node("GlobalAveragePool", ["h"], ["g"]),
    helper.make_node("Flatten", ["g"], ["f"]),
    helper.make_node("Gemm", ["f", "fc", "fb"], ["z"], transB=1),
    helper.make_node("Softmax", ["z"], ["y"], axis=1),
], [weight("w", 4, 3, 3, 3), weight("b", 4), weight("s", 4), weight("o", 4), weight("m", 4),
    numpy_helper.from_array(np.ones(4, np.float32), "v"), numpy_helper.from_array(np.float32(0), "lo"),
    numpy_helper.from_array(np.float32(6), "hi"), weight("dw", 4, 1, 3, 3), weight("fc", 3, 4), weight("fb", 3)],
    [1, 3, 8, 8], [1, 3])

save("channel_shuffle", [
    helper.make_node("Shape", ["x"], ["shape"]),
    helper.make_node("Gather", ["shape", "zero"], ["batch"], axis=0),
    helper.make_node("Unsqueeze", ["batch", "axes"], ["batch1"]),
    helper.make_node("Concat", ["batch1", "grouped"], ["target"], axis=0),
    helper.make_node("Reshape", ["x", "target"], ["r"]),
    helper.make_node("Transpose", ["r"], ["t"], perm=[0, 2, 1, 3, 4]),
    helper.make_node("Reshape", ["t", "flat"], ["u"]),
    helper.make_node("Split", ["u", "halves"], ["a", "b"], axis=1),
    helper.make_node("Relu", ["a"], ["ra"]),
    helper.make_node("Concat", ["ra", "b"], ["y"], axis=1),
], [numpy_helper.from_array(np.array(0, np.int64), "zero"), numpy_helper.from_array(np.array([0], np.int64), "axes"),
    numpy_helper.from_array(np.array([2, 2, 4, 4], np.int64), "grouped"),
    numpy_helper.from_array(np.array([1, 4, 4, 4], np.int64), "flat"),
    numpy_helper.from_array(np.array([2, 2], np.int64), "halves")],
    [1, 4, 4, 4], [1, 4, 4, 4])

save("plumbing", [
    helper.make_node("Pad", ["x", "pads"], ["p"], mode="constant"),
    helper.make_node("MaxPool", ["p"], ["mp"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
    helper.make_node("AveragePool", ["p"], ["ap"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1,
                     count_include_pad=0),
    helper.make_node("Sum", ["mp", "ap"], ["s"]),
    helper.make_node("LRN", ["s"], ["l"], size=3),
    helper.make_node("Slice", ["l", "starts", "ends", "axes"], ["sl"]),
    helper.make_node("ReduceMean", ["sl"], ["rm"], axes=[2, 3], keepdims=1),
    helper.make_node("Sigmoid", ["rm"], ["sg"]),
    helper.make_node("Mul", ["sl", "sg"], ["m"]),
    helper.make_node("Squeeze", ["m", "sq"], ["y"]),
], [numpy_helper.from_array(np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64), "pads"),
    numpy_helper.from_array(np.array([0], np.int64), "starts"), numpy_helper.from_array(np.array([2], np.int64), "ends"),
    numpy_helper.from_array(np.array([1], np.int64), "axes"), numpy_helper.from_array(np.array([0], np.int64), "sq")],
    [1, 2, 6, 6], [2, 4, 4])

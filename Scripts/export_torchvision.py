#!/usr/bin/env python3
"""Export torchvision classifiers to ONNX, ready for Fovea to serve.

For each model it writes `<out>/<name>/model.onnx` (opset 13, input `input`
float32 [N, 3, H, W], output `logits` [N, classes], batch dimension N
dynamic) and `<out>/<name>/labels.txt`, checks the export against PyTorch
with onnxruntime when that is installed, and prints a config entry to paste
under `models:` in Config/fovea.yaml.

Weights: this machine cannot download torchvision's pretrained weights, so
they come from a file. `--weights FILE.pth` loads a state_dict saved with
`torch.save(model.state_dict(), path)`: torchvision's own ImageNet weights
or a fine-tuned model whose classifier has another number of classes (the
count is read from the classifier's weight shape). Without `--weights` the
model keeps its random initialisation (seeded, so exports are reproducible):
useful to test the serving path and measure speed, useless for predictions,
and the script says so loudly.

Labels: 1000-class models get torchvision's ImageNet class names (shipped in
the weights metadata, no download). Other class counts take `--labels FILE`
(one name per line) or fall back to `class 0`, `class 1`, ...

Runs with Debian's python3-torchvision (torch 1.13, torchvision 0.14), e.g.
.build/venv/bin/python or .build/tooling-venv/bin/python.

Usage:
    export_torchvision.py resnet18 mobilenet_v3_small -o .build/model-zoo
    export_torchvision.py --all -o .build/model-zoo
    export_torchvision.py resnet50 --weights resnet50-0676ba61.pth -o zoo
    export_torchvision.py mobilenet_v2 --weights pets.pth --labels pets.txt -o zoo
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

OPSET = 13
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
SEED = 0


@dataclass(frozen=True)
class ZooEntry:
    """An architecture and the state_dict key of its last classifier weight.

    `builder` names a torchvision model, or, with `local`, a constructor in
    Scripts/models/ given as "module:function" (architectures torchvision
    does not ship).
    """

    builder: str
    classifier_weight: str
    local: str | None = None


ZOO: dict[str, ZooEntry] = {
    "alexnet": ZooEntry("alexnet", "classifier.6.weight"),
    "squeezenet1_0": ZooEntry("squeezenet1_0", "classifier.1.weight"),
    "squeezenet1_1": ZooEntry("squeezenet1_1", "classifier.1.weight"),
    "shufflenet_v2_x0_5": ZooEntry("shufflenet_v2_x0_5", "fc.weight"),
    "shufflenet_v2_x1_0": ZooEntry("shufflenet_v2_x1_0", "fc.weight"),
    "mobilenet_v2": ZooEntry("mobilenet_v2", "classifier.1.weight"),
    "mobilenet_v3_large": ZooEntry("mobilenet_v3_large", "classifier.3.weight"),
    "mobilenet_v3_small": ZooEntry("mobilenet_v3_small", "classifier.3.weight"),
    "resnet18": ZooEntry("resnet18", "fc.weight"),
    "resnet50": ZooEntry("resnet50", "fc.weight"),
    "wide_resnet50_2": ZooEntry("wide_resnet50_2", "fc.weight"),
    "mnasnet0_5": ZooEntry("mnasnet0_5", "classifier.1.weight"),
    "mnasnet1_0": ZooEntry("mnasnet1_0", "classifier.1.weight"),
    "mobilenet_v1": ZooEntry("mobilenet_v1", "classifier.weight", local="mobilenet_v1:MobileNetV1"),
    "parnet_s": ZooEntry("parnet_s", "classifier.weight", local="parnet:parnet_s"),
}

# ImageNet class names for architectures outside torchvision, which ship no
# weights metadata: any torchvision ImageNet classifier has the same 1000.
IMAGENET_LABELS_SOURCE = "resnet18"

STAGES = ("build", "labels", "export", "check")


class ExportError(Exception):
    """An export that cannot go ahead; the message says what to change."""


# --------------------------------------------------------------------------
# Progress display
# --------------------------------------------------------------------------


class Progress:
    """Counts finished steps on stderr: tqdm when installed, else a text bar."""

    WIDTH = 30

    def __init__(self, total: int):
        self.total = total
        self.done = 0
        try:
            from tqdm import tqdm
        except ImportError:
            self.bar = None
        else:
            self.bar = tqdm(total=total, unit="step", file=sys.stderr, dynamic_ncols=True)

    def step(self, label: str) -> None:
        """Announces the step about to run."""
        if self.bar is not None:
            self.bar.set_description(label)
            self.bar.refresh()
        else:
            filled = self.WIDTH * self.done // self.total
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            print(f"[{bar}] {self.done}/{self.total} {label}", file=sys.stderr, flush=True)

    def advance(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)

    def write(self, message: str) -> None:
        """Prints above the bar without tearing it."""
        if self.bar is not None:
            self.bar.write(message, file=sys.stderr)
        else:
            print(message, file=sys.stderr, flush=True)

    def close(self, finished: bool) -> None:
        if self.bar is not None:
            self.bar.close()
        elif finished:
            print(f"[{'#' * self.WIDTH}] {self.done}/{self.total} done", file=sys.stderr, flush=True)


def loud_warning(progress: Progress, lines: list[str]) -> None:
    width = max(len(line) for line in lines) + 4
    border = "!" * width
    progress.write("\n".join([border] + [f"! {line.ljust(width - 4)} !" for line in lines] + [border]))


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------


def read_state_dict(path: Path) -> dict:
    """A state_dict from a .pth file, unwrapping common checkpoint layouts."""
    import torch

    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError as error:
        raise ExportError(f"weights file {path} not found") from error
    except Exception as error:
        raise ExportError(
            f"cannot read {path} as a state_dict ({error}); save weights with "
            "torch.save(model.state_dict(), path), not the whole model"
        ) from error
    for key in ("state_dict", "model_state_dict", "model"):
        if isinstance(loaded, dict) and isinstance(loaded.get(key), dict):
            loaded = loaded[key]
            break
    if not isinstance(loaded, dict) or not all(hasattr(v, "shape") for v in loaded.values()):
        raise ExportError(f"{path} does not contain a state_dict of tensors")
    # nn.DataParallel prefixes every key with "module.".
    if loaded and all(key.startswith("module.") for key in loaded):
        loaded = {key[len("module."):]: value for key, value in loaded.items()}
    return loaded


def imagenet_categories(builder: str) -> list[str]:
    from torchvision import models

    if builder not in models.list_models():
        builder = IMAGENET_LABELS_SOURCE
    weights_enum = models.get_model_weights(builder)
    return list(next(iter(weights_enum)).meta["categories"])


def build_model(name: str, state_dict: dict | None):
    """The architecture with the weights applied (or seeded random ones) and its class count."""
    import torch
    from torchvision import models

    entry = ZOO[name]
    classes = 1000
    if state_dict is not None:
        weight = state_dict.get(entry.classifier_weight)
        if weight is None:
            raise ExportError(
                f"the weights have no '{entry.classifier_weight}'; are they really {name} weights?"
            )
        classes = int(weight.shape[0])
    torch.manual_seed(SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if entry.local:
            model = local_constructor(entry.local)(num_classes=classes)
        else:
            model = models.get_model(entry.builder, weights=None, num_classes=classes)
    if state_dict is not None:
        try:
            result = model.load_state_dict(state_dict, strict=False)
        except RuntimeError as error:  # shape mismatches, e.g. resnet18 weights for resnet50
            mismatches = [line.strip() for line in str(error).splitlines() if "size mismatch" in line]
            raise ExportError(
                f"the weights do not fit {name}: {len(mismatches)} tensors have other shapes, first: "
                + (mismatches[0] if mismatches else str(error))
            ) from error
        if result.missing_keys or result.unexpected_keys:
            raise ExportError(
                f"the weights do not fit {name}: missing {result.missing_keys[:5]}, "
                f"unexpected {result.unexpected_keys[:5]}"
            )
    return model.eval(), classes


def local_constructor(spec: str):
    """The "module:function" constructor from Scripts/models/."""
    import importlib

    module_name, function = spec.split(":")
    models_dir = str(Path(__file__).resolve().parent / "models")
    if models_dir not in sys.path:
        sys.path.insert(0, models_dir)
    return getattr(importlib.import_module(module_name), function)


@contextlib.contextmanager
def static_channel_shuffle():
    """Makes ShuffleNetV2's channel split and shuffle trace with constant shapes.

    torchvision reads every dimension with `x.size()`, so with a dynamic batch
    axis the export computes each Reshape/Slice bound at run time through
    Shape -> Gather -> Div -> Concat chains. Only the batch is dynamic, so the
    same operations are traced here with the channel/spatial sizes as
    constants and -1 for the batch: identical arithmetic, and a graph whose
    Reshape and Slice take constant inputs.
    """
    import torch
    from torchvision.models import shufflenetv2

    def channel_shuffle(x, groups: int):
        _, channels, height, width = (int(d) for d in x.shape)
        x = x.reshape(-1, groups, channels // groups, height, width)
        return torch.transpose(x, 1, 2).reshape(-1, channels, height, width)

    def forward(self, x):
        if self.stride == 1:
            half = int(x.shape[1]) // 2
            out = torch.cat((x[:, :half], self.branch2(x[:, half:])), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)

    original = shufflenetv2.InvertedResidual.forward
    shufflenetv2.InvertedResidual.forward = forward
    try:
        yield
    finally:
        shufflenetv2.InvertedResidual.forward = original


def export_onnx(model, path: Path, size: int) -> None:
    import torch

    example = torch.randn(1, 3, size, size)
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad(), warnings.catch_warnings(), static_channel_shuffle():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            example,
            str(path),
            opset_version=OPSET,
            input_names=["input"],
            output_names=["logits"],
            dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
            do_constant_folding=True,
        )


def check_export(model, path: Path, size: int) -> str:
    """Compares onnxruntime with PyTorch on a batch of 2 (also proves the batch axis is dynamic)."""
    import numpy as np
    import torch

    try:
        import onnxruntime
    except ImportError:
        return "not checked (onnxruntime not installed)"
    batch = torch.from_numpy(np.random.default_rng(SEED).standard_normal((2, 3, size, size)).astype(np.float32))
    with torch.no_grad():
        expected = model(batch).numpy()
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    actual = session.run(None, {"input": batch.numpy()})[0]
    difference = float(np.max(np.abs(expected - actual)))
    # Relative to the logits' size: random-weight nets can produce large values.
    allowed = 1e-4 * max(1.0, float(np.max(np.abs(expected))))
    if actual.shape != expected.shape or difference > allowed:
        raise ExportError(
            f"onnxruntime disagrees with PyTorch on {path}: shapes {actual.shape} vs {expected.shape}, "
            f"max difference {difference:.3g} (allowed {allowed:.3g})"
        )
    return f"onnxruntime matches PyTorch (max |diff| {difference:.2g})"


def config_entry(name: str, out_dir: Path, classes: int, resize: int, crop: int, trained: bool) -> str:
    comment = "" if trained else "  # RANDOM WEIGHTS: predictions are meaningless"
    mean = ", ".join(str(v) for v in IMAGENET_MEAN)
    std = ", ".join(str(v) for v in IMAGENET_STD)
    return "\n".join([
        f"  - name: {name}{comment}",
        # Absolute, because fovea.yaml resolves relative paths against its own
        # directory, which need not be where this script ran.
        f"    path: {(out_dir / name / 'model.onnx').resolve()}",
        f"    labels: {(out_dir / name / 'labels.txt').resolve()}   # {classes} classes",
        "    preprocess:",
        f"      resize: {{mode: shorter_side, size: {resize}}}",
        f"      crop: [{crop}, {crop}]",
        "      scale: unit",
        f"      mean: [{mean}]",
        f"      std: [{std}]",
        "      layout: nchw",
    ])


def export_one(name: str, args, state_dict, user_labels, progress: Progress) -> str:
    target = args.output_dir / name
    progress.step(f"{name}: build")
    model, classes = build_model(name, state_dict)
    progress.advance()

    progress.step(f"{name}: labels")
    if user_labels is not None:
        if len(user_labels) != classes:
            raise ExportError(f"--labels has {len(user_labels)} names but the weights have {classes} classes")
        labels = user_labels
    elif classes == 1000:
        labels = imagenet_categories(ZOO[name].builder)
    else:
        labels = [f"class {index}" for index in range(classes)]
        progress.write(f"note: {name} has {classes} classes and no --labels; writing 'class 0' ... 'class {classes - 1}'")
    target.mkdir(parents=True, exist_ok=True)
    (target / "labels.txt").write_text("".join(label + "\n" for label in labels), encoding="utf-8")
    progress.advance()

    progress.step(f"{name}: export")
    export_onnx(model, target / "model.onnx", args.crop)
    progress.advance()

    progress.step(f"{name}: check")
    verdict = check_export(model, target / "model.onnx", args.crop)
    progress.advance()
    size_mb = (target / "model.onnx").stat().st_size / 1e6
    progress.write(f"{name}: {target / 'model.onnx'} ({size_mb:.1f} MB, {classes} classes), {verdict}")
    return config_entry(name, args.output_dir, classes, args.resize, args.crop, state_dict is not None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Export torchvision classifiers to ONNX (opset 13, dynamic batch) with labels and a config entry."
    )
    parser.add_argument("models", nargs="*", metavar="MODEL", help=f"one or more of: {', '.join(ZOO)}")
    parser.add_argument("--all", action="store_true", help="export every model in the list")
    parser.add_argument("--list", action="store_true", help="list the supported models and exit")
    parser.add_argument("-o", "--output-dir", type=Path, help="directory that receives <name>/model.onnx")
    parser.add_argument("--weights", type=Path, help="state_dict (.pth) to load; only with a single MODEL")
    parser.add_argument("--labels", type=Path, help="class names, one per line, for --weights with a custom head")
    parser.add_argument("--resize", type=int, default=256, help="shorter side before cropping (default 256)")
    parser.add_argument("--crop", type=int, default=224, help="centre crop, also the export size (default 224)")
    args = parser.parse_args(argv)

    if args.list:
        print("\n".join(ZOO))
        return 0
    names = list(ZOO) if args.all else args.models
    if not names:
        parser.error("name at least one MODEL, or use --all")
    unknown = [name for name in names if name not in ZOO]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; choose from: {', '.join(ZOO)}")
    if args.output_dir is None:
        parser.error("-o/--output-dir is required")
    if args.weights is not None and len(names) != 1:
        parser.error("--weights belongs to one model: name exactly one MODEL")
    if args.labels is not None and args.weights is None:
        parser.error("--labels goes with --weights (without it the classes are ImageNet's)")
    if not 0 < args.crop <= args.resize:
        parser.error("--crop must be positive and no larger than --resize")

    progress = Progress(total=len(names) * len(STAGES))
    try:
        state_dict = read_state_dict(args.weights) if args.weights is not None else None
        user_labels = None
        if args.labels is not None:
            try:
                text = args.labels.read_text(encoding="utf-8")
            except OSError as error:
                raise ExportError(f"cannot read --labels {args.labels}: {error}") from error
            user_labels = [line.strip() for line in text.splitlines() if line.strip()]
        if state_dict is None:
            loud_warning(progress, [
                "WARNING: no --weights given: exporting RANDOMLY INITIALISED models.",
                "They run at full speed but their predictions are meaningless.",
                "Pass --weights FILE.pth (a state_dict) for a model that classifies.",
            ])
        entries = [export_one(name, args, state_dict, user_labels, progress) for name in names]
    except ExportError as error:
        progress.close(finished=False)
        print(f"export_torchvision.py: {error}", file=sys.stderr)
        return 1
    progress.close(finished=True)
    print("# Paste under `models:` in Config/fovea.yaml")
    print("\n".join(entries))
    return 0


if __name__ == "__main__":
    sys.exit(main())

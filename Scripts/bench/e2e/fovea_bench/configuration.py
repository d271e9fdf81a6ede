"""Configurations for the runs, derived from a Fovea YAML file.

A run serves one model from its own process, so the written configuration
keeps the given file's `server` section (limits, timeouts, threads), makes
every path absolute and lists only the models the run needs. Models named on
the command line that the file does not define are torchvision exports made by
`Scripts/export_torchvision.py` into `.build/model-zoo` (random weights: the
speed is the architecture's, the predictions are meaningless).
"""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path

import yaml

from . import paths

IMAGENET_PREPROCESS = {
    "resize": {"mode": "shorter_side", "size": 256},
    "crop": [224, 224],
    "scale": "unit",
    "mean": [0.485, 0.456, 0.406],
    "std": [0.229, 0.224, 0.225],
    "layout": "nchw",
}


class ConfigurationProblem(Exception):
    """A model the run cannot find or export."""


class BenchConfiguration:
    """A Fovea configuration file, read once, from which run configurations are made."""

    def __init__(self, path: Path):
        self.path = path.resolve()
        with open(self.path) as file:
            self.raw = yaml.safe_load(file) or {}
        self.base_dir = self.path.parent

    def _absolute(self, value: str) -> str:
        candidate = Path(value)
        return str(candidate if candidate.is_absolute() else (self.base_dir / candidate).resolve())

    def model_entry(self, name: str) -> dict:
        """The file's entry for `name` with absolute paths, else a model-zoo export of that name."""
        for entry in self.raw.get("models") or []:
            if entry.get("name") == name:
                entry = copy.deepcopy(entry)
                entry["path"] = self._absolute(entry["path"])
                if entry.get("labels"):
                    entry["labels"] = self._absolute(entry["labels"])
                return entry
        return zoo_entry(name)

    def serve_config(self, models: list[dict], active: str | None = None, admin_token: str | None = None,
                     model_dir: Path | None = None, server_overrides: dict | None = None) -> dict:
        server = copy.deepcopy(self.raw.get("server") or {})
        server.pop("host", None)  # the scripts pass --host/--port: loopback, random port
        server.pop("port", None)
        server.pop("tls", None)
        for key, value in (server_overrides or {}).items():
            if isinstance(value, dict):
                server.setdefault(key, {}).update(value)
            else:
                server[key] = value
        config: dict = {"server": server, "models": models}
        config["active_model"] = active or models[0]["name"]
        if admin_token:
            config["admin"] = {"token": admin_token}
        if model_dir is not None:
            config["model_dir"] = str(model_dir)
        return config


def with_settings(entry: dict, settings: dict) -> dict:
    """A copy of a model entry with `settings` merged in, nested objects (such as `batching`) key by key."""
    result = copy.deepcopy(entry)
    for key, value in settings.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = with_settings(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def zoo_entry(name: str) -> dict:
    """A config entry for a torchvision export in `.build/model-zoo`, exporting it if missing."""
    model = paths.MODEL_ZOO / name / "model.onnx"
    labels = paths.MODEL_ZOO / name / "labels.txt"
    if not model.is_file():
        export = paths.REPO_ROOT / "Scripts" / "export_torchvision.py"
        if not paths.TOOLING_PYTHON.is_file():
            raise ConfigurationProblem(
                f"'{name}' is not in the configuration and exporting it needs {paths.TOOLING_PYTHON}: "
                "run Scripts/setup-python-env.sh (or make test) first")
        print(f"== exporting {name} with {export.name} into {paths.MODEL_ZOO}", flush=True)
        result = subprocess.run([str(paths.TOOLING_PYTHON), str(export), name, "-o", str(paths.MODEL_ZOO)],
                                capture_output=True, text=True)
        if result.returncode != 0 or not model.is_file():
            raise ConfigurationProblem(f"exporting '{name}' failed:\n{result.stderr[-2000:]}")
    entry = {"name": name, "path": str(model), "output": "logits", "preprocess": copy.deepcopy(IMAGENET_PREPROCESS)}
    if labels.is_file():
        entry["labels"] = str(labels)
    return entry

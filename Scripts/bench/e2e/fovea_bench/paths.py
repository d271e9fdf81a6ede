"""Where the scripts find the repository, the binary, the photos and scratch space."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[4]
BUILD_DIR = REPO_ROOT / ".build"
BENCH_VENV = BUILD_DIR / "bench-venv"
TOOLING_PYTHON = Path(os.environ.get("FOVEA_PYTHON", BUILD_DIR / "venv" / "bin" / "python"))
MODEL_ZOO = BUILD_DIR / "model-zoo"
DEFAULT_CONFIG = REPO_ROOT / "Config" / "fovea.yaml"


def fovea_binary() -> Path:
    """The release build, or `$FOVEA_BIN`."""
    return Path(os.environ.get("FOVEA_BIN", REPO_ROOT / ".build" / "release" / "fovea"))


def shared_dir() -> Path:
    """`shared/` beside the repository root; `$FOVEA_SHARED_DIR` overrides.

    A git worktree elsewhere finds it beside the main checkout instead.
    """
    if "FOVEA_SHARED_DIR" in os.environ:
        return Path(os.environ["FOVEA_SHARED_DIR"])
    beside = REPO_ROOT.parent / "shared"
    if beside.is_dir():
        return beside
    common = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "--path-format=absolute", "--git-common-dir"],
                            capture_output=True, text=True).stdout.strip()
    if common:
        main_checkout_shared = Path(common).parent.parent / "shared"
        if main_checkout_shared.is_dir():
            return main_checkout_shared
    return beside


def image_path(name: str) -> Path:
    """A photo by file name from `shared/images`, or any path given as such."""
    candidate = Path(name)
    if candidate.is_file():
        return candidate.resolve()
    return shared_dir() / "images" / name


def scratch_dir(*parts: str) -> Path:
    directory = BUILD_DIR.joinpath(*parts)
    directory.mkdir(parents=True, exist_ok=True)
    return directory

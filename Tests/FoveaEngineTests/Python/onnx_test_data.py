"""Prints the directory holding the ONNX project's backend test data
(shipped inside the pip `onnx` package)."""
import os

import onnx

print(os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data"))

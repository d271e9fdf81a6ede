"""Runs onnxruntime on a model with a deterministic random input and writes
input and outputs as TensorProto files, the reference for engine tests.

usage: ort_reference.py MODEL.onnx BATCH OUT_DIR
writes OUT_DIR/input_0.pb and OUT_DIR/output_<i>.pb
"""
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import onnxruntime as ort


def main():
    model_path, batch, out_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(out_dir, exist_ok=True)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(1234)
    feeds = {}
    for index, model_input in enumerate(session.get_inputs()):
        shape = [batch if i == 0 else d for i, d in enumerate(model_input.shape)]
        data = rng.standard_normal(shape).astype(np.float32)
        feeds[model_input.name] = data
        tensor = onnx.numpy_helper.from_array(data, model_input.name)
        with open(os.path.join(out_dir, f"input_{index}.pb"), "wb") as f:
            f.write(tensor.SerializeToString())
    for index, value in enumerate(session.run(None, feeds)):
        tensor = onnx.numpy_helper.from_array(value, f"output_{index}")
        with open(os.path.join(out_dir, f"output_{index}.pb"), "wb") as f:
            f.write(tensor.SerializeToString())


if __name__ == "__main__":
    main()

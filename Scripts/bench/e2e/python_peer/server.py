"""The Python peer: an image classifier served the way such services are commonly written.

FastAPI + uvicorn (one worker), onnxruntime on the CPU with
`intra_op_num_threads` threads, Pillow for decoding and resizing, NumPy for the
tensor. It applies the same preprocessing as the Fovea model entry it is
compared with (handed over as the JSON that Fovea's `GET /models` reports), so
both services do the same work per image. Benchmark tool only.

    server.py --model model.onnx --preprocess '{"resize":...}' --port 23456
"""

from __future__ import annotations

import argparse
import io
import json
import time

import numpy as np
import onnxruntime
import uvicorn
from fastapi import FastAPI, HTTPException, Request
from PIL import Image, ImageOps

from preprocessing import Preprocessing


def build_app(model_path: str, preprocessing: Preprocessing, threads: int, output_scores: str) -> FastAPI:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    app = FastAPI()

    @app.get("/healthz")
    async def healthz():
        return {"status": "ok"}

    @app.post("/classify")
    async def classify(request: Request, top_k: int = 5):
        body = await request.body()
        started = time.perf_counter()
        try:
            image = Image.open(io.BytesIO(body))
            image = ImageOps.exif_transpose(image)
            tensor = preprocessing.tensor(image)
        except Exception as error:  # Pillow raises many types for bad bytes
            raise HTTPException(status_code=422, detail=f"undecodable image: {error}")
        decoded = time.perf_counter()
        scores = session.run(None, {input_name: tensor[np.newaxis]})[0][0]
        if output_scores == "logits":
            exp = np.exp(scores - scores.max())
            scores = exp / exp.sum()
        inferred = time.perf_counter()
        best = np.argsort(-scores)[:top_k]
        return {
            "predictions": [{"index": int(i), "score": float(scores[i])} for i in best],
            "timing_ms": {"decode": (decoded - started) * 1e3, "inference": (inferred - decoded) * 1e3},
        }

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--preprocess", required=True, help="JSON, as in Fovea's GET /models")
    parser.add_argument("--threads", type=int, default=2, help="onnxruntime intra-op threads")
    parser.add_argument("--output-scores", choices=["logits", "probabilities"], default="logits")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = build_app(args.model, Preprocessing(json.loads(args.preprocess)), args.threads, args.output_scores)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()

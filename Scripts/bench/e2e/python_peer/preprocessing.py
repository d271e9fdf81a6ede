"""The preprocessing a Fovea model entry declares, done with Pillow and NumPy.

The specification is the JSON object that Fovea's `GET /models` reports under
`preprocess` (resize, optional crop, scale, mean, std, channel_order, layout,
background), so the peer works on exactly the tensor Fovea would build.
Geometry follows torchvision: `Resize(n)` keeps the aspect ratio with the
longer side truncated, `CenterCrop` rounds the offsets.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

SCALES = {
    "unit": lambda x: x / 255.0,
    "minus_one_to_one": lambda x: x / 127.5 - 1.0,
    "raw": lambda x: x,
}


class Preprocessing:
    def __init__(self, spec: dict):
        self.resize_mode = spec["resize"]["mode"]
        self.resize_size = spec["resize"]["size"]
        self.crop = spec.get("crop")
        self.scale = SCALES[spec.get("scale", "unit")]
        self.mean = np.asarray(spec.get("mean", [0, 0, 0]), dtype=np.float32)
        self.std = np.asarray(spec.get("std", [1, 1, 1]), dtype=np.float32)
        self.bgr = spec.get("channel_order", "rgb") == "bgr"
        self.nchw = spec.get("layout", "nchw") == "nchw"
        self.background = tuple(spec.get("background", [255, 255, 255]))

    def _rgb(self, image: Image.Image) -> Image.Image:
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            canvas = Image.new("RGBA", rgba.size, self.background + (255,))
            return Image.alpha_composite(canvas, rgba).convert("RGB")
        return image.convert("RGB")

    def _target_size(self, width: int, height: int) -> tuple[int, int]:
        if self.resize_mode == "exact":
            size = self.resize_size
            target_height, target_width = (size, size) if isinstance(size, int) else size
            return target_width, target_height
        short = self.resize_size if isinstance(self.resize_size, int) else self.resize_size[0]
        if width <= height:
            return short, int(short * height / width)
        return int(short * width / height), short

    def tensor(self, image: Image.Image) -> np.ndarray:
        """The model input for one image, without the batch dimension."""
        image = self._rgb(image)
        image = image.resize(self._target_size(*image.size), Image.BILINEAR)
        if self.crop:
            crop_height, crop_width = self.crop
            left = int(round((image.width - crop_width) / 2))
            top = int(round((image.height - crop_height) / 2))
            image = image.crop((left, top, left + crop_width, top + crop_height))
        pixels = np.asarray(image, dtype=np.float32)
        if self.bgr:
            pixels = pixels[..., ::-1]
        pixels = (self.scale(pixels) - self.mean) / self.std
        if self.nchw:
            pixels = pixels.transpose(2, 0, 1)
        return np.ascontiguousarray(pixels, dtype=np.float32)

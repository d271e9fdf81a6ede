"""Writes the image-pipeline test corpus and its Pillow/NumPy references.

Usage: make_reference_images.py OUTPUT_DIR [SHARED_IMAGES_DIR]

For every case it writes the encoded image and `<name>.ref`, the expected
uint8 HWC tensor (0-255, before normalisation) produced the way torchvision
preprocesses a PIL image: convert('RGB'), Resize (Pillow BILINEAR), CenterCrop.
EXIF orientation is applied first (ImageOps.exif_transpose) and alpha is
composited over white, which is what Fovea promises. `manifest.json` lists the
cases. For one photo it also writes NumPy-normalised float32 tensors that pin
down scale/mean/std, channel order and layout.
"""
import io
import json
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

OUT = sys.argv[1]
SHARED = sys.argv[2] if len(sys.argv) > 2 else None
os.makedirs(OUT, exist_ok=True)
manifest = []


def synthetic(width, height, seed=0):
    """Gradients, hard-edged shapes and mild noise: exercises both smooth areas and edges."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack([255 * x / width, 255 * y / height, 128 + 100 * np.sin(x / 17 + y / 23)], axis=-1)
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for i in range(12):
        x0, y0 = rng.integers(0, width), rng.integers(0, height)
        r = int(rng.integers(width // 20 + 1, width // 5 + 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.ellipse if i % 2 else draw.rectangle)([x0 - r, y0 - r, x0 + r, y0 + r], fill=colour)
    noisy = np.asarray(image).astype(np.float32) + rng.normal(0, 6, (height, width, 3))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6))


def torchvision_like(image, resize, crop):
    width, height = image.size
    if resize[0] == "shorter_side":
        size = resize[1]
        if width <= height:
            new = (size, int(size * height / width))
        else:
            new = (int(size * width / height), size)
    else:
        new = (resize[2], resize[1])
    resized = image.resize(new, Image.BILINEAR)
    if crop is None:
        return np.asarray(resized)
    ch, cw = crop
    top = int(round((new[1] - ch) / 2.0))
    left = int(round((new[0] - cw) / 2.0))
    return np.asarray(resized.crop((left, top, left + cw, top + ch)))


def over_white(rgba):
    """Composite straight alpha over white in float, rounded to 8 bits."""
    a = rgba[..., 3:4].astype(np.float64) / 255
    rgb = rgba[..., :3].astype(np.float64) * a + 255 * (1 - a)
    return Image.fromarray(np.floor(rgb + 0.5).astype(np.uint8))


def add(name, data, upright_rgb, resize=("shorter_side", 256), crop=(224, 224)):
    ext = "png" if data[:4] == b"\x89PNG" else "jpg"
    with open(os.path.join(OUT, f"{name}.{ext}"), "wb") as f:
        f.write(data)
    reference = torchvision_like(upright_rgb, resize, crop)
    reference.astype(np.uint8).tofile(os.path.join(OUT, f"{name}.ref"))
    manifest.append({
        "name": name, "file": f"{name}.{ext}",
        "resize": {"mode": resize[0], "size": list(resize[1:])},
        "crop": list(crop) if crop else None,
        "height": int(reference.shape[0]), "width": int(reference.shape[1]),
    })


def jpeg(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def pillow_png(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **options)
    return buffer.getvalue()


def raw_png(array, color_type, bit_depth, interlace=False):
    """Minimal PNG writer for layouts Pillow cannot save (16-bit colour, Adam7)."""
    height, width = array.shape[:2]
    array = array.reshape(height, width, -1)
    if bit_depth == 16:
        array = array.astype(">u2")

    def rows(sub):
        return b"".join(b"\x00" + sub[y].tobytes() for y in range(sub.shape[0]))

    if interlace:
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        raw = b"".join(rows(array[y0::dy, x0::dx]) for x0, y0, dx, dy in passes
                       if array[y0::dy, x0::dx].size)
    else:
        raw = rows(array)

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlace else 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


photo = synthetic(640, 480, seed=1)
portrait = synthetic(360, 500, seed=2)
big = synthetic(3600, 2700, seed=3)
small = synthetic(150, 100, seed=4)

# JPEG variants. References decode the very same file with Pillow.
for name, data in [
    ("jpeg_baseline_444", jpeg(photo, quality=95, subsampling=0)),
    ("jpeg_baseline_420", jpeg(photo, quality=90, subsampling=2)),
    ("jpeg_progressive", jpeg(photo, quality=90, progressive=True)),
    ("jpeg_portrait_420", jpeg(portrait, quality=90)),
    ("jpeg_gray", jpeg(photo.convert("L"), quality=92)),
    ("jpeg_cmyk", jpeg(photo.convert("CMYK"), quality=95)),
    ("jpeg_large_444", jpeg(big, quality=92, subsampling=0)),
    ("jpeg_large_420_progressive", jpeg(big, quality=85, progressive=True)),
    ("jpeg_upscaled_small", jpeg(small, quality=95)),
]:
    add(name, data, Image.open(io.BytesIO(data)).convert("RGB"))
data = jpeg(photo, quality=92)
add("jpeg_exact_resize", data, Image.open(io.BytesIO(data)).convert("RGB"), resize=("exact", 224, 224), crop=None)
# An odd number of output columns: the horizontal kernel filters two at a time.
add("jpeg_odd_output_size", data, Image.open(io.BytesIO(data)).convert("RGB"), resize=("exact", 115, 97), crop=None)


def ycck_jpeg(image):
    """YCCK is CMYK with the C, M, Y planes stored as YCbCr; Pillow cannot write it,
    so encode the planes ourselves and flip the Adobe transform byte from 0 to 2."""
    # libjpeg turns YCCK into Adobe-inverted CMYK as (255 - R, 255 - G, 255 - B, K)
    # of the YCbCr-decoded planes; inverted C is 255 - C, so R = C (ink), and the
    # K plane is stored inverted.
    cmyk = np.asarray(image.convert("CMYK")).astype(np.float64)
    r, g, b = cmyk[..., 0], cmyk[..., 1], cmyk[..., 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
    planes = np.clip(np.floor(np.stack([y, cb, cr, 255 - cmyk[..., 3]], -1) + 0.5), 0, 255).astype(np.uint8)
    # Pillow stores CMYK inverted (Adobe convention), so pre-invert what it will write.
    data = bytearray(jpeg(Image.fromarray(255 - planes, "CMYK"), quality=95))
    at = data.find(b"\xff\xee")
    assert at >= 0, "libjpeg wrote no Adobe segment"
    transform = at + 4 + 11
    assert data[transform] == 0
    data[transform] = 2
    return bytes(data)


data = ycck_jpeg(photo)
add("jpeg_ycck", data, Image.open(io.BytesIO(data)).convert("RGB"))

# EXIF orientations 1-8 on a landscape image, so rotations change the shape.
for orientation in range(1, 9):
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = jpeg(photo, quality=92, exif=exif.tobytes())
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    add(f"jpeg_exif_orientation_{orientation}", data, upright, resize=("shorter_side", 256), crop=(224, 200))

# Large, odd-sized photos stored turned: decoded at a reduced DCT scale,
# whose blocks then line up from the far end of a flipped axis.
odd = big.crop((0, 0, 3599, 2699))
for orientation in (3, 6):
    exif = Image.Exif()
    exif[0x0112] = orientation
    for subsampling, label in ((0, "444"), (2, "420")):
        data = jpeg(odd, quality=92, subsampling=subsampling, exif=exif.tobytes())
        upright = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
        add(f"jpeg_large_{label}_exif_orientation_{orientation}", data, upright)

# Restart markers, as cameras and Photoshop write them: decodable in strips
# when the preprocessor may use several threads. Large enough (1600×1200) to
# be split; one case per chroma layout, interval height and orientation (the
# 4:2:0 one larger, so that it is split at 1/2 DCT scale too).
restart_photo = synthetic(1600, 1200, seed=6)
for name, image, options in [
    ("jpeg_restart_444", restart_photo, dict(quality=92, subsampling=0, restart_marker_rows=1)),
    ("jpeg_restart_420_every_3_rows", synthetic(2400, 1800, seed=7),
     dict(quality=90, subsampling=2, restart_marker_rows=3)),
    ("jpeg_restart_422", restart_photo, dict(quality=90, subsampling=1, restart_marker_rows=1)),
    ("jpeg_restart_gray", restart_photo.convert("L"), dict(quality=90, restart_marker_rows=1)),
    ("jpeg_restart_cmyk", restart_photo.convert("CMYK"), dict(quality=90, restart_marker_rows=1)),
]:
    data = jpeg(image, **options)
    add(name, data, Image.open(io.BytesIO(data)).convert("RGB"))
exif = Image.Exif()
exif[0x0112] = 6
data = jpeg(restart_photo, quality=90, subsampling=2, restart_marker_rows=1, exif=exif.tobytes())
add("jpeg_restart_420_exif_orientation_6", data, ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB"))
# Restart intervals that end mid-row cannot be split at row boundaries.
data = jpeg(restart_photo, quality=90, restart_marker_blocks=7)
add("jpeg_restart_mid_row", data, Image.open(io.BytesIO(data)).convert("RGB"))
# Below the size where a second thread pays off.
data = jpeg(photo, quality=90, restart_marker_rows=1)
add("jpeg_restart_small", data, Image.open(io.BytesIO(data)).convert("RGB"))

# PNG variants.
rgb = np.asarray(photo)
alpha = np.clip(np.mgrid[0:480, 0:640][1] * 255 / 639, 0, 255).astype(np.uint8)
alpha[100:200, 100:300] = 0
rgba = np.dstack([rgb, alpha])
gray = np.asarray(photo.convert("L"))
add("png_rgb8", pillow_png(photo), photo)
add("png_rgba8", pillow_png(Image.fromarray(rgba, "RGBA")), over_white(rgba))
add("png_gray8", pillow_png(Image.fromarray(gray, "L")), Image.fromarray(gray).convert("RGB"))
la = np.dstack([gray, alpha])
add("png_gray_alpha8", pillow_png(Image.fromarray(la, "LA")),
    over_white(np.dstack([gray, gray, gray, alpha])))
palette_image = photo.quantize(64)
add("png_palette", pillow_png(palette_image), palette_image.convert("RGB"))
palette_image.info["transparency"] = 0
transparent = pillow_png(palette_image, transparency=bytes([0] * 8 + [255] * 56))
add("png_palette_trns", transparent, over_white(np.asarray(Image.open(io.BytesIO(transparent)).convert("RGBA"))))
rgb16 = rgb.astype(np.uint16) * 257 + np.random.default_rng(5).integers(0, 257, rgb.shape).astype(np.uint16)
add("png_rgb16", raw_png(rgb16, 2, 16), Image.fromarray((rgb16 >> 8).astype(np.uint8)))
rgba16 = rgba.astype(np.uint16) * 257
add("png_rgba16", raw_png(rgba16, 6, 16), over_white(rgba))
gray16 = gray.astype(np.uint16) * 257 + 100
# Pillow clips 16-bit gray to 255 when converting to RGB; the correct 8-bit
# value (and libpng's) is the high byte, so the reference is built with NumPy.
add("png_gray16", raw_png(gray16, 0, 16), Image.fromarray((gray16 >> 8).astype(np.uint8)).convert("RGB"))
add("png_rgb8_interlaced", raw_png(rgb, 2, 8, interlace=True), photo)
add("png_rgba8_interlaced", raw_png(rgba, 6, 8, interlace=True), over_white(rgba))

if SHARED:
    for name in ["samoyed.jpg", "samoyed-640.jpg"]:
        path = os.path.join(SHARED, name)
        with open(path, "rb") as f:
            data = f.read()
        add("shared_" + name.split(".")[0].replace("-", "_"), data, Image.open(path).convert("RGB"))

    # Normalisation references (NumPy) for one photo: ImageNet NCHW RGB and
    # Keras-style x/127.5-1 NHWC BGR.
    crop = np.fromfile(os.path.join(OUT, "shared_samoyed_640.ref"), dtype=np.uint8).reshape(224, 224, 3)
    x = crop.astype(np.float32) / 255
    imagenet = (x - np.array([0.485, 0.456, 0.406], np.float32)) / np.array([0.229, 0.224, 0.225], np.float32)
    imagenet.transpose(2, 0, 1).astype("<f4").tofile(os.path.join(OUT, "normalized_imagenet_nchw_rgb.f32"))
    keras = crop.astype(np.float32) / 127.5 - 1
    keras[..., ::-1].astype("<f4").tofile(os.path.join(OUT, "normalized_minus_one_nhwc_bgr.f32"))

with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
print(len(manifest), "cases written to", OUT)

"""Writes small seed inputs (one per decoder branch) for the image fuzzer."""
import io
import os
import sys

from PIL import Image

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
base = Image.radial_gradient("L").resize((48, 36)).convert("RGB")


def save(name, image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    with open(os.path.join(out, name), "wb") as f:
        f.write(buffer.getvalue())


exif = Image.Exif()
exif[0x0112] = 6
save("baseline.jpg", base, "JPEG", quality=80)
save("progressive.jpg", base, "JPEG", progressive=True)
save("gray.jpg", base.convert("L"), "JPEG")
save("cmyk.jpg", base.convert("CMYK"), "JPEG")
save("subsampled.jpg", base, "JPEG", subsampling=2)
save("rotated.jpg", base, "JPEG", exif=exif.tobytes())
save("restart_markers.jpg", base, "JPEG", subsampling=2, restart_marker_rows=1)
save("rgb.png", base, "PNG")
save("rgba.png", base.convert("RGBA"), "PNG")
save("gray.png", base.convert("L"), "PNG")
save("gray_alpha.png", base.convert("LA"), "PNG")
save("palette.png", base.quantize(16), "PNG", transparency=0)
save("gray16.png", base.convert("I;16"), "PNG")

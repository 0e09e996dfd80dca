#!/usr/bin/env python3
"""PIL's bicubic resize as the reference pix2pix code uses it (Image.resize(..., Image.BICUBIC)).

  pil_resize.py fixture OUT_DIR      writes the small synthetic fixture of
                                     common/src/test/resources/resize/ (input.png and PIL's
                                     resizes of it, manifest.json)
  pil_resize.py compare OUT_DIR W H IMAGE...
                                     for each IMAGE (converted to RGB as the reference does,
                                     no Exif rotation) writes PIL's W x H bicubic resize as
                                     OUT_DIR/<n>.png, n = 0, 1, ... (for the Java side to compare)

Our own script; needs numpy and PIL.
"""
import json
import os
import sys

import numpy as np
from PIL import Image

SIZES = [(23, 17), (29, 47), (61, 12), (100, 80), (7, 5)]


def fixture(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20240601)
    h, w = 47, 61
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([x * 255 / (w - 1), y * 255 / (h - 1), ((x // 6 + y // 6) % 2) * 255], axis=-1)
    noise = rng.integers(-40, 41, size=(h, w, 3))
    img = np.clip(base + noise, 0, 255).astype(np.uint8)
    img[20:27, 10:50] = [255, 0, 0]  # hard edges: where resamplers overshoot
    Image.fromarray(img, "RGB").save(os.path.join(out, "input.png"))
    outputs = []
    for (tw, th) in SIZES:
        name = "pil_%dx%d.png" % (tw, th)
        Image.fromarray(img, "RGB").resize((tw, th), Image.BICUBIC).save(os.path.join(out, name))
        outputs.append({"width": tw, "height": th, "file": name})
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"input": "input.png", "pil": Image.__version__, "filter": "BICUBIC", "outputs": outputs}, f, indent=1)
        f.write("\n")


def compare(out, w, h, images):
    os.makedirs(out, exist_ok=True)
    for i, path in enumerate(images):
        Image.open(path).convert("RGB").resize((w, h), Image.BICUBIC).save(os.path.join(out, "%d.png" % i))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "fixture":
        fixture(sys.argv[2])
    elif len(sys.argv) >= 6 and sys.argv[1] == "compare":
        compare(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:])
    else:
        sys.exit(__doc__)

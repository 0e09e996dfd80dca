#!/usr/bin/env python3
"""Prepares the CycleGAN-vs-pix2pix colorization comparison from ../shared/datasets/color-photos (never copied into
the repository): every photo squared to SIZE px (Lanczos), sorted by name, the last HELD photos held out.
Of the rest, the first half's gray versions are CycleGAN's A, the second half's colours its B (no picture on both
sides); pix2pix gets paired gray/colour versions of as many photos (the first half: folders layout A/ and B/).
Held-out: test/gray (inputs) and test/truth (ground truth), as metrics.py compares them."""
import glob, os, sys
from PIL import Image

src, out = sys.argv[1], sys.argv[2]
size = int(sys.argv[3]) if len(sys.argv) > 3 else 64
held = int(sys.argv[4]) if len(sys.argv) > 4 else 20
photos = sorted(p for p in glob.glob(os.path.join(src, "*", "*")) if p.lower().endswith((".png", ".jpg", ".jpeg", ".bmp")))
if len(photos) < held + 4:
    sys.exit("too few photos in %s: %d" % (src, len(photos)))
train, test = photos[:-held], photos[-held:]
half = len(train) // 2
dirs = ["cyclegan/A", "cyclegan/B", "pix2pix/A", "pix2pix/B", "test/gray", "test/truth"]
for d in dirs:
    os.makedirs(os.path.join(out, d), exist_ok=True)

def square(p):
    return Image.open(p).convert("RGB").resize((size, size), Image.LANCZOS)

def name(p):
    return os.path.basename(os.path.dirname(p)) + "_" + os.path.splitext(os.path.basename(p))[0] + ".png"

for i, p in enumerate(train):
    c = square(p); g = c.convert("L").convert("RGB")
    if i < half:
        g.save(os.path.join(out, "cyclegan/A", name(p)))
        g.save(os.path.join(out, "pix2pix/A", name(p))); c.save(os.path.join(out, "pix2pix/B", name(p)))
    else:
        c.save(os.path.join(out, "cyclegan/B", name(p)))
for p in test:
    c = square(p)
    c.save(os.path.join(out, "test/truth", name(p))); c.convert("L").convert("RGB").save(os.path.join(out, "test/gray", name(p)))
print("train %d photos (A %d gray, B %d colour; pix2pix %d pairs), held out %d, %d px"
      % (len(train), half, len(train) - half, half, len(test), size))

#!/usr/bin/env bash
# The seed's comparison, on this machine: CycleGAN trained unpaired (gray half A, colour half B) against pix2pix
# trained on paired gray/colour versions of as many photos, same size, both scored by ../shared/tools/metrics.py on
# held-out photos turned gray, with the gray input as baseline. Not part of the test run (minutes to hours).
#   bench/cyclegan/compare.sh [WORK_DIR] [CG_EPOCHS] [P2P_EPOCHS]   (each: constant + as many decay epochs)
# Env: SIZE (64), CG_NETG (resnet_6blocks), CG_NGF (16), P2P_NETG (unet_64), P2P_NGF (32), PARALLEL (1: both at once,
# one thread each)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
shared="$root/../shared"; P="$root/deploy/bin/pix2pix"; PY="${PYTHON:-/usr/bin/python3}"
work="${1:-/tmp/pix2pix-cyclegan-compare}"; cge="${2:-15}"; p2pe="${3:-20}"
size="${SIZE:-64}"; load=$(( size * 9 / 8 ))
rm -rf "$work"; mkdir -p "$work"
"$PY" "$here/prepare.py" "$shared/datasets/color-photos" "$work/data" "$size" 20
common=(--size "$size" --load-size "$load" --device cpu --json --no-cache --checkpoint-every 1000)
cg() { /usr/bin/time -f "%e" -o "$work/cg.seconds" "$P" train --model cyclegan --layout unaligned --data "$work/data/cyclegan" \
  --out "$work/cyclegan" --netG "${CG_NETG:-resnet_6blocks}" --ngf "${CG_NGF:-16}" --ndf 32 \
  --epochs "$cge" --epochs-decay "$cge" "${common[@]}" > "$work/cg.log" 2>&1; }
p2p() { /usr/bin/time -f "%e" -o "$work/p2p.seconds" "$P" train --layout folders --direction AtoB --data "$work/data/pix2pix" \
  --out "$work/pix2pix" --netG "${P2P_NETG:-unet_64}" --ngf "${P2P_NGF:-32}" --ndf 32 \
  --epochs "$p2pe" --epochs-decay "$p2pe" "${common[@]}" > "$work/p2p.log" 2>&1; }
# side by side, one compute thread each: two libtorch processes with a thread per core each oversubscribe the
# cores, and both ran 4-5x slower than alone when tried here
if [ "${PARALLEL:-1}" = 1 ]; then
  export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" MKL_NUM_THREADS="${MKL_NUM_THREADS:-1}"
  cg & a=$!; p2p & b=$!; wait $a; wait $b
else cg; p2p; fi
"$P" translate --model "$work/cyclegan/AtoB" --input "$work/data/test/gray" --output "$work/out-cyclegan" --device cpu >/dev/null
"$P" translate --model "$work/pix2pix" --input "$work/data/test/gray" --output "$work/out-pix2pix" --device cpu >/dev/null
# both with each input's own lightness kept (colorize mode: the model's colour only)
"$P" translate --model "$work/cyclegan" --direction AtoB --mode colorize --input "$work/data/test/gray" \
  --output "$work/out-cyclegan-l" --device cpu >/dev/null
"$P" translate --model "$work/pix2pix" --mode colorize --input "$work/data/test/gray" --output "$work/out-pix2pix-l" \
  --device cpu >/dev/null
{
  echo "| | L1 | PSNR | SSIM | Lab hist L / a / b | colourfulness (truth) | training wall time |"
  echo "|---|---|---|---|---|---|---|"
  for row in "gray input:$work/data/test/gray:-" "pix2pix (paired):$work/out-pix2pix:$(cat "$work/p2p.seconds")" \
             "CycleGAN (unpaired):$work/out-cyclegan:$(cat "$work/cg.seconds")" \
             "pix2pix, input lightness kept:$work/out-pix2pix-l:-" "CycleGAN, input lightness kept:$work/out-cyclegan-l:-"; do
    IFS=: read -r label dir secs <<< "$row"
    "$PY" "$shared/tools/metrics.py" "$dir" "$work/data/test/truth" | "$PY" -c '
import json, sys
m = json.load(sys.stdin); h = m["labHistIntersection"]; label, secs = sys.argv[1], sys.argv[2]
t = secs if secs == "-" else "%.0f s" % float(secs)
print("| %s | %.4f | %.2f | %.3f | %.3f / %.3f / %.3f | %.1f (%.1f) | %s |" % (label, m["L1"], m["PSNR"], m["SSIM"],
      h["L"], h["a"], h["b"], m["colorfulnessFake"], m["colorfulnessReal"], t))' "$label" "$secs"
  done
  echo
  echo "CycleGAN cycle reconstruction L1 (cycle_A / lambda_A, A -> B -> A) by epoch:"
  grep '"event":"epoch"' "$work/cg.log" | "$PY" -c '
import json, sys
print(" ".join("%d:%.3f" % (e["epoch"], e["cycle_A"] / 10) for e in map(json.loads, sys.stdin)))'
} | tee "$work/table.md"
# a strip of the first six held-out photos: rows gray input | pix2pix | CycleGAN | truth (stays in WORK_DIR: the
# photos' licence is for research use, so it is not committed)
"$PY" - "$work" <<'PY'
import os, sys
from PIL import Image
w = sys.argv[1]; names = sorted(os.listdir(os.path.join(w, "data/test/truth")))[:6]
rows = ["data/test/gray", "out-pix2pix", "out-cyclegan", "data/test/truth"]
tiles = [[Image.open(os.path.join(w, r, n)).convert("RGB") for n in names] for r in rows]
s = tiles[0][0].size[0]; strip = Image.new("RGB", (s * len(names), s * len(rows)), "white")
for y, row in enumerate(tiles):
    for x, t in enumerate(row):
        strip.paste(t.resize((s, s)), (x * s, y * s))
strip.save(os.path.join(w, "strip.png")); print("strip: %s (rows: gray, pix2pix, CycleGAN, truth)" % os.path.join(w, "strip.png"))
PY

#!/usr/bin/env bash
# Regenerates common/src/test/resources/torch/: small generator/discriminator checkpoints written by
# the real torch.save, with a seeded input and PyTorch's output for each (TorchParityIT compares
# our forward pass with them). Needs a python3 with torch (Debian: apt-get install python3-torch).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$HERE/../../common/src/test/resources/torch}"
PY="${PYTHON:-python3}"
make() { local name=$1; shift; rm -rf "$OUT/$name"; "$PY" "$HERE/check_against_torch.py" make "$OUT/$name" "$@"; rm -f "$OUT/$name"/*.npy; }
# classic eval mode: BatchNorm running statistics (randomised, so they matter)
make unet128_batch_eval --netG unet_128 --ngf 4 --ndf 4 --norm batch --size 128 --batch 2 --seed 1 --mode eval
# pix2pix test-time mode (BatchNorm on the batch's statistics), dropout layers present but off
make unet128_batch_testtime --netG unet_128 --ngf 4 --ndf 4 --norm batch --size 128 --batch 1 --seed 2 \
  --dropout --mode train-nodropout
# colorization layout (1 -> 2 channels), instance norm, PixelGAN discriminator
make unet128_instance_color --netG unet_128 --ngf 4 --ndf 4 --norm instance --input-nc 1 --output-nc 2 \
  --netD pixel --size 128 --batch 1 --seed 3 --mode eval

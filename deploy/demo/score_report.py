#!/usr/bin/env python3
"""Scores a demo report's images with shared/tools/metrics.py: the colorized outputs (img/out_test_NN.png) and,
as the baseline, the grayscale inputs (img/gray_test_NN.png), both against the ground truth
(img/truth_test_NN.png); prints both JSON lines and checks the demo's targets (issue 20): PSNR and SSIM above
the gray input's, colourfulness at least 80% of the truth's, Lab histogram intersection a and b at least 0.8.

Usage: python3 deploy/demo/score_report.py REPORT_DIR [--metrics shared/tools/metrics.py]
(a Python with numpy and PIL, e.g. Debian's /usr/bin/python3). Exit status 0 when every target is met."""
import argparse, json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def default_metrics():
    for up in ("../../..", "../../../.."):
        p = os.path.normpath(os.path.join(HERE, up, "shared", "tools", "metrics.py"))
        if os.path.exists(p):
            return p
    return "shared/tools/metrics.py"


def score(metrics, img, prefix):
    with tempfile.TemporaryDirectory() as t:
        fake, real = os.path.join(t, "fake"), os.path.join(t, "real")
        os.makedirs(fake)
        os.makedirs(real)
        for n in sorted(os.listdir(img)):
            if n.startswith("truth_"):
                name = n[len("truth_"):]
                stem = os.path.splitext(name)[0]
                match = [f for f in os.listdir(img) if f.startswith(prefix) and os.path.splitext(f[len(prefix):])[0] == stem]
                if match:
                    os.symlink(os.path.join(img, n), os.path.join(real, stem + ".png"))
                    os.symlink(os.path.join(img, match[0]), os.path.join(fake, stem + ".png"))
        out = subprocess.run([sys.executable, metrics, fake, real], capture_output=True, text=True, check=True).stdout
        return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--metrics", default=default_metrics())
    a = ap.parse_args()
    img = os.path.abspath(os.path.join(a.report, "img") if os.path.isdir(os.path.join(a.report, "img")) else a.report)
    model, gray = score(a.metrics, img, "out_"), score(a.metrics, img, "gray_")
    print(json.dumps({"model": model}))
    print(json.dumps({"grayInput": gray}))
    checks = {
        "PSNR above the gray input's": model["PSNR"] > gray["PSNR"],
        "SSIM above the gray input's": model["SSIM"] > gray["SSIM"],
        "colourfulness >= 80% of the truth's": model["colorfulnessFake"] >= 0.8 * model["colorfulnessReal"],
        "Lab hist a >= 0.8": model["labHistIntersection"]["a"] >= 0.8,
        "Lab hist b >= 0.8": model["labHistIntersection"]["b"] >= 0.8,
    }
    for k, ok in checks.items():
        print(("met   " if ok else "MISSED ") + k)
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()

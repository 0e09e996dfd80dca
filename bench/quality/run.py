#!/usr/bin/env python3
"""Quality benchmark: trains and evaluates this project and (optionally) the reference PyTorch implementation
(junyanz/pytorch-CycleGAN-and-pix2pix, its own train.py/test.py) on the same data with the same protocol, for
several seeds each, and scores every output with shared/tools/metrics.py against the same ground truth: the test
photos resized to the model size by PIL (bicubic, antialiased), as the reference's own data loader resizes them.

Protocol (defaults, as issue 20): unet_128, 70x70 PatchGAN, batch norm, load 143, crop 128, flip, lambda 100,
batch 1, 5 + 5 epochs of linear decay, test-time mode (batch statistics, dropout on), facades BtoA.

Usage (from the checkout, with a Python that has numpy and PIL, e.g. Debian's /usr/bin/python3):
  /usr/bin/python3 bench/quality/run.py --data ../shared/datasets/facades --work target/quality/full \\
      [--reference /tmp/pytorch-CycleGAN-and-pix2pix --python /usr/bin/python3] [--seeds 1,2] \\
      [--epochs 5 --epochs-decay 5] [--max-images N --max-test M] [--threads 1] [--parallel 2] [--nice 10]
  --reference: a checkout of the reference implementation (fetched for measuring only, never part of this repo);
      without it only this project is run. --python: the Python with torch + torchvision that runs it.
  --pre-resize: write the training and test pairs already resized by PIL (to the load size / model size), so
      that neither side resizes: isolates what our own resize does.
  --ours-args "...": extra `pix2pix train` options (for A/B experiments); --sides ours|reference|ours,reference.
Finished runs are reused when the work folder is given again (delete a run's folder to redo it). Prints a
Markdown table (per seed, the means, the reference's seed range, ours/reference ratios) and writes it with all
figures to WORK/table.md and WORK/results.json. Runs up to --parallel trainings at once, ours and the
reference's alternating, each limited to --threads compute threads, under nice.
"""
import argparse
import concurrent.futures
import json
import os
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
# shared/ lies beside the checkout (beside its parent for a worktree one level down)
METRICS_PY = next((p for p in (os.path.join(ROOT, "..", "shared", "tools", "metrics.py"),
                               os.path.join(ROOT, "..", "..", "shared", "tools", "metrics.py")) if os.path.exists(p)),
                  os.environ.get("PIX2PIX_METRICS_PY", "shared/tools/metrics.py"))
METRICS = ["L1", "PSNR", "SSIM", "hist L", "hist a", "hist b", "colourfulness", "train s", "train CPU s"]
# how each metric is better: lower, higher, or closer to the real colourfulness
BETTER = {"L1": "lower", "PSNR": "higher", "SSIM": "higher", "hist L": "higher", "hist a": "higher",
          "hist b": "higher", "colourfulness": "closer", "train s": "lower", "train CPU s": "lower"}


def pil():
    from PIL import Image
    return Image


def stem(name):
    return os.path.splitext(name)[0]


def image_names(folder, limit):
    names = sorted(n for n in os.listdir(folder) if n.lower().endswith((".jpg", ".jpeg", ".png")))
    return names[:limit] if limit > 0 else names


def prepare_data(a, work):
    """WORK/data/{train,test}: the chosen pairs (links, or PIL-resized copies with --pre-resize) and WORK/gt:
    the ground truth (the target half, PIL-resized to the model size)."""
    Image = pil()
    data = os.path.join(work, "data")
    gt = os.path.join(work, "gt")
    for d in (data, gt):
        os.makedirs(d, exist_ok=True)
    target_left = a.direction == "BtoA"  # aligned pairs are A|B; BtoA's target is A, the left half
    for phase, limit, side in (("train", a.max_images, a.load_size), ("test", a.max_test, a.size)):
        src = os.path.join(a.data, phase)
        dst = os.path.join(data, phase)
        os.makedirs(dst, exist_ok=True)
        for n in image_names(src, limit):
            out = os.path.join(dst, stem(n) + ".png") if a.pre_resize else os.path.join(dst, n)
            if not os.path.exists(out):
                if a.pre_resize:
                    ab = Image.open(os.path.join(src, n)).convert("RGB")
                    w, h = ab.size
                    halves = [ab.crop((0, 0, w // 2, h)), ab.crop((w // 2, 0, w, h))]
                    pair = Image.new("RGB", (2 * side, side))
                    for i, half in enumerate(halves):
                        pair.paste(half.resize((side, side), Image.BICUBIC), (i * side, 0))
                    pair.save(out)
                else:
                    os.symlink(os.path.abspath(os.path.join(src, n)), out)
            if phase == "test":
                g = os.path.join(gt, stem(n) + ".png")
                if not os.path.exists(g):
                    ab = Image.open(os.path.join(src, n)).convert("RGB")
                    w, h = ab.size
                    half = ab.crop((0, 0, w // 2, h)) if target_left else ab.crop((w // 2, 0, w, h))
                    half.resize((a.size, a.size), Image.BICUBIC).save(g)
    return data, gt


def run_timed(cmd, log, env, cwd, nice):
    """Runs cmd with its output in log; returns (exit code, wall seconds, CPU seconds of the process tree)."""
    t0 = time.time()
    with open(log, "ab") as f:
        f.write(("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n").encode())
        f.flush()
        p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                             preexec_fn=(lambda: os.nice(nice)) if nice else None)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, time.time() - t0, usage.ru_utime + usage.ru_stime


def thread_env(threads):
    env = dict(os.environ)
    env.update({"OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads), "OMP_WAIT_POLICY": "PASSIVE"})
    return env


def score(fake, gt, suffix=""):
    cmd = [sys.executable, METRICS_PY, fake, gt]
    if suffix:
        cmd += ["--suffix-fake", suffix]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    m = json.loads(out.strip().splitlines()[-1])
    h = m["labHistIntersection"]
    return {"count": m["count"], "L1": m["L1"], "PSNR": m["PSNR"], "SSIM": m["SSIM"], "hist L": h["L"],
            "hist a": h["a"], "hist b": h["b"], "colourfulness": m["colorfulnessFake"],
            "real colourfulness": m["colorfulnessReal"]}


def ours(a, seed, data, gt, work):
    d = os.path.join(work, "ours", "seed%d" % seed)
    done = os.path.join(d, "result.json")
    if os.path.exists(done):
        return json.load(open(done))
    os.makedirs(d, exist_ok=True)
    model = os.path.join(d, "model")
    if os.path.exists(model):
        subprocess.run(["rm", "-rf", model], check=True)
    cli = os.path.join(ROOT, "deploy", "bin", "pix2pix")
    env = thread_env(a.threads)
    env["PIX2PIX_JAVA_OPTS"] = (env.get("PIX2PIX_JAVA_OPTS", "") + " -Dai.djl.pytorch.num_threads=%d "
                                "-Dai.djl.pytorch.num_interop_threads=1" % a.threads).strip()
    log = os.path.join(d, "log.txt")
    train = [cli, "train", "--data", os.path.join(data, "train"), "--layout", "aligned", "--direction", a.direction,
             "--out", model, "--netG", a.netG, "--netD", "basic", "--norm", "batch", "--size", str(a.size),
             "--load-size", str(a.load_size), "--batch", "1", "--lambda-l1", "100", "--epochs", str(a.epochs),
             "--epochs-decay", str(a.epochs_decay), "--seed", str(seed), "--checkpoint-every", "1000",
             "--device", "cpu", "--json"] + shlex.split(a.ours_args)
    rc, wall, cpu = run_timed(train, log, env, ROOT, a.nice)
    if rc != 0:
        raise SystemExit("our training failed (exit %d), see %s" % (rc, log))
    report = os.path.join(d, "eval")
    ev = [cli, "evaluate", "--model", model, "--data", os.path.join(data, "test"), "--layout", "aligned",
          "--direction", a.direction, "--report", report, "--device", "cpu"]
    rc, _, _ = run_timed(ev, log, env, ROOT, a.nice)
    if rc != 0:
        raise SystemExit("our evaluation failed (exit %d), see %s" % (rc, log))
    r = score(os.path.join(report, "fake"), gt)
    r.update({"train s": round(wall, 1), "train CPU s": round(cpu, 1)})
    json.dump(r, open(done, "w"), indent=1)
    return r


def reference(a, seed, data, gt, work):
    d = os.path.join(work, "reference", "seed%d" % seed)
    done = os.path.join(d, "result.json")
    if os.path.exists(done):
        return json.load(open(done))
    os.makedirs(d, exist_ok=True)
    name = "seed%d" % seed
    ckpt = os.path.join(d, "checkpoints")
    results = os.path.join(d, "results")
    for p in (ckpt, results):
        if os.path.exists(p):
            subprocess.run(["rm", "-rf", p], check=True)
    env = thread_env(a.threads)
    log = os.path.join(d, "log.txt")
    launch = [a.python, os.path.join(HERE, "seeded_run.py"), str(seed), str(a.threads)]
    common = ["--dataroot", data, "--name", name, "--checkpoints_dir", ckpt, "--model", "pix2pix", "--netG",
              a.netG, "--netD", "basic", "--norm", "batch", "--direction", a.direction, "--gpu_ids", "-1"]
    train = launch + ["train.py"] + common + [
        "--load_size", str(a.load_size), "--crop_size", str(a.size), "--batch_size", "1", "--lambda_L1", "100",
        "--n_epochs", str(a.epochs), "--n_epochs_decay", str(a.epochs_decay), "--num_threads", "0",
        "--display_id", "-1", "--no_html", "--save_epoch_freq", str(a.epochs + a.epochs_decay),
        "--save_latest_freq", "100000000", "--print_freq", "100000"]  # saves latest_net_G.pth after the last epoch
    rc, wall, cpu = run_timed(train, log, env, a.reference, a.nice)
    if rc != 0:
        raise SystemExit("the reference's training failed (exit %d), see %s" % (rc, log))
    # test at the model size: resized straight to it (load = crop), as our evaluate does; test-time mode
    test = launch + ["test.py"] + common + ["--load_size", str(a.size), "--crop_size", str(a.size),
                                            "--results_dir", results, "--num_test", "1000000"]
    rc, _, _ = run_timed(test, log, env, a.reference, a.nice)
    if rc != 0:
        raise SystemExit("the reference's test failed (exit %d), see %s" % (rc, log))
    r = score(os.path.join(results, name, "test_latest", "images"), gt, "_fake_B")
    r.update({"train s": round(wall, 1), "train CPU s": round(cpu, 1)})
    json.dump(r, open(done, "w"), indent=1)
    return r


def mean(rows, k):
    return sum(r[k] for r in rows) / len(rows)


def fmt(k, v):
    if v is None:
        return ""
    if k == "L1" or k.startswith("hist") or k == "SSIM":
        return "%.4f" % v
    if k in ("train s", "train CPU s"):
        return "{:,.0f}".format(v)
    return "%.2f" % v


def judge(k, ours_mean, ref_rows, real):
    """'better', 'inside' (the reference's seed range) or 'worse'."""
    vals = [r[k] for r in ref_rows]
    lo, hi = min(vals), max(vals)
    if BETTER[k] == "closer":
        dist = [abs(v - real) for v in vals]
        lo, hi, ours_mean = min(dist), max(dist), abs(ours_mean - real)
        better = "lower"
    else:
        better = BETTER[k]
    if (better == "lower" and ours_mean < lo) or (better == "higher" and ours_mean > hi):
        return "better"
    if lo <= ours_mean <= hi:
        return "inside"
    return "worse"


def table(results, real, a):
    lines = ["| run | " + " | ".join(METRICS) + " |", "|---" * (len(METRICS) + 1) + "|"]
    sides = [s for s in ("reference", "ours") if results.get(s)]
    for side in sides:
        for seed, r in sorted(results[side].items()):
            lines.append("| %s seed %s | " % (side, seed) + " | ".join(fmt(k, r[k]) for k in METRICS) + " |")
    for side in sides:
        rows = list(results[side].values())
        lines.append("| **%s mean** | " % side + " | ".join(fmt(k, mean(rows, k)) for k in METRICS) + " |")
    if len(sides) == 2:
        o, r = list(results["ours"].values()), list(results["reference"].values())
        lines.append("| ours / reference | " + " | ".join("%.3f" % (mean(o, k) / mean(r, k)) for k in METRICS) + " |")
        if len(r) >= 2:
            lines.append("| ours mean vs reference seed range | " + " | ".join(
                judge(k, mean(o, k), r, real) for k in METRICS) + " |")
    head = ("%s on %s, %s, load %d crop %d, batch 1, %d + %d epochs, %d thread(s) each, %s; colourfulness of the "
            "real photos %.2f; scored by shared/tools/metrics.py against PIL-resized ground truth"
            % (a.netG, os.path.basename(os.path.abspath(a.data)), a.direction, a.load_size, a.size, a.epochs,
               a.epochs_decay, a.threads, "PIL pre-resized data" if a.pre_resize else "raw data", real))
    return head + "\n\n" + "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="aligned dataset root with train/ and test/")
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "quality", time.strftime("%Y%m%d-%H%M%S")))
    ap.add_argument("--reference", help="checkout of the reference implementation")
    ap.add_argument("--python", default="/usr/bin/python3", help="Python with torch for the reference")
    ap.add_argument("--sides", default=None, help="ours,reference (default: both when --reference is given)")
    ap.add_argument("--seeds", default="1,2")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--epochs-decay", type=int, default=5)
    ap.add_argument("--max-images", type=int, default=0, help="training pairs (0 = all)")
    ap.add_argument("--max-test", type=int, default=0, help="test pairs (0 = all)")
    ap.add_argument("--netG", default="unet_128")
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--load-size", type=int, default=143)
    ap.add_argument("--direction", default="BtoA")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--parallel", type=int, default=2)
    ap.add_argument("--nice", type=int, default=10)
    ap.add_argument("--pre-resize", action="store_true")
    ap.add_argument("--ours-args", default="")
    a = ap.parse_args()
    sides = (a.sides or ("ours,reference" if a.reference else "ours")).split(",")
    if "reference" in sides and not a.reference:
        raise SystemExit("--sides reference needs --reference DIR (a checkout of the reference implementation)")
    work = os.path.abspath(a.work)
    os.makedirs(work, exist_ok=True)
    json.dump(vars(a), open(os.path.join(work, "args.json"), "w"), indent=1)
    data, gt = prepare_data(a, work)
    seeds = [int(s) for s in a.seeds.split(",")]
    jobs = [(side, s) for s in seeds for side in sides]  # alternating: each pair runs side by side
    results = {side: {} for side in sides}
    fn = {"ours": ours, "reference": reference}
    with concurrent.futures.ThreadPoolExecutor(a.parallel) as pool:
        futures = {pool.submit(fn[side], a, s, data, gt, work): (side, s) for side, s in jobs}
        for f in concurrent.futures.as_completed(futures):
            side, s = futures[f]
            results[side][s] = f.result()
            print(json.dumps({"side": side, "seed": s, **results[side][s]}), flush=True)
    real = next(iter(next(iter(results.values())).values()))["real colourfulness"]
    t = table(results, real, a)
    print("\n" + t)
    open(os.path.join(work, "table.md"), "w").write(t)
    json.dump({"args": vars(a), "results": results}, open(os.path.join(work, "results.json"), "w"), indent=1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Runs `pix2pix bench` and `bench/reference_step.py` one after the other on the same machine and prints
the table of engine issue #7 with ratios: training step at batch 1 and 16, generator forward at batch 32
and 1 (test-time mode), peak device memory of a batch-1 training run, and (with --count-ops) the
operations each side dispatches.

Usage: compare.py [--device cuda|cpu] [--size 256] [--iters 50] [--warmup 10] [--count-ops] [--quick]
  --quick: batch 1 only, 10 iterations (a smoke run on a CPU)
Needs: python3 with torch (the reference side), and a built checkout (deploy/bin/pix2pix) with a Java
runtime on PATH. Peak memory is sampled with nvidia-smi for both processes the same way (whole process:
CUDA context and caching allocator included); the reference's own max_memory_allocated is shown beside
it. Prints one JSON object per row and a Markdown table at the end."""
import argparse, json, os, shutil, subprocess, sys, threading, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


class GpuPeak:
    """Peak used GPU memory (MiB) of one process and its children, sampled with nvidia-smi."""

    def __init__(self, enabled):
        self.enabled = enabled and shutil.which("nvidia-smi") is not None
        self.peak = None
        self._stop = threading.Event()

    def watch(self, proc):
        if not self.enabled:
            return

        def loop():
            while not self._stop.is_set() and proc.poll() is None:
                try:
                    out = subprocess.run(["nvidia-smi", "--query-compute-apps=pid,used_memory",
                                          "--format=csv,noheader,nounits"],
                                         capture_output=True, text=True, timeout=5).stdout
                    used = sum(int(line.split(",")[1]) for line in out.strip().splitlines()
                               if line.strip() and int(line.split(",")[0]) == proc.pid)
                    self.peak = max(self.peak or 0, used)
                except (subprocess.SubprocessError, ValueError, IndexError):
                    pass
                time.sleep(0.1)

        threading.Thread(target=loop, daemon=True).start()

    def stop(self):
        self._stop.set()


def run_json(cmd, gpu):
    """Runs cmd, returns (the JSON lines it printed, peak GPU MiB or None)."""
    print("$ " + " ".join(cmd), file=sys.stderr, flush=True)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak = GpuPeak(gpu)
    peak.watch(proc)
    out, err = proc.communicate()
    peak.stop()
    if proc.returncode != 0:
        sys.stderr.write(err[-4000:])
        raise SystemExit("failed (exit %d): %s" % (proc.returncode, " ".join(cmd)))
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return rows, peak.peak


def ours(what, batch, a):
    cmd = [os.path.join(ROOT, "deploy", "bin", "pix2pix"), "bench", "--what", what, "--batch", str(batch),
           "--size", str(a.size), "--iters", str(a.iters), "--warmup", str(a.warmup),
           "--device", "gpu" if a.device == "cuda" else "cpu"]
    if a.count_ops:
        cmd.append("--count-ops")
    rows, peak = run_json(cmd, a.device == "cuda")
    return rows[-1], peak


def reference(what, batch, a):
    cmd = [sys.executable, os.path.join(ROOT, "bench", "reference_step.py"), "--device", a.device,
           "--size", str(a.size), "--iters", str(a.iters), "--warmup", str(a.warmup),
           "--batches", str(batch) if what == "train" else "", "--infer-batches", str(batch) if what == "infer" else ""]
    if a.count_ops:
        cmd.append("--count-ops")
    rows, peak = run_json(cmd, a.device == "cuda")
    return [r for r in rows if r["what"] == what][-1], peak


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--iters", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--count-ops", action="store_true")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if a.quick:
        a.iters, a.warmup = min(a.iters, 10), min(a.warmup, 2)
    work = [("train", 1), ("infer", 1)] if a.quick else [("train", 1), ("train", 16), ("infer", 32), ("infer", 1)]
    table = []
    for what, batch in work:
        o, o_peak = ours(what, batch, a)
        r, r_peak = reference(what, batch, a)
        row = {"what": what, "batch": batch, "device": a.device, "oursMs": o["msPerIter"], "referenceMs": r["msPerIter"],
               "oursOverReferenceTime": round(o["msPerIter"] / r["msPerIter"], 3),
               "oursOverReferenceImagesPerSec": round(r["msPerIter"] / o["msPerIter"], 3)}
        if o_peak is not None or r_peak is not None:
            row.update({"oursPeakGpuMiB": o_peak, "referencePeakGpuMiB": r_peak,
                        "referenceMaxAllocatedGiB": r.get("peakGpuGiB")})
        for k in ("topLevelOpsPerIter", "allOpsPerIter", "computeOpsPerIter"):
            if k in o and k in r:
                row["ours" + k[0].upper() + k[1:]] = o[k]
                row["reference" + k[0].upper() + k[1:]] = r[k]
        print(json.dumps(row), flush=True)
        table.append(row)
    print("\n| work (%s, %dx%d) | reference ms | ours ms | ours/reference time | goal |" % (a.device, a.size, a.size))
    print("|---|---|---|---|---|")
    for row in table:
        goal = "<= 0.83" if row["what"] == "train" else (">= 1.2x images/s" if row["batch"] >= 32 else "")
        name = ("training step" if row["what"] == "train" else "generator forward") + ", batch %d" % row["batch"]
        print("| %s | %.2f | %.2f | %.3f | %s |" % (name, row["referenceMs"], row["oursMs"], row["oursOverReferenceTime"], goal))


if __name__ == "__main__":
    main()

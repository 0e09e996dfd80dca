#!/usr/bin/env python3
"""Runs `pix2pix bench` and `bench/reference_step.py` one after the other on the same machine and prints
the table of engine issue #7 with ratios: training step at batch 1 and 16, generator forward at batch 32
and 1 (test-time mode), peak device memory of a batch-1 training run, and (with --count-ops) the
operations each side dispatches.

Usage: compare.py [--device cuda|cpu] [--size 256] [--netG G] [--threads N] [--iters 50] [--warmup 10]
                  [--rounds R] [--work train,infer] [--count-ops] [--profile] [--quick]
  --quick: batch 1 only, 10 iterations (a smoke run on a CPU)
  --netG: default unet_256 at 256 and unet_128 at 128; --threads: intra-op threads of both sides (0: each one's
      default); --rounds: each measurement R times, ours and the reference's alternating (the medians of the
      rounds are compared, so load from elsewhere hits both alike); --work: the rows to run (train, infer).
  --profile: one more profiled training step each side and the operations where the time goes: self time
      per ATen op from each side's profiler trace (libtorch's profiler through DJL for ours, torch.profiler
      for the reference), largest differences first
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


def run_json(cmd, gpu, env=None):
    """Runs cmd, returns (the JSON lines it printed, peak GPU MiB or None)."""
    print("$ " + " ".join(cmd), file=sys.stderr, flush=True)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    peak = GpuPeak(gpu)
    peak.watch(proc)
    out, err = proc.communicate()
    peak.stop()
    if proc.returncode != 0:
        sys.stderr.write(err[-4000:])
        raise SystemExit("failed (exit %d): %s" % (proc.returncode, " ".join(cmd)))
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return rows, peak.peak


def thread_env(a):
    env = dict(os.environ)
    if a.threads > 0:
        env.update({"OMP_NUM_THREADS": str(a.threads), "MKL_NUM_THREADS": str(a.threads)})
        env["PIX2PIX_JAVA_OPTS"] = (env.get("PIX2PIX_JAVA_OPTS", "") + " -Dai.djl.pytorch.num_threads=%d"
                                    " -Dai.djl.pytorch.num_interop_threads=1" % a.threads).strip()
    return env


def ours(what, batch, a, trace=None):
    cmd = [os.path.join(ROOT, "deploy", "bin", "pix2pix"), "bench", "--what", what, "--batch", str(batch),
           "--size", str(a.size), "--netG", a.netG, "--iters", str(a.iters), "--warmup", str(a.warmup),
           "--device", "gpu" if a.device == "cuda" else "cpu"]
    env = thread_env(a)
    if a.count_ops or trace:
        cmd.append("--count-ops")
    if trace:
        env["PIX2PIX_JAVA_OPTS"] = (env.get("PIX2PIX_JAVA_OPTS", "") + " -Dpix2pix.profile.out=" + trace).strip()
    rows, peak = run_json(cmd, a.device == "cuda", env)
    return rows[-1], peak


def reference(what, batch, a, trace=None):
    cmd = [sys.executable, os.path.join(ROOT, "bench", "reference_step.py"), "--device", a.device,
           "--size", str(a.size), "--netG", a.netG, "--iters", str(a.iters), "--warmup", str(a.warmup),
           "--threads", str(a.threads),
           "--batches", str(batch) if what == "train" else "", "--infer-batches", str(batch) if what == "infer" else ""]
    if a.count_ops or trace:
        cmd.append("--count-ops")
    if trace:
        cmd += ["--trace-out", trace]
    rows, peak = run_json(cmd, a.device == "cuda", thread_env(a))
    return [r for r in rows if r["what"] == what][-1], peak


def self_times(trace_file):
    """Total self time (ms) per op name in a Chrome trace: each op's duration less that of the ops it encloses
    on the same thread."""
    with open(trace_file) as f:
        root = json.load(f)
    events = root if isinstance(root, list) else root.get("traceEvents", [])
    spans = sorted(((float(e["ts"]), float(e["ts"]) + float(e["dur"]), e.get("tid"), e.get("name", "?"))
                    for e in events if (e.get("cat") == "cpu_op" or e.get("ph") == "X") and "dur" in e and "ts" in e
                    and not str(e.get("name", "")).startswith(("ProfilerStep", "Optimizer.", "autograd::engine"))),
                   key=lambda s: (str(s[2]), s[0], -s[1]))
    out, stack = {}, []
    for start, end, tid, name in spans:
        while stack and (stack[-1][2] != tid or stack[-1][1] <= start):
            stack.pop()
        if stack:
            parent = stack[-1]
            out[parent[3]] = out.get(parent[3], 0.0) - (end - start) / 1000
        out[name] = out.get(name, 0.0) + (end - start) / 1000
        stack.append((start, end, tid, name))
    return out


def profile(a):
    """Where one training step's time goes, ours against the reference's, by op."""
    tmp = os.path.join(ROOT, "target", "compare-profile")
    os.makedirs(tmp, exist_ok=True)
    ot, rt = os.path.join(tmp, "ours.json"), os.path.join(tmp, "reference.json")
    ours("train", 1, a, ot)
    reference("train", 1, a, rt)
    o, r = self_times(ot), self_times(rt)
    names = sorted(set(o) | set(r), key=lambda n: -abs(o.get(n, 0) - r.get(n, 0)))
    print("\n| op (self time, one profiled training step, batch 1, %s %d px, %s threads) | reference ms | ours ms | "
          "ours - reference |" % (a.netG, a.size, a.threads or "default"))
    print("|---|---|---|---|")
    for n in names[:25]:
        print("| %s | %.1f | %.1f | %+.1f |" % (n, r.get(n, 0), o.get(n, 0), o.get(n, 0) - r.get(n, 0)))
    print("| **all ops** | %.1f | %.1f | %+.1f |" % (sum(r.values()), sum(o.values()), sum(o.values()) - sum(r.values())))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--iters", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--count-ops", action="store_true")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--netG", default=None)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--work", default="train,infer")
    ap.add_argument("--profile", action="store_true")
    a = ap.parse_args()
    a.netG = a.netG or ("unet_128" if a.size <= 128 else "unet_256")
    if a.quick:
        a.iters, a.warmup = min(a.iters, 10), min(a.warmup, 2)
    work = [("train", 1), ("infer", 1)] if a.quick else [("train", 1), ("train", 16), ("infer", 32), ("infer", 1)]
    work = [w for w in work if w[0] in a.work.split(",")]
    table = []
    for what, batch in work:
        os_, rs = [], []
        for _ in range(a.rounds):
            os_.append(ours(what, batch, a))
            rs.append(reference(what, batch, a))
        o_ms = sorted(x[0]["msPerIter"] for x in os_)[len(os_) // 2]
        r_ms = sorted(x[0]["msPerIter"] for x in rs)[len(rs) // 2]
        o, o_peak = os_[-1]
        r, r_peak = rs[-1]
        row = {"what": what, "batch": batch, "device": a.device, "netG": a.netG, "size": a.size,
               "threads": a.threads or "default", "rounds": a.rounds,
               "oursMsRounds": [x[0]["msPerIter"] for x in os_], "referenceMsRounds": [x[0]["msPerIter"] for x in rs],
               "oursMs": o_ms, "referenceMs": r_ms,
               "oursOverReferenceTime": round(o_ms / r_ms, 3),
               "oursOverReferenceImagesPerSec": round(r_ms / o_ms, 3)}
        if o_peak is not None or r_peak is not None:
            row.update({"oursPeakGpuMiB": o_peak, "referencePeakGpuMiB": r_peak,
                        "referenceMaxAllocatedGiB": r.get("peakGpuGiB")})
        for k in ("topLevelOpsPerIter", "allOpsPerIter", "computeOpsPerIter"):
            if k in o and k in r:
                row["ours" + k[0].upper() + k[1:]] = o[k]
                row["reference" + k[0].upper() + k[1:]] = r[k]
        print(json.dumps(row), flush=True)
        table.append(row)
    print("\n| work (%s, %s, %dx%d, %s threads) | reference ms | ours ms | ours/reference time | goal |"
          % (a.device, a.netG, a.size, a.size, a.threads or "default"))
    print("|---|---|---|---|---|")
    for row in table:
        goal = "<= 0.83" if row["what"] == "train" else (">= 1.2x images/s" if row["batch"] >= 32 else "")
        name = ("training step" if row["what"] == "train" else "generator forward") + ", batch %d" % row["batch"]
        print("| %s | %.2f | %.2f | %.3f | %s |" % (name, row["referenceMs"], row["oursMs"], row["oursOverReferenceTime"], goal))
    if a.profile:
        profile(a)


if __name__ == "__main__":
    main()

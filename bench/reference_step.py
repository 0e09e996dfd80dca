#!/usr/bin/env python3
"""Times the reference pix2pix step in PyTorch eager, for comparison with `pix2pix bench` on the same
machine: one training iteration (G forward, D step on real and detached fake, G step with
GAN + 100 * L1, Adam 2e-4 / 0.5) at batch B, and generator forward passes in test-time mode
(train-mode batch norm and dropout, as the reference's test script). Prints one JSON line per
measurement with the median milliseconds after warm-up and the peak GPU memory.

Usage: reference_step.py [--device cuda] [--size 256] [--netG unet_256] [--batches 1,16] [--infer-batches 1,32]
       [--iters 50] [--threads N] [--cudnn-benchmark] [--channels-last] [--count-ops [--trace-out FILE]]
--count-ops profiles one more step or forward pass and adds the native operations it dispatched, counted
as `pix2pix bench --count-ops` counts them (top-level: not enclosed by another op on the same thread);
--trace-out keeps that profile as a Chrome trace (per-op times: bench/compare.py --profile).
Needs torch; the models come from tools/pytorch/reference_models.py (our own definitions with the
reference's layout)."""
import argparse, json, os, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools", "pytorch"))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from reference_models import define_D, define_G, init_like_reference  # noqa: E402


def median_ms(fn, iters, warmup, sync):
    for _ in range(warmup):
        fn()
    sync()
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


# events that launch no kernel: the rules the bench's OpCounter reads too (exact names, "prefix*", "*suffix")
NO_KERNEL_RULES = os.path.join(os.path.dirname(__file__), "..", "deploy", "cli", "src", "main", "resources", "dev",
                               "pix2pix", "cli", "no-kernel-ops.txt")


def no_kernel_rules():
    with open(NO_KERNEL_RULES) as f:
        return [l.strip() for l in f if l.strip() and not l.strip().startswith("#")]


def no_kernel(name, rules):
    return any(name.startswith(r[:-1]) if r.endswith("*") else name.endswith(r[1:]) if r.startswith("*")
               else name == r for r in rules)


def count_ops(fn, trace_out=None):
    """Top-level, all and innermost compute ATen operations that fn dispatches, by the rules of the bench's
    OpCounter."""
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        fn()
    if trace_out:
        prof.export_chrome_trace(trace_out)
    # user scopes (scope 7, e.g. "Optimizer.step#Adam.step") are Python annotations, not operations: left
    # in, they would fold all of Adam's per-parameter ops into one "top-level" event
    spans = sorted(((e.time_range.start, e.time_range.end, e.thread, e.name) for e in prof.events()
                    if getattr(e, "scope", 0) != 7),
                   key=lambda s: (s[2], s[0], -s[1]))
    top, open_end, tid = 0, None, None
    for start, end, t, _ in spans:
        if t != tid or open_end is None or start >= open_end:
            top, open_end, tid = top + 1, end, t
        else:
            open_end = max(open_end, end)
    rules = no_kernel_rules()
    compute_inside = [False] * len(spans)
    inside_foreach = [False] * len(spans)
    stack = []
    for i, (start, end, t, name) in enumerate(spans):
        while stack and (spans[stack[-1]][2] != t or spans[stack[-1]][1] <= start):
            stack.pop()
        # a multi-tensor (_foreach_) op is one compute op: on CUDA it is a few fused launches, while on a CPU
        # it loops over the tensors with one op each
        inside_foreach[i] = any(spans[p][3].startswith("aten::_foreach_") or inside_foreach[p] for p in stack)
        if not no_kernel(name, rules) and not inside_foreach[i]:
            for parent in stack:
                compute_inside[parent] = True
        stack.append(i)
    compute = sum(1 for i, s in enumerate(spans)
                  if not compute_inside[i] and not inside_foreach[i] and not no_kernel(s[3], rules))
    return {"topLevelOpsPerIter": top, "allOpsPerIter": len(spans), "computeOpsPerIter": compute}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--batches", default="1,16")
    ap.add_argument("--infer-batches", default="1,32")
    ap.add_argument("--iters", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--cudnn-benchmark", action="store_true")
    ap.add_argument("--channels-last", action="store_true")
    ap.add_argument("--count-ops", action="store_true")
    ap.add_argument("--trace-out", help="with --count-ops: the profiled step's Chrome trace (training only)")
    ap.add_argument("--netG", default="unet_256")
    ap.add_argument("--threads", type=int, default=0, help="intra-op threads (0: torch's default)")
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    torch.backends.cudnn.benchmark = a.cudnn_benchmark
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    sync = (lambda: torch.cuda.synchronize()) if dev.type == "cuda" else (lambda: None)
    fmt = torch.channels_last if a.channels_last else torch.contiguous_format

    for b in [int(x) for x in a.batches.split(",") if x]:
        g = define_G(a.netG).to(dev, memory_format=fmt)
        d = define_D("basic", input_nc=6).to(dev, memory_format=fmt)
        init_like_reference(g)
        init_like_reference(d)
        # foreach (multi-tensor) Adam: torch's default for CUDA parameters; on a CPU it would otherwise run the
        # per-parameter loop, so --count-ops on a CPU counts what the reference dispatches on a GPU
        opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999), foreach=True)
        opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999), foreach=True)
        real_a = torch.rand(b, 3, a.size, a.size, device=dev).mul(2).sub(1).contiguous(memory_format=fmt)
        real_b = torch.rand(b, 3, a.size, a.size, device=dev).mul(2).sub(1).contiguous(memory_format=fmt)
        bce = torch.nn.BCEWithLogitsLoss()

        def step():
            fake = g(real_a)
            for p in d.parameters():
                p.requires_grad_(True)
            opt_d.zero_grad(set_to_none=True)  # torch 2's default, explicit for the 1.13 of a CPU count
            pf = d(torch.cat((real_a, fake.detach()), 1))
            pr = d(torch.cat((real_a, real_b), 1))
            loss_d = (bce(pf, torch.zeros_like(pf)) + bce(pr, torch.ones_like(pr))) * 0.5
            loss_d.backward()
            opt_d.step()
            for p in d.parameters():
                p.requires_grad_(False)
            opt_g.zero_grad(set_to_none=True)
            pf = d(torch.cat((real_a, fake), 1))
            loss_g = bce(pf, torch.ones_like(pf)) + F.l1_loss(fake, real_b) * 100
            loss_g.backward()
            opt_g.step()

        if dev.type == "cuda":
            torch.cuda.reset_peak_memory_stats()
        ms = median_ms(step, a.iters, a.warmup, sync)
        peak = torch.cuda.max_memory_allocated() / 2**30 if dev.type == "cuda" else None
        res = {"what": "train", "impl": "pytorch-eager", "netG": a.netG, "threads": torch.get_num_threads(),
               "batch": b, "size": a.size, "msPerIter": round(ms, 2),
               "imagesPerSec": round(b * 1000 / ms, 1), "peakGpuGiB": peak and round(peak, 2),
               "cudnnBenchmark": a.cudnn_benchmark, "channelsLast": a.channels_last}
        if a.count_ops:
            res.update(count_ops(step, a.trace_out))
        print(json.dumps(res), flush=True)
        del g, d, opt_g, opt_d

    g = define_G(a.netG).to(dev, memory_format=fmt)
    init_like_reference(g)
    g.train()  # the reference's test-time mode: batch statistics and dropout
    with torch.no_grad():
        for b in [int(x) for x in a.infer_batches.split(",") if x]:
            x = torch.rand(b, 3, a.size, a.size, device=dev).contiguous(memory_format=fmt)
            ms = median_ms(lambda: g(x), a.iters, a.warmup, sync)
            res = {"what": "infer", "impl": "pytorch-eager", "netG": a.netG, "threads": torch.get_num_threads(),
                   "batch": b, "size": a.size,
                   "msPerIter": round(ms, 2), "imagesPerSec": round(b * 1000 / ms, 1)}
            if a.count_ops:
                res.update(count_ops(lambda: g(x).cpu()))
            print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main()

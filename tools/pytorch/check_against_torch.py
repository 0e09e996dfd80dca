#!/usr/bin/env python3
"""Reference outputs from real PyTorch for the pix2pix networks, and checks of files our Java
side writes. Run on a machine with torch (any version >= 1.6; CPU is fine, --device cuda works).

1) make  -- build a model (reference_models.py), save its state dict like the reference repo's
   save_networks does (``torch.save(net.state_dict(), 'latest_net_G.pth')``), run it on a seeded
   input and save input and output:

     python3 check_against_torch.py make OUT_DIR [--netG unet_256] [--norm batch] [--ngf 64]
         [--input-nc 3] [--output-nc 3] [--size 256] [--batch 1] [--seed 0] [--dropout]
         [--netD basic|n_layers|pixel] [--n-layers-D 3] [--ndf 64] [--mode eval|train-nodropout]
         [--device cpu] [--init scaled|reference]

   OUT_DIR then holds
     latest_net_G.pth, latest_net_D.pth      real torch.save files (zip format, protocol 2)
     G_input.bin / G_output.bin / D_input.bin / D_output.bin
                                             raw float32 little-endian, C order (NCHW)
     *.npy                                   the same arrays as .npy (written without numpy)
     manifest.json                           config, torch version, shapes of every .bin, and for
                                             every state-dict entry: dtype, shape, sum, abs_sum,
                                             first 8 values (to check a Java reader without torch)
   --mode eval (default) runs model.eval() under no_grad: BatchNorm uses running statistics,
   dropout is off. The reference test.py runs WITHOUT --eval by default, i.e. BatchNorm in
   training mode (batch statistics) and dropout on; --mode train-nodropout reproduces that except
   for the (random) dropout. The state dicts are saved before any forward pass.

2) verify -- load a .pth written by our Java PthWriter with the real torch.load:

     python3 check_against_torch.py verify OUT_DIR --pth FILE.pth [--net G|D]
         [--java-output FILE.bin] [--tol 1e-4]

   Checks: torch.load(weights_only=True) (the torch>=2.6 default) gives an OrderedDict of
   tensors (loaded with TORCH_SERIALIZATION_DEBUG=1, so torch >= 2.5 also asserts its calculated
   storage offsets); torch.load(mmap=True) works (torch >= 2.1; needs the 64-byte aligned
   records), also with config.load.calculate_storage_offsets=True (torch >= 2.5);
   load_state_dict(strict=True) into the model described by manifest.json succeeds; every tensor
   equals the one in OUT_DIR/latest_net_<net>.pth (exact, when the Java file is a round trip of
   it) and the model loaded from FILE.pth reproduces <net>_output.bin within --tol.
   With --java-output, the output our Java engine computed (raw float32 LE, same shape as
   <net>_output.bin) is compared too. Exit code 0 only if everything passes.
"""

import argparse
import collections
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch  # noqa: E402

import reference_models as rm  # noqa: E402


def to_le_f32_bytes(t):
    t = t.detach().to("cpu", torch.float32).contiguous()
    try:
        import numpy  # noqa: F401
        return t.numpy().astype("<f4", copy=False).tobytes()
    except ImportError:
        flat = t.reshape(-1).tolist()
        return struct.pack("<%df" % len(flat), *flat)


def npy_bytes(shape, raw_le_f32):
    """A version 1.0 .npy file of little-endian float32 data, written without numpy."""
    dims = ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "")
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % dims
    header += " " * ((-(10 + len(header) + 1)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + raw_le_f32


def write_array(out_dir, name, t):
    raw = to_le_f32_bytes(t)
    shape = list(t.shape)
    with open(os.path.join(out_dir, name + ".bin"), "wb") as f:
        f.write(raw)
    with open(os.path.join(out_dir, name + ".npy"), "wb") as f:
        f.write(npy_bytes(shape, raw))
    return {"file": name + ".bin", "dtype": "float32", "byteorder": "little", "shape": shape}


def read_bin(path, shape):
    with open(path, "rb") as f:
        raw = f.read()
    n = 1
    for s in shape:
        n *= s
    if len(raw) != 4 * n:
        raise SystemExit("%s has %d bytes, expected %d for shape %s" % (path, len(raw), 4 * n, shape))
    try:
        import numpy
        return torch.from_numpy(numpy.frombuffer(raw, dtype="<f4").copy()).reshape(shape)
    except ImportError:
        return torch.tensor(struct.unpack("<%df" % n, raw), dtype=torch.float32).reshape(shape)


def describe_state_dict(sd):
    r = collections.OrderedDict()
    for k, v in sd.items():
        flat = v.detach().cpu().reshape(-1)
        r[k] = {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape),
                "sum": float(flat.double().sum()) if flat.numel() else 0.0,
                "abs_sum": float(flat.double().abs().sum()) if flat.numel() else 0.0,
                "first": [float(x) for x in flat[:8].double().tolist()]}
    return r


def build(cfg, net):
    if net == "G":
        return rm.define_G(cfg["netG"], cfg["input_nc"], cfg["output_nc"], cfg["ngf"], cfg["norm"], cfg["dropout"])
    return rm.define_D(cfg["netD"], cfg["input_nc"] + cfg["output_nc"], cfg["ndf"], cfg["n_layers_D"], cfg["norm"])


def set_mode(model, mode):
    if mode == "eval":
        model.eval()
    else:  # train-nodropout: BatchNorm with batch statistics, dropout off
        model.train()
        for m in model.modules():
            if isinstance(m, torch.nn.Dropout):
                m.eval()


def deterministic(device):
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    if hasattr(torch.backends, "cuda"):
        torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False


def forward(model, x, mode, device):
    set_mode(model, mode)
    with torch.no_grad():
        return model.to(device)(x.to(device)).cpu()


def cmd_make(a):
    os.makedirs(a.out_dir, exist_ok=True)
    deterministic(a.device)
    cfg = {"netG": a.netG, "netD": a.netD, "norm": a.norm, "ngf": a.ngf, "ndf": a.ndf,
           "input_nc": a.input_nc, "output_nc": a.output_nc, "n_layers_D": a.n_layers_D,
           "dropout": a.dropout, "size": a.size, "batch": a.batch, "seed": a.seed, "mode": a.mode,
           "device": a.device, "init": a.init}
    gen = torch.Generator().manual_seed(a.seed)
    manifest = {"torch": torch.__version__, "config": cfg, "nets": {}}
    x = torch.rand((a.batch, a.input_nc, a.size, a.size), generator=gen) * 2 - 1
    for net in ("G", "D"):
        init = rm.init_scaled if a.init == "scaled" else rm.init_like_reference
        model = init(build(cfg, net), generator=gen)
        path = os.path.join(a.out_dir, "latest_net_%s.pth" % net)
        sd = model.state_dict()
        torch.save(sd, path)  # what the reference save_networks writes (CPU tensors)
        described = describe_state_dict(sd)  # before a train-mode forward updates running stats
        if net == "D":  # conditional D sees cat(input, output of G)
            x = torch.cat([x_g, y_g], 1)
        y = forward(model, x, a.mode, a.device)
        if net == "G":
            x_g, y_g = x, y
        manifest["nets"][net] = {
            "pth": os.path.basename(path),
            "class": type(model).__name__,
            "input": write_array(a.out_dir, net + "_input", x),
            "output": write_array(a.out_dir, net + "_output", y),
            "num_params": sum(p.numel() for p in model.parameters()),
            "state_dict": described,
        }
        print("%s: %s, %d params, %d state-dict entries, input %s -> output %s, saved %s"
              % (net, type(model).__name__, manifest["nets"][net]["num_params"], len(sd),
                 list(x.shape), list(y.shape), path))
    with open(os.path.join(a.out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("wrote", os.path.join(a.out_dir, "manifest.json"))
    return 0


def torch_load(path, **kw):
    try:
        return torch.load(path, map_location="cpu", **kw)
    except TypeError:  # torch too old for weights_only / mmap
        return None


def cmd_verify(a):
    deterministic("cpu")
    # torch >= 2.5: while loading, also compute the storage offsets the way
    # config.load.calculate_storage_offsets does and assert they equal the real ones
    os.environ["TORCH_SERIALIZATION_DEBUG"] = "1"
    with open(os.path.join(a.out_dir, "manifest.json")) as f:
        manifest = json.load(f)
    cfg = manifest["config"]
    info = manifest["nets"][a.net]
    ok = True

    def check(cond, what):
        nonlocal ok
        print(("PASS " if cond else "FAIL ") + what)
        ok = ok and bool(cond)

    sd = torch_load(a.pth, weights_only=True)
    if sd is None:
        print("SKIP weights_only=True (torch %s has no such argument)" % torch.__version__)
        sd = torch.load(a.pth, map_location="cpu")
    check(isinstance(sd, collections.OrderedDict), "torch.load gives an OrderedDict (%s)" % type(sd).__name__)
    check(all(isinstance(v, torch.Tensor) for v in sd.values()), "all values are tensors")
    try:
        mm = torch_load(a.pth, mmap=True, weights_only=True)
        if mm is None:
            print("SKIP mmap=True (torch %s)" % torch.__version__)
        else:
            check(all(torch.equal(mm[k], sd[k]) for k in sd), "torch.load(mmap=True) gives the same tensors")
    except Exception as e:  # noqa: BLE001
        check(False, "torch.load(mmap=True): %s" % e)

    try:
        from torch.utils.serialization import config as ser_config
        ser_config.load.calculate_storage_offsets = True
        try:
            calc = torch_load(a.pth, mmap=True, weights_only=True)
            check(calc is not None and all(torch.equal(calc[k], sd[k]) for k in sd),
                  "mmap load with calculate_storage_offsets=True gives the same tensors")
        finally:
            ser_config.load.calculate_storage_offsets = False
    except (ImportError, AttributeError):
        print("SKIP calculate_storage_offsets (torch %s)" % torch.__version__)
    except Exception as e:  # noqa: BLE001
        check(False, "mmap load with calculate_storage_offsets=True: %s" % e)

    ref = torch.load(os.path.join(a.out_dir, info["pth"]), map_location="cpu")
    check(list(sd.keys()) == list(ref.keys()), "same keys in the same order as %s" % info["pth"])
    for k in ref:
        if k in sd:
            same = sd[k].dtype == ref[k].dtype and sd[k].shape == ref[k].shape and torch.equal(sd[k], ref[k])
            if not same:
                check(False, "tensor %s differs (dtype %s/%s, shape %s/%s)" % (
                    k, sd[k].dtype, ref[k].dtype, tuple(sd[k].shape), tuple(ref[k].shape)))
    model = build(cfg, a.net)
    try:
        model.load_state_dict(sd, strict=True)
        check(True, "load_state_dict(strict=True)")
    except RuntimeError as e:
        check(False, "load_state_dict(strict=True): %s" % e)
        return 1
    x = read_bin(os.path.join(a.out_dir, info["input"]["file"]), info["input"]["shape"])
    expected = read_bin(os.path.join(a.out_dir, info["output"]["file"]), info["output"]["shape"])
    y = forward(model, x, cfg["mode"], "cpu")
    diff = (y - expected).abs().max().item()
    check(diff <= a.tol, "model from %s reproduces %s: max |diff| = %.3g" % (a.pth, info["output"]["file"], diff))
    if a.java_output:
        jy = read_bin(a.java_output, info["output"]["shape"])
        jdiff = (jy - expected).abs().max().item()
        check(jdiff <= a.tol, "Java output %s vs torch: max |diff| = %.3g (tol %g)" % (a.java_output, jdiff, a.tol))
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("out_dir")
    m.add_argument("--netG", default="unet_256", choices=["unet_128", "unet_256", "resnet_9blocks", "resnet_6blocks"])
    m.add_argument("--netD", default="basic", choices=["basic", "n_layers", "pixel"])
    m.add_argument("--n-layers-D", dest="n_layers_D", type=int, default=3)
    m.add_argument("--norm", default="batch", choices=["batch", "instance", "none"])
    m.add_argument("--ngf", type=int, default=64)
    m.add_argument("--ndf", type=int, default=64)
    m.add_argument("--input-nc", dest="input_nc", type=int, default=3)
    m.add_argument("--output-nc", dest="output_nc", type=int, default=3)
    m.add_argument("--size", type=int, default=256)
    m.add_argument("--batch", type=int, default=1)
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--dropout", action="store_true", help="build G with dropout (pix2pix default)")
    m.add_argument("--mode", default="eval", choices=["eval", "train-nodropout"])
    m.add_argument("--device", default="cpu")
    m.add_argument("--init", default="scaled", choices=["scaled", "reference"],
                   help="scaled (default): outputs of order 1, so that a 1e-4 comparison means something; "
                        "reference: the reference's N(0, 0.02), whose deep outputs are nearly constant")
    v = sub.add_parser("verify")
    v.add_argument("out_dir")
    v.add_argument("--pth", required=True)
    v.add_argument("--net", default="G", choices=["G", "D"])
    v.add_argument("--java-output", dest="java_output")
    v.add_argument("--tol", type=float, default=1e-4)
    a = p.parse_args()
    return cmd_make(a) if a.cmd == "make" else cmd_verify(a)


if __name__ == "__main__":
    sys.exit(main())

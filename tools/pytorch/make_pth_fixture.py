#!/usr/bin/env python3
"""Write small torch.save-format state-dict fixtures plus JSON sidecars with the expected values.

Usage:  python3 make_pth_fixture.py OUT_DIR [--emulate]

With PyTorch importable, the fixtures are written by the real ``torch.save`` (tensors are built
with ``torch.as_strided`` on shared base tensors, so views and shared storages are real). Without
PyTorch (or with ``--emulate``) the same files are produced by emulating what ``torch.save``
(>= 1.6, zip format) writes: Python's own pickler (protocol 2, or 4 for ``proto4.pth``) run over
stand-in ``torch`` / ``torch._utils`` modules, so the pickle stream uses exactly the globals
(``collections.OrderedDict``, ``torch._utils._rebuild_tensor_v2``, ``torch.FloatStorage`` ...),
persistent ids ``('storage', <storage class>, key, 'cpu', numel)`` and opcodes torch produces;
the zip holds ``archive/data.pkl``, ``.format_version``, ``.storage_alignment``, ``byteorder``,
``data/<key>``, ``version`` and ``.data/serialization_id``, laid out like torch's miniz writer
(stored, 64-byte aligned data, a data descriptor after each non-empty record).

Each ``NAME.pth`` gets ``NAME.json``:
    {"writer": "...", "state_dicts": {"<key or '' for a bare state dict>":
        {"<tensor name>": {"dtype": "FLOAT32", "shape": [..], "values": [flat row-major]}}},
     "other_keys": [...]}
Values are exactly the values of the stored tensors (float32/float16/bfloat16 values are given as
the decimal form of the exactly representable number; bool as 0/1).
"""

import collections
import json
import os
import struct
import sys
import types

# dtype name -> (struct code, storage class, element size)
DTYPES = {
    "FLOAT32": ("f", "FloatStorage", 4),
    "FLOAT64": ("d", "DoubleStorage", 8),
    "FLOAT16": ("e", "HalfStorage", 2),
    "BFLOAT16": (None, "BFloat16Storage", 2),
    "INT64": ("q", "LongStorage", 8),
    "INT32": ("i", "IntStorage", 4),
    "INT16": ("h", "ShortStorage", 2),
    "INT8": ("b", "CharStorage", 1),
    "UINT8": ("B", "ByteStorage", 1),
    "BOOL": ("?", "BoolStorage", 1),
}


# --------------------------------------------------------------------------- value helpers

class Lcg:
    """Deterministic pseudo-random numbers, identical on every machine."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next_float(self):
        self.state = (1664525 * self.state + 1013904223) & 0xFFFFFFFF
        return self.state / 2.0 ** 31 - 1.0  # [-1, 1)


def round_to(dtype, v):
    """The value a tensor of this dtype actually holds for the Python number v."""
    if dtype == "FLOAT32":
        return struct.unpack("<f", struct.pack("<f", v))[0]
    if dtype == "FLOAT16":
        return struct.unpack("<e", struct.pack("<e", v))[0]
    if dtype == "BFLOAT16":
        f = struct.unpack("<I", struct.pack("<f", v))[0]
        if f & 0xFFFF:
            raise ValueError("fixture bfloat16 values must be exactly representable: %r" % v)
        return v
    if dtype == "FLOAT64":
        return float(v)
    if dtype == "BOOL":
        return 1 if v else 0
    return int(v)


def pack(dtype, values):
    code = DTYPES[dtype][0]
    if dtype == "BFLOAT16":
        return b"".join(struct.pack("<f", v)[2:] for v in values)
    return struct.pack("<%d%s" % (len(values), code), *values)


def floats(seed, n, dtype="FLOAT32", scale=1.0):
    g = Lcg(seed)
    return [round_to(dtype, g.next_float() * scale) for _ in range(n)]


def contiguous_stride(size):
    stride, acc = [], 1
    for s in reversed(size):
        stride.insert(0, acc)
        acc *= s
    return stride


def numel(size):
    n = 1
    for s in size:
        n *= s
    return n


def gather(flat, offset, size, stride):
    """Row-major values of the strided view (what tensor.reshape(-1).tolist() gives)."""
    out = []
    n = numel(size)
    if n == 0:
        return out
    idx = [0] * len(size)
    for _ in range(n):
        out.append(flat[offset + sum(i * s for i, s in zip(idx, stride))])
        for d in range(len(size) - 1, -1, -1):
            idx[d] += 1
            if idx[d] < size[d]:
                break
            idx[d] = 0
    return out


# --------------------------------------------------------------------------- fixture specs

class Spec:
    """Storages (name -> dtype, flat values) and tensors viewing them."""

    def __init__(self):
        self.storages = collections.OrderedDict()
        self.tensors = collections.OrderedDict()  # name -> (storage, offset, size, stride, param)

    def storage(self, name, dtype, values):
        self.storages[name] = (dtype, [round_to(dtype, v) for v in values])
        return name

    def dense(self, key, dtype, size, values, param=False):
        self.storage(key, dtype, values)
        assert numel(size) == len(values), key
        self.tensors[key] = (key, 0, list(size), contiguous_stride(size), param)

    def view(self, key, storage, offset, size, stride):
        self.tensors[key] = (storage, offset, list(size), list(stride), False)

    def expected(self):
        r = collections.OrderedDict()
        for key, (st, off, size, stride, _) in self.tensors.items():
            dtype, flat = self.storages[st]
            r[key] = {"dtype": dtype, "shape": size, "values": gather(flat, off, size, stride)}
        return r


def unet_tiny():
    """Keys and shapes of a 2-level pix2pix UnetGenerator (input 3, output 3, ngf 4, batch norm)."""
    s = Spec()
    s.dense("model.model.0.weight", "FLOAT32", [4, 3, 4, 4], floats(1, 192, scale=0.2))
    s.dense("model.model.1.model.1.weight", "FLOAT32", [8, 4, 4, 4], floats(2, 512, scale=0.2))
    # ConvTranspose2d(8, 4): PyTorch layout [Cin, Cout, kH, kW]
    s.dense("model.model.1.model.3.weight", "FLOAT32", [8, 4, 4, 4], floats(3, 512, scale=0.2))
    s.dense("model.model.1.model.4.weight", "FLOAT32", [4], [1.0, 0.5, 1.5, 1.25])
    s.dense("model.model.1.model.4.bias", "FLOAT32", [4], [0.0, -0.125, 0.25, 0.1])
    s.dense("model.model.1.model.4.running_mean", "FLOAT32", [4], floats(4, 4))
    s.dense("model.model.1.model.4.running_var", "FLOAT32", [4], [abs(v) + 0.5 for v in floats(5, 4)])
    s.dense("model.model.1.model.4.num_batches_tracked", "INT64", [], [1234])
    # outermost upconv: ConvTranspose2d(inner*2 = 8, output_nc = 3) with bias
    s.dense("model.model.3.weight", "FLOAT32", [8, 3, 4, 4], floats(6, 384, scale=0.2))
    s.dense("model.model.3.bias", "FLOAT32", [3], [0.01, -0.02, 0.03])
    meta = collections.OrderedDict()
    for m in ["", "model", "model.model", "model.model.0", "model.model.1", "model.model.1.model",
              "model.model.1.model.1", "model.model.1.model.4", "model.model.3"]:
        meta[m] = {"version": 2} if m.endswith(".4") else {"version": 1}
    return s, meta


def views_dtypes():
    """Non-contiguous views sharing storages, and every dtype the reader supports."""
    s = Spec()
    base = s.storage("base", "FLOAT32", floats(7, 15))
    s.view("base", base, 0, [3, 5], [5, 1])
    s.view("base_t", base, 0, [5, 3], [1, 5])          # .t(): transposed, shares the storage
    s.view("row1", base, 5, [5], [1])                   # base[1]: storage offset 5
    s.view("col2", base, 2, [3], [5])                   # base[:, 2]
    s.view("sub", base, 6, [2, 3], [5, 1])              # base[1:3, 1:4]
    ar = s.storage("arange", "INT64", [0, 1, 2])
    s.view("expanded", ar, 0, [2, 3], [0, 1])           # arange(3).expand(2, 3): stride 0
    s.dense("half", "FLOAT16", [2, 3], [0.1, -2.5, 65504.0, 6.1e-05, 1e-07, 0.333])
    s.dense("bf16", "BFLOAT16", [4], [1.0, -0.5, 3.140625, 9999220736.0])
    s.dense("f64", "FLOAT64", [2, 2], [0.1, -1e-300, 3.0, 2.0 ** 60])
    s.dense("i32", "INT32", [3], [-7, 0, 2147483647])
    s.dense("i16", "INT16", [2], [-32768, 1234])
    s.dense("i8", "INT8", [2], [-128, 127])
    s.dense("u8", "UINT8", [4], [0, 1, 200, 255])
    s.dense("flag", "BOOL", [3], [True, False, True])
    s.dense("big_scalar", "INT64", [], [12345678901])
    s.dense("scalar_f", "FLOAT32", [], [-0.75])
    s.dense("empty", "FLOAT32", [0, 3], [])
    return s


def checkpoint_parts():
    g = Spec()
    g.dense("model.0.weight", "FLOAT32", [2, 3, 1, 1], floats(8, 6))
    g.dense("model.0.bias", "FLOAT32", [2], [0.5, -0.5])
    d = Spec()
    d.dense("model.0.weight", "FLOAT32", [1, 2, 1, 1], [0.25, 0.75], param=True)
    d.dense("model.0.bias", "FLOAT32", [1], [0.125], param=True)
    return g, d


# --------------------------------------------------------------------------- real torch

def build_torch(spec, torch):
    tdt = {"FLOAT32": torch.float32, "FLOAT64": torch.float64, "FLOAT16": torch.float16,
           "BFLOAT16": torch.bfloat16, "INT64": torch.int64, "INT32": torch.int32,
           "INT16": torch.int16, "INT8": torch.int8, "UINT8": torch.uint8, "BOOL": torch.bool}
    bases = {}
    for name, (dtype, flat) in spec.storages.items():
        vals = [bool(v) for v in flat] if dtype == "BOOL" else flat
        bases[name] = torch.tensor(vals, dtype=tdt[dtype])
    sd = collections.OrderedDict()
    exp = spec.expected()
    for key, (st, off, size, stride, param) in spec.tensors.items():
        t = torch.as_strided(bases[st], size, stride, off)
        got = t.reshape(-1).tolist()
        if spec.storages[st][0] == "BOOL":
            got = [1 if v else 0 for v in got]
        if got != exp[key]["values"]:
            raise AssertionError("torch disagrees on %s: %r vs %r" % (key, got, exp[key]["values"]))
        sd[key] = torch.nn.Parameter(t, requires_grad=True) if param else t
    return sd


# --------------------------------------------------------------------------- emulation

class FakeStorage:
    def __init__(self, name, dtype, flat):
        self.name, self.dtype, self.flat = name, dtype, flat


class FakeTensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def __reduce_ex__(self, protocol):
        rebuild = sys.modules["torch._utils"]._rebuild_tensor_v2
        return (rebuild, (self.storage, self.offset, tuple(self.size), tuple(self.stride), False,
                          collections.OrderedDict()))


class FakeParameter:
    def __init__(self, tensor):
        self.tensor = tensor

    def __reduce_ex__(self, protocol):
        rebuild = sys.modules["torch._utils"]._rebuild_parameter
        return (rebuild, (self.tensor, True, collections.OrderedDict()))


def install_fake_torch():
    """Stand-in modules so that pickle writes GLOBAL 'torch FloatStorage' etc. Never executed."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")
    torch._utils = utils

    def make_fn(name):
        def fn(*args):
            raise RuntimeError("stand-in for torch._utils.%s, not callable" % name)
        fn.__module__ = "torch._utils"
        fn.__name__ = fn.__qualname__ = name
        return fn

    for fname in ("_rebuild_tensor_v2", "_rebuild_parameter"):
        setattr(utils, fname, make_fn(fname))
    for _, cls_name, _ in DTYPES.values():
        setattr(torch, cls_name, type(cls_name, (), {"__module__": "torch"}))
    sys.modules["torch"] = torch
    sys.modules["torch._utils"] = utils


def build_fake(spec):
    storages = {name: FakeStorage(name, dtype, flat) for name, (dtype, flat) in spec.storages.items()}
    sd = collections.OrderedDict()
    for key, (st, off, size, stride, param) in spec.tensors.items():
        t = FakeTensor(storages[st], off, size, stride)
        sd[key] = FakeParameter(t) if param else t
    return sd


def fake_save(obj, path, protocol=2):
    import io
    import pickle

    torch = sys.modules["torch"]
    id_map = collections.OrderedDict()  # id(storage) -> (key, storage)

    class TorchLikePickler(pickle.Pickler):
        def persistent_id(self, o):
            if isinstance(o, FakeStorage):
                if id(o) not in id_map:
                    id_map[id(o)] = (str(len(id_map)), o)
                key = id_map[id(o)][0]
                cls = getattr(torch, DTYPES[o.dtype][1])
                return ("storage", cls, key, "cpu", len(o.flat))
            return None

    buf = io.BytesIO()
    TorchLikePickler(buf, protocol=protocol).dump(obj)
    records = [("data.pkl", buf.getvalue()), (".format_version", b"1"),
               (".storage_alignment", b"64"), ("byteorder", b"little")]
    for key, st in id_map.values():
        records.append(("data/" + key, pack(st.dtype, st.flat)))
    records += [("version", b"3\n"), (".data/serialization_id", b"0123456789012345678901234567890123456789")]
    write_aligned_zip(path, "archive", records)


def write_aligned_zip(path, archive, records):
    """Stored zip laid out like torch's miniz writer: each record's data starts on a 64-byte
    boundary (an 'FB' extra field pads the local header) and a 16-byte data descriptor (flag bit 3)
    follows every non-empty record; central directory without extra fields."""
    import zlib
    out = bytearray()
    central = []
    for name, data in records:
        n = (archive + "/" + name).encode("utf-8")
        crc = zlib.crc32(data) & 0xFFFFFFFF
        start = len(out) + 30 + len(n) + 4
        pad = (-start) % 64
        flags = 0x0008 if data else 0
        header_offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 0, 0, 0x21, crc, len(data), len(data),
                           len(n), 4 + pad)
        out += n + b"FB" + struct.pack("<H", pad) + b"Z" * pad + data
        if data:
            out += struct.pack("<IIII", 0x08074B50, crc, len(data), len(data))
        central.append((n, flags, crc, len(data), header_offset))
    cd_start = len(out)
    for n, flags, crc, size, offset in central:
        out += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, 0, 0, 0x21, crc, size, size,
                           len(n), 0, 0, 0, 0, 0, offset) + n
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(out) - cd_start,
                       cd_start, 0)
    with open(path, "wb") as f:
        f.write(out)


# --------------------------------------------------------------------------- main

def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__)
        return 2
    out = args[0]
    os.makedirs(out, exist_ok=True)
    torch = None
    if "--emulate" not in argv:
        try:
            import torch  # noqa: F401
        except ImportError:
            torch = None
    if torch is not None:
        writer = "torch.save (torch %s)" % torch.__version__
    else:
        writer = "emulated torch.save (pure Python pickle, no torch)"
        install_fake_torch()
    print("make_pth_fixture: writing with", writer)

    def build(spec):
        return build_torch(spec, torch) if torch is not None else build_fake(spec)

    def save(obj, path, protocol=2):
        if torch is not None:
            torch.save(obj, path, pickle_protocol=protocol)
        else:
            fake_save(obj, path, protocol)

    def sidecar(name, state_dicts, other_keys=()):
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump({"writer": writer, "state_dicts": state_dicts, "other_keys": list(other_keys)},
                      f, indent=1)
            f.write("\n")
        print("  wrote", os.path.join(out, name + ".pth"))

    spec, meta = unet_tiny()
    sd = build(spec)
    sd._metadata = meta
    save(sd, os.path.join(out, "unet_tiny.pth"))
    sidecar("unet_tiny", {"": spec.expected()})

    spec = views_dtypes()
    save(build(spec), os.path.join(out, "views_dtypes.pth"))
    sidecar("views_dtypes", {"": spec.expected()})

    g, d = checkpoint_parts()
    ckpt = {"netG": build(g), "netD": build(d), "epoch": 7, "lr": 0.0002, "name": "facades",
            "flags": [True, None], "shape": (2, 3)}
    save(ckpt, os.path.join(out, "checkpoint_wrapped.pth"))
    sidecar("checkpoint_wrapped", {"netG": g.expected(), "netD": d.expected()},
            ["epoch", "lr", "name", "flags", "shape"])

    spec, _ = unet_tiny()
    small = Spec()
    for k in ["model.model.1.model.4.weight", "model.model.1.model.4.num_batches_tracked", "model.model.3.bias"]:
        small.storages[k] = spec.storages[k]
        small.tensors[k] = spec.tensors[k]
    save(build(small), os.path.join(out, "proto4.pth"), protocol=4)
    sidecar("proto4", {"": small.expected()})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

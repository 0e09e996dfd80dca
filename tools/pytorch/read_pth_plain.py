#!/usr/bin/env python3
"""Read a torch.save (zip, >= 1.6) state-dict file WITHOUT torch and print it as JSON.

Usage:  python3 read_pth_plain.py FILE.pth [--key KEY] [--strict]

Uses only ``zipfile`` and a restricted ``pickle.Unpickler`` that maps the torch globals to small
stand-ins (anything else is refused). Prints
    {"state_dicts": {"": {"name": {"dtype": "FLOAT32", "shape": [..], "values": [..]}}},
     "checks": {...}}
in the same layout as the sidecars of make_pth_fixture.py ("" = the top-level state dict, or KEY).

--strict additionally fails (exit 1) unless the file would pass the checks that matter for
``torch.load(f, weights_only=True)`` (the default since torch 2.6) and for ``mmap=True``:
  * every pickle opcode is one that torch's weights-only unpickler implements, protocol 2;
  * every global is on its default allow-list;
  * all records live under one archive folder, the first one is data.pkl, all are stored
    (uncompressed), byteorder is 'little', a version record exists;
  * every record's data starts at a 64-byte boundary;
  * with .format_version >= 1, torch's calculated storage offsets (no header reads) are right.
These checks are a stand-in for the real thing; tools/pytorch/check_against_torch.py --load
runs the real torch.load where torch is installed.
"""

import collections
import json
import pickle
import pickletools
import struct
import sys
import zipfile

STORAGES = {
    "FloatStorage": ("FLOAT32", "f", 4), "DoubleStorage": ("FLOAT64", "d", 8),
    "HalfStorage": ("FLOAT16", "e", 2), "BFloat16Storage": ("BFLOAT16", None, 2),
    "LongStorage": ("INT64", "q", 8), "IntStorage": ("INT32", "i", 4),
    "ShortStorage": ("INT16", "h", 2), "CharStorage": ("INT8", "b", 1),
    "ByteStorage": ("UINT8", "B", 1), "BoolStorage": ("BOOL", "?", 1),
}

# opcodes implemented by torch/_weights_only_unpickler.py (torch 2.x)
WEIGHTS_ONLY_OPCODES = {
    "PROTO", "STOP", "GLOBAL", "NEWOBJ", "REDUCE", "BUILD", "APPEND", "APPENDS", "SETITEM",
    "SETITEMS", "MARK", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3", "NONE", "NEWFALSE", "NEWTRUE",
    "EMPTY_TUPLE", "EMPTY_LIST", "EMPTY_DICT", "EMPTY_SET", "BININT", "BININT1", "BININT2",
    "BINFLOAT", "BINUNICODE", "SHORT_BINSTRING", "BINPERSID", "BINGET", "LONG_BINGET", "BINPUT",
    "LONG_BINPUT", "LONG1",
}
ALLOWED_GLOBALS = {"collections OrderedDict", "torch._utils _rebuild_tensor_v2",
                   "torch._utils _rebuild_parameter"} | {"torch " + s for s in STORAGES}


class StorageType:
    def __init__(self, name):
        self.name = name


class Storage:
    def __init__(self, dtype, values):
        self.dtype, self.values = dtype, values


def rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks, metadata=None):
    n = 1
    for s in size:
        n *= s
    values = []
    if n:
        idx = [0] * len(size)
        for _ in range(n):
            values.append(storage.values[offset + sum(i * s for i, s in zip(idx, stride))])
            for d in range(len(size) - 1, -1, -1):
                idx[d] += 1
                if idx[d] < size[d]:
                    break
                idx[d] = 0
    return {"dtype": storage.dtype, "shape": list(size), "values": values}


def rebuild_parameter(data, requires_grad, hooks):
    return data


def unpack(dtype_name, code, raw):
    if dtype_name == "BFLOAT16":
        return [struct.unpack("<f", b"\0\0" + raw[i:i + 2])[0] for i in range(0, len(raw), 2)]
    n = len(raw) // struct.calcsize(code)
    vals = list(struct.unpack("<%d%s" % (n, code), raw))
    return [1 if v else 0 for v in vals] if dtype_name == "BOOL" else vals


def load(path, strict):
    problems = []
    zf = zipfile.ZipFile(path)
    infos = zf.infolist()
    prefix = infos[0].filename.split("/")[0] + "/"
    if not infos[0].filename.endswith("/data.pkl"):
        problems.append("first record is %s, not data.pkl" % infos[0].filename)
    raw_file = open(path, "rb").read()
    unaligned = []
    for info in infos:
        if not info.filename.startswith(prefix):
            problems.append("record %s outside %s" % (info.filename, prefix))
        if info.compress_type != zipfile.ZIP_STORED:
            problems.append("record %s is compressed" % info.filename)
        off = info.header_offset
        name_len, extra_len = struct.unpack("<HH", raw_file[off + 26:off + 30])
        if (off + 30 + name_len + extra_len) % 64:
            unaligned.append(info.filename)
    if unaligned:
        problems.append("records not 64-byte aligned: %s" % unaligned)
    names = set(zf.namelist())
    if prefix + "byteorder" not in names or zf.read(prefix + "byteorder") != b"little":
        problems.append("byteorder record missing or not 'little'")
    if prefix + "version" not in names and prefix + ".data/version" not in names:
        problems.append("no version record")

    data = zf.read(prefix + "data.pkl")
    bad_ops = collections.OrderedDict()
    for op, arg, pos in pickletools.genops(data):
        if op.name not in WEIGHTS_ONLY_OPCODES:
            bad_ops.setdefault(op.name, pos)
        if op.name == "PROTO" and arg != 2:
            problems.append("pickle protocol %d (torch writes and expects 2)" % arg)
        if op.name == "GLOBAL" and arg not in ALLOWED_GLOBALS:
            problems.append("global %r not on the weights_only allow-list" % arg)
    for name, pos in bad_ops.items():
        problems.append("opcode %s (first at byte %d) is not implemented by torch's weights_only unpickler"
                        % (name, pos))

    class Restricted(pickle.Unpickler):
        def find_class(self, module, name):
            full = module + " " + name
            if full == "collections OrderedDict":
                return collections.OrderedDict
            if full == "torch._utils _rebuild_tensor_v2":
                return rebuild_tensor_v2
            if full == "torch._utils _rebuild_parameter":
                return rebuild_parameter
            if module == "torch" and name in STORAGES:
                return StorageType(name)
            raise pickle.UnpicklingError("global %s.%s refused" % (module, name))

        def persistent_load(self, pid):
            kind, stype, key, location, numel = pid
            if kind != "storage":
                raise pickle.UnpicklingError("bad persistent id %r" % (pid,))
            dtype_name, code, size = STORAGES[stype.name]
            if key not in load_order:
                load_order.append(key)
            raw = zf.read(prefix + "data/" + key)
            if len(raw) != numel * size:
                problems.append("data/%s has %d bytes, expected %d" % (key, len(raw), numel * size))
            return Storage(dtype_name, unpack(dtype_name, code, raw))

    import io
    load_order = []
    obj = Restricted(io.BytesIO(data)).load()

    # torch >= 2.5 with .format_version >= 1 may compute storage offsets instead of reading the
    # local headers (config.load.calculate_storage_offsets, meta loading, TORCH_SERIALIZATION_DEBUG):
    # storages in load order, the first at its real offset, each next header right after the
    # previous payload plus a 16-byte data descriptor, data after a 64-byte-aligning extra field.
    infos_by_name = {i.filename: i for i in infos}
    fmt = zf.read(prefix + ".format_version") if prefix + ".format_version" in names else None
    if fmt is not None and fmt >= b"1" and load_order:
        def data_offset(info):
            off = info.header_offset
            n_len, e_len = struct.unpack("<HH", raw_file[off + 26:off + 30])
            return off + 30 + n_len + e_len
        current = None
        for key in load_order:
            info = infos_by_name[prefix + "data/" + key]
            if current is None:
                if key != "0":
                    problems.append("first storage loaded is %r, torch expects '0'" % key)
                predicted = data_offset(info)
            else:
                name_len = len((prefix + "data/" + key).encode())
                start = current + 30 + name_len + 4
                predicted = start + (-start) % 64
            if predicted != data_offset(info):
                problems.append("calculated offset of data/%s is %d, real %d" % (key, predicted, data_offset(info)))
                break
            current = predicted + info.file_size + (16 if info.file_size > 0 else 0)
    if strict and problems:
        raise SystemExit("read_pth_plain: not torch.load(weights_only=True)-compatible:\n  "
                         + "\n  ".join(problems))
    return obj, problems, prefix


def main(argv):
    args = argv[1:]
    strict = "--strict" in args
    key = None
    if "--key" in args:
        key = args[args.index("--key") + 1]
    files = [a for i, a in enumerate(args) if not a.startswith("--") and (i == 0 or args[i - 1] != "--key")]
    if len(files) != 1:
        print(__doc__)
        return 2
    obj, problems, prefix = load(files[0], strict)
    if key is not None:
        obj = obj[key]
    if not isinstance(obj, dict):
        raise SystemExit("read_pth_plain: top-level object is %s, not a dict" % type(obj).__name__)
    tensors = collections.OrderedDict((k, v) for k, v in obj.items() if isinstance(v, dict) and "dtype" in v)
    json.dump({"state_dicts": {key or "": tensors},
               "checks": {"archive": prefix.rstrip("/"), "problems": problems,
                          "type": type(obj).__name__}}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

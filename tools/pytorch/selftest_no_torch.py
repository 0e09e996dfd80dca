#!/usr/bin/env python3
"""Checks of the torch-only scripts that can run WITHOUT torch (prints 'selftest ok').

A shape-only stand-in for ``torch.nn`` (modules that only record parameter/buffer shapes and
state-dict order) is installed, then reference_models.py is built and its state-dict keys,
shapes and parameter counts are compared with known facts about the reference implementation:
pix2pix prints "[Network G] Total number of parameters : 54.414 M" for unet_256 with batch norm
and "[Network D] Total number of parameters : 2.769 M" for the basic PatchGAN on 6 channels.
Also checks the .npy writer of check_against_torch.py against numpy.load when numpy is there.
With real torch installed, run check_against_torch.py instead.
"""

import collections
import functools
import io
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True


def install_stub():
    torch = types.ModuleType("torch")
    nn = types.ModuleType("torch.nn")
    torch.nn = nn

    class Module:
        def __init__(self):
            object.__setattr__(self, "_entries", collections.OrderedDict())  # name -> shape/module

        def __setattr__(self, name, value):
            if isinstance(value, Module):
                self._entries[name] = value
            object.__setattr__(self, name, value)

        def _param(self, name, shape, kind="param"):
            self._entries[name] = (kind, tuple(shape))

        def state_dict_shapes(self, prefix=""):
            out = collections.OrderedDict()
            for name, v in self._entries.items():
                if not isinstance(v, Module):
                    out[prefix + name] = v
            for name, v in self._entries.items():
                if isinstance(v, Module):
                    out.update(v.state_dict_shapes(prefix + name + "."))
            return out

    class Sequential(Module):
        def __init__(self, *mods):
            super().__init__()
            for i, m in enumerate(mods):
                setattr(self, str(i), m)

    def conv(transposed):
        class Conv(Module):
            def __init__(self, cin, cout, kernel_size, stride=1, padding=0, bias=True):
                super().__init__()
                self._param("weight", (cin, cout, kernel_size, kernel_size) if transposed
                            else (cout, cin, kernel_size, kernel_size))
                if bias:
                    self._param("bias", (cout,))
        return Conv

    class BatchNorm2d(Module):
        def __init__(self, c, affine=True, track_running_stats=True):
            super().__init__()
            if affine:
                self._param("weight", (c,))
                self._param("bias", (c,))
            if track_running_stats:
                self._param("running_mean", (c,), "buffer")
                self._param("running_var", (c,), "buffer")
                self._param("num_batches_tracked", (), "buffer")

    class InstanceNorm2d(BatchNorm2d):
        def __init__(self, c, affine=False, track_running_stats=False):
            super().__init__(c, affine, track_running_stats)

    class NoParams(Module):
        def __init__(self, *a, **k):
            super().__init__()

    nn.Module, nn.Sequential = Module, Sequential
    nn.Conv2d, nn.ConvTranspose2d = conv(False), conv(True)
    nn.BatchNorm2d, nn.InstanceNorm2d = BatchNorm2d, InstanceNorm2d
    nn.LeakyReLU = nn.ReLU = nn.Tanh = nn.Dropout = NoParams
    sys.modules["torch"] = torch
    sys.modules["torch.nn"] = nn


def params(shapes):
    total = 0
    for kind, shape in shapes.values():
        if kind == "param":
            n = 1
            for s in shape:
                n *= s
            total += n
    return total


def expect(cond, what):
    if not cond:
        raise SystemExit("selftest FAILED: " + what)


def main():
    install_stub()
    sys.path.insert(0, HERE)
    import reference_models as rm

    g = rm.define_G("unet_256", 3, 3, 64, "batch", True).state_dict_shapes()
    expect(round(params(g) / 1e6, 3) == 54.414, "unet_256 params %d" % params(g))
    keys = list(g)
    expect(keys[0] == "model.model.0.weight" and g[keys[0]] == ("param", (64, 3, 4, 4)), keys[0])
    expect(keys[-2:] == ["model.model.3.weight", "model.model.3.bias"], keys[-2:])
    expect(g["model.model.3.weight"][1] == (128, 3, 4, 4), "outermost ConvTranspose2d [Cin, Cout, k, k]")
    expect("model.model.0.bias" not in g, "batch-norm U-Net convs have no bias")
    inner = "model.model.1" + ".model.3" * 6
    expect(g[inner + ".model.1.weight"][1] == (512, 512, 4, 4), "innermost downconv")
    expect(g[inner + ".model.3.weight"][1] == (512, 512, 4, 4), "innermost upconv takes inner_nc")
    expect(g[inner + ".model.4.num_batches_tracked"] == ("buffer", ()), "innermost upnorm")
    expect(g["model.model.1.model.2.running_var"] == ("buffer", (128,)), "first downnorm")
    expect(g["model.model.1.model.5.weight"][1] == (256, 64, 4, 4), "second-level upconv")
    expect(len(keys) == 3 + 6 * 12 + 7, "unet_256 state-dict size %d" % len(keys))

    g128 = rm.define_G("unet_128", 3, 3, 64, "instance", False).state_dict_shapes()
    expect(all("running" not in k for k in g128), "instance norm has no buffers")
    expect("model.model.0.bias" in g128 and "model.model.1.model.1.bias" in g128, "instance-norm convs have bias")
    gnone = rm.define_G("unet_128", 3, 3, 64, "none", False).state_dict_shapes()
    expect("model.model.0.bias" not in gnone and "model.model.3.bias" in gnone, "norm none: bias only on outermost upconv")

    d = rm.define_D("basic", 6, 64, 3, "batch").state_dict_shapes()
    expect(round(params(d) / 1e6, 3) == 2.769, "basic D params %d" % params(d))
    expect(list(d)[:2] == ["model.0.weight", "model.0.bias"], "first D conv has a bias")
    expect(d["model.8.weight"][1] == (512, 256, 4, 4) and d["model.11.weight"][1] == (1, 512, 4, 4), "D tail")
    expect("model.11.bias" in d and "model.2.bias" not in d, "D biases")
    expect(d["model.9.running_mean"] == ("buffer", (512,)), "D last norm")

    d1 = rm.define_D("n_layers", 6, 64, 1, "batch").state_dict_shapes()
    expect(d1["model.2.weight"][1] == (128, 64, 4, 4) and "model.5.weight" in d1, "n_layers=1")

    p = rm.define_D("pixel", 6, 64, 3, "batch").state_dict_shapes()
    expect(list(p) == ["net.0.weight", "net.0.bias", "net.2.weight", "net.3.weight", "net.3.bias",
                       "net.3.running_mean", "net.3.running_var", "net.3.num_batches_tracked",
                       "net.5.weight"], list(p))

    # .npy writer (check_against_torch imports torch: the stub is enough for that)
    import check_against_torch as cat
    try:
        import numpy
    except ImportError:
        numpy = None
    if numpy is not None:
        for shape in [(1, 3, 4, 4), (5,), (), (2, 3)]:
            n = 1
            for s in shape:
                n *= s
            arr = numpy.arange(n, dtype="<f4").reshape(shape)
            back = numpy.load(io.BytesIO(cat.npy_bytes(shape, arr.tobytes())))
            expect(back.shape == shape and (back == arr).all(), "npy %s" % (shape,))
    print("selftest ok: unet_256 %d params, basic D %d params%s"
          % (params(g), params(d), "" if numpy is not None else " (npy check skipped: no numpy)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

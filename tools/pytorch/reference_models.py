"""Minimal PyTorch definitions of the pix2pix networks whose state-dict keys, parameter shapes
and forward computation match junyanz/pytorch-CycleGAN-and-pix2pix (models/networks.py):

* ``UnetGenerator``       keys ``model.model.0.weight``, ``model.model.1.model.1.weight``, ...
* ``NLayerDiscriminator`` keys ``model.0.weight``, ``model.2.weight``, ``model.3.running_mean`` ...
* ``PixelDiscriminator``  keys ``net.0.weight``, ``net.3.running_var`` ...
* ``ResnetGenerator``     keys ``model.1.weight``, ``model.10.conv_block.1.weight``, ... (resnet_9blocks/6blocks)

Written independently for cross-checking our Java (DJL) implementation; only the module layout
(which decides the keys) follows the reference:

U-Net skip block, one ``nn.Sequential`` named ``model`` per level:
  outermost  [downconv, submodule, uprelu, upconv(bias), tanh]
  middle     [downrelu, downconv, downnorm, submodule, uprelu, upconv, upnorm] (+ [dropout])
  innermost  [downrelu, downconv, uprelu, upconv, upnorm]
Convolutions have a bias only when the norm layer is InstanceNorm (the reference tests
``norm_layer == InstanceNorm2d``, so with norm 'none' there is no bias either); the first
discriminator conv and the last ones (see below) always have a bias. Kernels 4x4, stride 2,
padding 1 everywhere in the U-Net; LeakyReLU slope 0.2; Dropout p=0.5.

Norm layers as in the reference ``get_norm_layer``: 'batch' = BatchNorm2d(affine, running stats),
'instance' = InstanceNorm2d(affine=False, track_running_stats=False) (no state-dict entries),
'none' = identity (no entries; the index still counts).

Requires torch; nothing here runs on import.
"""

import functools

import torch
from torch import nn


class _Identity(nn.Module):
    def forward(self, x):
        return x


def norm_factory(kind):
    """A callable channels -> nn.Module, plus whether convs next to it carry a bias."""
    if kind == "batch":
        return functools.partial(nn.BatchNorm2d, affine=True, track_running_stats=True), False
    if kind == "instance":
        return functools.partial(nn.InstanceNorm2d, affine=False, track_running_stats=False), True
    if kind == "none":
        return (lambda channels: _Identity()), False
    raise ValueError("norm must be batch, instance or none, got %r" % kind)


class UnetBlock(nn.Module):
    """One level of the U-Net; ``self.model`` holds the layers so keys read ``...model.<i>...``."""

    def __init__(self, outer_nc, inner_nc, norm, input_nc=None, submodule=None,
                 outermost=False, innermost=False, use_dropout=False):
        super().__init__()
        self.outermost = outermost
        make_norm, use_bias = norm_factory(norm)
        if input_nc is None:
            input_nc = outer_nc

        def down_conv():
            return nn.Conv2d(input_nc, inner_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)

        def up_conv(in_channels, bias):
            return nn.ConvTranspose2d(in_channels, outer_nc, kernel_size=4, stride=2, padding=1, bias=bias)

        if outermost:
            layers = [down_conv(), submodule, nn.ReLU(True), up_conv(inner_nc * 2, True), nn.Tanh()]
        elif innermost:
            layers = [nn.LeakyReLU(0.2, True), down_conv(),
                      nn.ReLU(True), up_conv(inner_nc, use_bias), make_norm(outer_nc)]
        else:
            layers = [nn.LeakyReLU(0.2, True), down_conv(), make_norm(inner_nc), submodule,
                      nn.ReLU(True), up_conv(inner_nc * 2, use_bias), make_norm(outer_nc)]
            if use_dropout:
                layers.append(nn.Dropout(0.5))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        y = self.model(x)
        return y if self.outermost else torch.cat([x, y], 1)


class UnetGenerator(nn.Module):
    """pix2pix U-Net; ``num_downs`` = 7 for 'unet_128', 8 for 'unet_256' (input must be 2^num_downs)."""

    def __init__(self, input_nc=3, output_nc=3, num_downs=8, ngf=64, norm="batch", use_dropout=False):
        super().__init__()
        if num_downs < 5:
            raise ValueError("num_downs must be >= 5")
        block = UnetBlock(ngf * 8, ngf * 8, norm, innermost=True)
        for _ in range(num_downs - 5):
            block = UnetBlock(ngf * 8, ngf * 8, norm, submodule=block, use_dropout=use_dropout)
        block = UnetBlock(ngf * 4, ngf * 8, norm, submodule=block)
        block = UnetBlock(ngf * 2, ngf * 4, norm, submodule=block)
        block = UnetBlock(ngf, ngf * 2, norm, submodule=block)
        self.model = UnetBlock(output_nc, ngf, norm, input_nc=input_nc, submodule=block, outermost=True)

    def forward(self, x):
        return self.model(x)


class NLayerDiscriminator(nn.Module):
    """PatchGAN: 'basic' is n_layers=3 (70x70 receptive field)."""

    def __init__(self, input_nc=6, ndf=64, n_layers=3, norm="batch"):
        super().__init__()
        make_norm, use_bias = norm_factory(norm)
        layers = [nn.Conv2d(input_nc, ndf, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2, True)]
        mult = 1
        # n_layers - 1 stride-2 blocks, then one stride-1 block (also for n_layers = 0)
        for n, stride in [(n, 2) for n in range(1, n_layers)] + [(n_layers, 1)]:
            prev, mult = mult, min(2 ** n, 8)
            layers += [nn.Conv2d(ndf * prev, ndf * mult, kernel_size=4, stride=stride, padding=1, bias=use_bias),
                       make_norm(ndf * mult), nn.LeakyReLU(0.2, True)]
        layers.append(nn.Conv2d(ndf * mult, 1, kernel_size=4, stride=1, padding=1))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class PixelDiscriminator(nn.Module):
    """1x1 PixelGAN."""

    def __init__(self, input_nc=6, ndf=64, norm="batch"):
        super().__init__()
        make_norm, use_bias = norm_factory(norm)
        self.net = nn.Sequential(
            nn.Conv2d(input_nc, ndf, kernel_size=1, stride=1, padding=0),
            nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf, ndf * 2, kernel_size=1, stride=1, padding=0, bias=use_bias),
            make_norm(ndf * 2),
            nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf * 2, 1, kernel_size=1, stride=1, padding=0, bias=use_bias))

    def forward(self, x):
        return self.net(x)


class ResnetBlock(nn.Module):
    """x + [ReflectionPad(1), conv3, norm, ReLU, (Dropout 0.5), ReflectionPad(1), conv3, norm](x)."""

    def __init__(self, dim, norm, use_dropout):
        super().__init__()
        make_norm, use_bias = norm_factory(norm)
        layers = [nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, padding=0, bias=use_bias), make_norm(dim), nn.ReLU(True)]
        if use_dropout:
            layers.append(nn.Dropout(0.5))
        layers += [nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, padding=0, bias=use_bias), make_norm(dim)]
        self.conv_block = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    """ReflectionPad(3), conv7, norm, ReLU; 2 x (conv3 stride 2, norm, ReLU); n ResnetBlocks;
    2 x (ConvTranspose3 stride 2 padding 1 output_padding 1, norm, ReLU); ReflectionPad(3), conv7 (bias), tanh."""

    def __init__(self, input_nc=3, output_nc=3, ngf=64, norm="batch", use_dropout=False, n_blocks=9):
        super().__init__()
        make_norm, use_bias = norm_factory(norm)
        model = [nn.ReflectionPad2d(3), nn.Conv2d(input_nc, ngf, 7, padding=0, bias=use_bias), make_norm(ngf), nn.ReLU(True)]
        for i in range(2):
            mult = 2 ** i
            model += [nn.Conv2d(ngf * mult, ngf * mult * 2, 3, stride=2, padding=1, bias=use_bias),
                      make_norm(ngf * mult * 2), nn.ReLU(True)]
        for _ in range(n_blocks):
            model.append(ResnetBlock(ngf * 4, norm, use_dropout))
        for i in range(2):
            mult = 2 ** (2 - i)
            model += [nn.ConvTranspose2d(ngf * mult, ngf * mult // 2, 3, stride=2, padding=1, output_padding=1,
                                         bias=use_bias), make_norm(ngf * mult // 2), nn.ReLU(True)]
        model += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, output_nc, 7, padding=0), nn.Tanh()]
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)


def define_G(netG="unet_256", input_nc=3, output_nc=3, ngf=64, norm="batch", use_dropout=True):
    downs = {"unet_128": 7, "unet_256": 8}
    blocks = {"resnet_9blocks": 9, "resnet_6blocks": 6}
    if netG in blocks:
        return ResnetGenerator(input_nc, output_nc, ngf, norm, use_dropout, blocks[netG])
    if netG not in downs:
        raise ValueError("generators defined here: unet_128, unet_256, resnet_9blocks, resnet_6blocks; got %r" % netG)
    return UnetGenerator(input_nc, output_nc, downs[netG], ngf, norm, use_dropout)


def define_D(netD="basic", input_nc=6, ndf=64, n_layers_D=3, norm="batch"):
    if netD == "basic":
        return NLayerDiscriminator(input_nc, ndf, 3, norm)
    if netD == "n_layers":
        return NLayerDiscriminator(input_nc, ndf, n_layers_D, norm)
    if netD == "pixel":
        return PixelDiscriminator(input_nc, ndf, norm)
    raise ValueError("netD must be basic, n_layers or pixel, got %r" % netD)


def init_like_reference(net, gain=0.02, generator=None):
    """'normal' init of the reference: conv weights N(0, gain), biases 0, BatchNorm weight
    N(1, gain), bias 0. The running statistics are also randomised (mean N(0, 0.1), var in
    [0.5, 1.5], num_batches_tracked 7) so that eval-mode BatchNorm is actually exercised."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                m.weight.copy_(torch.randn(m.weight.shape, generator=generator) * gain)
                if m.bias is not None:
                    m.bias.zero_()
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(1.0 + torch.randn(m.weight.shape, generator=generator) * gain)
                m.bias.zero_()
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=generator) * 0.1)
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=generator))
                m.num_batches_tracked.fill_(7)
    return net


def init_scaled(net, generator=None):
    """A test init with outputs of order 1 (the reference init's N(0, 0.02) shrinks activations
    layer by layer until a unet_256's output is almost constant, which would make a 1e-4
    comparison nearly vacuous): conv weights N(0, 1.4/sqrt(fan_in)) (a transposed conv with
    kernel 4, stride 2 feeds each output from Cin*4 taps), biases N(0, 0.1), BatchNorm weight
    N(1, 0.1), bias N(0, 0.1), running mean N(0, 0.1), running var in [0.5, 1.5]."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                w = m.weight
                # a stride-2 transposed conv feeds each output from Cin * (k/2)^2 taps
                fan_in = (w.shape[0] * w.shape[2] * w.shape[3] // 4 if isinstance(m, nn.ConvTranspose2d)
                          else w[0].numel())
                w.copy_(torch.randn(w.shape, generator=generator) * (1.4 / fan_in ** 0.5))
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=generator) * 0.1)
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(1.0 + torch.randn(m.weight.shape, generator=generator) * 0.1)
                m.bias.copy_(torch.randn(m.bias.shape, generator=generator) * 0.1)
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=generator) * 0.1)
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=generator))
                m.num_batches_tracked.fill_(7)
    return net

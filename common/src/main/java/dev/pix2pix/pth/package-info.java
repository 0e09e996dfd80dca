/**
 * The file format of {@code torch.save} (PyTorch >= 1.6 zip archives), name-agnostic: read
 * state dicts written by the reference PyTorch pix2pix code ({@link dev.pix2pix.pth.PthReader})
 * and write ours so that {@code torch.load} - also with {@code weights_only=True} - returns an
 * {@code OrderedDict} of tensors ({@link dev.pix2pix.pth.PthWriter}).
 *
 * <p>A {@code .pth} file is untrusted input: its pickle is interpreted by a small allow-list
 * machine that never resolves or executes anything (see {@code SafeUnpickler}); bounds, CRCs
 * and sizes are checked; failures are {@link dev.pix2pix.pth.PthFormatException}s
 * ({@link dev.pix2pix.pth.UnsafePickleException} for refused globals/opcodes) that say why.
 *
 * <p>Tools to produce fixtures and to check against real torch live in {@code tools/pytorch/}.
 */
package dev.pix2pix.pth;

"""torsh's native grid_sampler kernels against torch 1.13's CPU kernels, bit for bit.

torch's 2-D kernel is its AVX2 build, whose intrinsics the compiler fuses into FMA; torsh's kernel
fuses the same products and sums, and adds input gradients in the same order (vectors of 32 bytes
of points, tap by tap). Where torch does not run that build the comparison is to rounding.
Also: thread counts give the same bits, non-finite grids, gradients of one argument only, and
second derivatives, which raise as torch's do."""
import numpy as np
import pytest
import torch

import torsh
from conftest import record

AVX2 = "CPU capability usage: AVX2" in torch.__config__.show()

CASES = [(4, m, p, a) for m in ("bilinear", "nearest", "bicubic")
         for p in ("zeros", "border", "reflection") for a in (False, True)]
CASES += [(5, m, p, a) for m in ("bilinear", "nearest")
          for p in ("zeros", "border", "reflection") for a in (False, True)]


def make(dims, dtype, seed, nonfinite):
    rng = np.random.default_rng(seed)
    sp, osp = ((9, 11), (13, 17)) if dims == 4 else ((4, 5, 6), (3, 5, 7))
    x = rng.standard_normal((3, 2) + sp).astype(dtype)
    g = rng.uniform(-1.3, 1.3, (3,) + osp + (dims - 2,)).astype(dtype)
    if nonfinite:
        special = np.array([np.nan, np.inf, -np.inf, 1e10, -1e10, 1.0, -1.0], dtype=dtype)
        g.flat[::37] = special[np.arange(g.flat[::37].size) % 7]
    return x, g


def run(lib, x, g, mode, padding, align, need, layout):
    """Output and the requested gradients; layout: 'planes' reads the grid from an (N, 2, H, W)
    tensor (torch walks its x and y planes), 'rows' from every other row block of a wider
    tensor with a channels-last input (torch walks it row by row)."""
    xt, gt = lib.tensor(x), lib.tensor(g)
    if layout == "planes":
        gt = lib.tensor(np.ascontiguousarray(np.moveaxis(g, -1, 1)))
        gt = gt.permute(*([0] + list(range(2, g.ndim)) + [1]))
    elif layout == "rows":
        gt = lib.tensor(np.concatenate([g, g], axis=2))[:, :, :g.shape[2]]
        xt = lib.tensor(np.ascontiguousarray(np.moveaxis(x, 1, -1)))
        xt = xt.permute(0, x.ndim - 1, *range(1, x.ndim - 1))
    xt.requires_grad_(need[0])
    gt.requires_grad_(need[1])
    y = lib.nn.functional.grid_sample(xt, gt, mode=mode, padding_mode=padding,
                                      align_corners=align)
    weights = np.cos(np.arange(y.numel())).reshape(tuple(y.shape)).astype(x.dtype)
    y.backward(lib.tensor(weights))
    return [y.detach().numpy()] + [t.grad.numpy() for t, n in ((xt, need[0]), (gt, need[1]))
                                   if n]


def same(a, b, what):
    record(what)
    assert a.shape == b.shape and a.dtype == b.dtype, what
    if AVX2:
        np.testing.assert_array_equal(b, a, err_msg=what)
    else:
        tol = 1e-5 if a.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(b, a, rtol=tol, atol=tol, equal_nan=True, err_msg=what)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", [None, "planes", "rows"])
@pytest.mark.parametrize("dims,mode,padding,align", CASES)
def test_bit_equal_to_torch(dims, mode, padding, align, layout, dtype):
    # torch's 2-D backward reads out of bounds at a NaN coordinate under border or reflection
    # padding (it crashes), so non-finite grids are compared where torch handles them
    x, g = make(dims, dtype, 7, padding == "zeros" or dims == 5)
    for need in ((True, True), (False, True), (True, False)):
        a = run(torch, x, g, mode, padding, align, need, layout)
        b = run(torsh, x, g, mode, padding, align, need, layout)
        for k, (u, v) in enumerate(zip(a, b)):
            same(u, v, f"grid_sample {dims}d {mode} {padding} {align} {layout} {need} #{k}")


@pytest.mark.parametrize("dims,mode,padding,align", CASES[::3])
def test_threads_give_the_same_bits(dims, mode, padding, align):
    x, g = make(dims, np.float32, 11, False)
    x = np.concatenate([x] * 3)  # 9 samples
    g = np.concatenate([g] * 3)
    before = torsh.get_num_threads(), torch.get_num_threads()  # one OpenMP runtime: both
    try:
        torsh.set_num_threads(1)
        one = run(torsh, x, g, mode, padding, align, (True, True), None)
        torsh.set_num_threads(2)
        two = run(torsh, x, g, mode, padding, align, (True, True), None)
    finally:
        torsh.set_num_threads(before[0])
        torch.set_num_threads(before[1])
    for k, (u, v) in enumerate(zip(one, two)):
        np.testing.assert_array_equal(v, u, err_msg=f"{dims}d {mode} {padding} #{k}")


@pytest.mark.parametrize("padding", ["border", "reflection"])
def test_nan_grid_backward_is_safe(padding):
    """torch 1.13 reads outside the input here; torsh treats the NaN point as outside: it adds
    nothing to the input's gradient, and the other points' gradients are unchanged."""
    x, g = make(4, np.float64, 3, False)
    bad = g.copy()
    bad[0, 2, 3, 0] = np.nan
    xs = torsh.tensor(x, requires_grad=True)
    gs = torsh.tensor(bad, requires_grad=True)
    y = torsh.nn.functional.grid_sample(xs, gs, padding_mode=padding, align_corners=False)
    w = torsh.ones(y.shape, dtype=torsh.float64)
    w[0, :, 2, 3] = 0  # the NaN point's output gets no weight
    (y * w).sum().backward()
    assert np.isfinite(xs.grad.numpy()).all()
    xt = torch.tensor(x, requires_grad=True)
    gt = torch.tensor(g, requires_grad=True)
    yt = torch.nn.functional.grid_sample(xt, gt, padding_mode=padding, align_corners=False)
    wt = torch.ones(yt.shape, dtype=torch.float64)
    wt[0, :, 2, 3] = 0
    (yt * wt).sum().backward()
    record(f"grid_sample NaN {padding}")
    np.testing.assert_allclose(xs.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12)
    keep = np.ones(g.shape, bool)
    keep[0, 2, 3] = False
    np.testing.assert_array_equal(gs.grad.numpy()[keep], gt.grad.numpy()[keep])
    # the forward, which torch computes safely, agrees with the NaN point in place
    yt_bad = torch.nn.functional.grid_sample(xt, torch.tensor(bad), padding_mode=padding,
                                             align_corners=False)
    np.testing.assert_array_equal(y.detach().numpy(), yt_bad.detach().numpy())


@pytest.mark.parametrize("dims", [4, 5])
def test_second_derivative_raises_as_torch(dims):
    x, g = make(dims, np.float64, 5, False)
    results = []
    for lib in (torch, torsh):
        xt = lib.tensor(x, requires_grad=True)
        gt = lib.tensor(g, requires_grad=True)
        y = lib.nn.functional.grid_sample(xt, gt, align_corners=True)
        gx, gg = lib.autograd.grad(y.sum(), (xt, gt), create_graph=True)
        gx0, gg0 = lib.autograd.grad(lib.nn.functional.grid_sample(
            xt, gt, align_corners=True).sum(), (xt, gt))
        np.testing.assert_array_equal(gx.detach().numpy(), gx0.numpy())
        np.testing.assert_array_equal(gg.detach().numpy(), gg0.numpy())
        assert gg.requires_grad and gx.requires_grad
        with pytest.raises(RuntimeError) as e:
            lib.autograd.grad(gg.sum(), (xt, gt))
        results.append((str(e.value), gx.detach().numpy(), gg.detach().numpy()))
    record(f"grid_sample {dims}d double backward")
    assert results[1][0] == results[0][0]
    same(results[0][1], results[1][1], "create_graph input grad")
    same(results[0][2], results[1][2], "create_graph grid grad")


@pytest.mark.parametrize("dims", [4, 5])
@pytest.mark.parametrize("align", [False, True])
def test_nearest_ties_and_far_points(dims, align):
    """Coordinates exactly between two pixels (2-D rounds half to even, 3-D half away from
    zero, as torch's kernels), and grid values far beyond the input (1e16: no overflow, read as
    outside or clamped to the border as in torch)."""
    size = 4
    x = np.arange(2 * size ** (dims - 2), dtype=np.float64).reshape((1, 2) + (size,) * (dims - 2))
    pix = np.array([-0.5, 0.5, 1.5, 2.5, 3.5]) if not align else np.array([0.5, 1.5, 2.5])
    coords = (2 * pix + 1) / size - 1 if not align else 2 * pix / (size - 1) - 1
    coords = np.concatenate([coords, [1e16, -1e16, 3e17]])
    k = len(coords)
    g = np.zeros((1,) + (k,) * (dims - 2) + (dims - 2,))
    for axis in range(dims - 2):
        shape = [1] * (dims - 2)
        shape[dims - 3 - axis] = k  # coordinate `axis` (x first) varies along its spatial dim
        g[..., axis] = coords.reshape(shape)
    for mode in ("nearest", "bilinear"):
        for padding in ("zeros", "border", "reflection"):
            a = run(torch, x, g, mode, padding, align, (True, True), None)
            b = run(torsh, x, g, mode, padding, align, (True, True), None)
            for i, (u, v) in enumerate(zip(a, b)):
                same(u, v, f"grid_sample ties {dims}d {mode} {padding} {align} #{i}")


def test_invalid_modes_raise():
    """torch.grid_sampler leaves the output uninitialised for an unknown mode number; torsh
    raises a RuntimeError naming the argument."""
    x, g = torsh.zeros(1, 1, 2, 2), torsh.zeros(1, 1, 1, 2)
    for args, word in (((3, 0), "interpolation_mode"), ((-1, 0), "interpolation_mode"),
                       ((0, 3), "padding_mode")):
        with pytest.raises(RuntimeError, match=word):
            torsh.grid_sampler(x, g, *args, False)

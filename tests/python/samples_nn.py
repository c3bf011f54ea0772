"""Samples for convolution and pooling (src/ops/conv.cpp, pool.cpp), used by test_ops.py: float64
samples first (gradcheck takes the first usable ones), then float32/bfloat16, non-contiguous
operands (transposed spatial dims, stepped), 0-size batches, and invalid calls whose exception
type must match torch's."""
import numpy as np

from oracle import Pair, make, values


def t(rng, shape, dt="float64"):
    """Values away from 0 (gradcheck's kinks); float32/bfloat16 ones integer-valued, so sums are
    exact whatever the summation order."""
    v = rng.uniform(0.25, 2.0, shape) * rng.choice([-1, 1], shape)
    if dt != "float64":
        v = np.round(v * 2)
    return make(v, dt)


def tr(p):
    return Pair(p.t.transpose(-1, -2), p.s.transpose(-1, -2))


def step(p):
    return Pair(p.t[..., ::2], p.s[..., ::2])


def samples_convolution(meta, rng):
    conv = lambda x, w, b, s, p, d, tp, op, g: ((x, w, b, s, p, d, tp, op, g), {})  # noqa: E731
    # (x, w, b, stride, padding, dilation, transposed, output_padding, groups)
    yield *conv(t(rng, (1, 4, 3, 3)), t(rng, (4, 2, 2, 2)), t(rng, (4,)), [2, 1], [1, 1], [1, 2],
                False, [0], 2), "[small 2-d groups f64]"
    yield *conv(t(rng, (2, 4, 5, 4)), t(rng, (4, 2, 2, 3)), t(rng, (4,)), [2, 1], [1, 1], [1, 2],
                False, [0], 2), "[2-d groups f64]"
    yield *conv(t(rng, (2, 3, 6)), t(rng, (2, 3, 3)), None, [2], [1], [1], False, [0], 1), "[1-d]"
    yield *conv(t(rng, (1, 2, 3, 4, 3)), t(rng, (2, 2, 2, 2, 2)), t(rng, (2,)), [1], [1], [1],
                False, [0], 1), "[3-d]"
    yield *conv(t(rng, (2, 4, 3, 4)), t(rng, (4, 3, 2, 3)), t(rng, (6,)), [2, 1], [1, 0], [1, 2],
                True, [1, 0], 2), "[transposed 2-d]"
    yield *conv(t(rng, (2, 2, 5)), t(rng, (2, 3, 3)), None, [3], [1], [1], True, [2], 1), \
        "[transposed 1-d]"
    yield *conv(t(rng, (2, 3, 4, 4)), t(rng, (5, 3, 1, 1)), t(rng, (5,)), [1], [0], [1], False,
                [0], 1), "[1x1]"
    for dt in ("float32", "bfloat16"):
        yield *conv(t(rng, (1, 3, 4, 4), dt), t(rng, (2, 3, 3, 3), dt), t(rng, (2,), dt), [1],
                    [1], [1], False, [0], 1), f"[{dt}]"
    yield *conv(tr(t(rng, (2, 3, 6, 5))), step(t(rng, (4, 3, 3, 6))), None, [1], [0], [1], False,
                [0], 1), "[transposed and stepped operands]"
    yield *conv(t(rng, (0, 3, 5, 5)), t(rng, (4, 3, 3, 3)), t(rng, (4,)), [1], [0], [1], False,
                [0], 1), "[empty batch]"
    yield *conv(t(rng, (1, 4, 5, 5)), t(rng, (4, 3, 3, 3)), None, [1], [0], [1], False, [0], 1), \
        "[channel mismatch]"
    yield *conv(t(rng, (1, 3, 2, 2)), t(rng, (4, 3, 3, 3)), None, [1], [0], [1], False, [0], 1), \
        "[kernel larger than input]"
    yield *conv(t(rng, (1, 3, 5, 5)), t(rng, (4, 3, 3, 3)), t(rng, (3,)), [1], [0], [1], False,
                [0], 1), "[bias size]"
    yield *conv(t(rng, (1, 3, 5, 5)), t(rng, (4, 3, 3, 3), "float32"), None, [1], [0], [1],
                False, [0], 1), "[dtype mismatch]"
    yield *conv(t(rng, (3, 5, 5)), t(rng, (4, 3, 3, 3)), None, [1], [0], [1], False, [0], 1), \
        "[rank mismatch]"
    yield *conv(t(rng, (1, 3, 5, 5)), t(rng, (4, 3, 3, 3)), None, [0], [0], [1], False, [0], 1), \
        "[zero stride]"
    yield *conv(t(rng, (1, 3, 5, 5)), t(rng, (4, 3, 3, 3)), None, [1], [-1], [1], False, [0], 1), \
        "[negative padding]"
    yield *conv(t(rng, (1, 4, 5, 5)), t(rng, (4, 2, 3, 3)), None, [1], [0], [1], False, [0], 3), \
        "[groups do not divide]"
    yield *conv(t(rng, (1, 3, 5, 5)), t(rng, (3, 2, 3, 3)), None, [1], [0], [1], True, [1], 1), \
        "[output_padding too large]"


def _pool_inputs(rng, nd):
    yield t(rng, ((1, 2, 5), (1, 2, 5, 3), (1, 1, 4, 3, 3))[nd - 1]), "small f64"
    spatial = (7, 6, 5)[:nd]
    yield t(rng, (2, 3) + spatial), "f64"
    yield t(rng, (3,) + spatial), "unbatched"
    yield t(rng, (2, 3) + spatial, "float32"), "f32"
    if nd >= 2:
        yield tr(t(rng, (2, 3) + spatial)), "transposed"
    yield step(t(rng, (2, 3) + spatial[:-1] + (2 * spatial[-1],))), "stepped"


def samples_max_pool(meta, rng):
    nd = meta["nd"]
    for x, label in _pool_inputs(rng, nd):
        yield (x, 2), {}, f"[{label} k=2]"
    x = t(rng, (2, 3) + (7, 6, 5)[:nd])
    yield (x, 3, 2, 1, 1, True), {}, "[k=3 s=2 p=1 ceil]"
    yield (x, 2, 1, 1, 2, False), {}, "[dilation 2]"
    yield (x, [3] * nd, [2] * nd), {"ceil_mode": True}, "[ceil keyword]"
    nan = np.full((1, 2) + (4, 4, 4)[:nd], 1.0)
    nan[(0, 0) + (1,) * nd] = np.nan
    yield (make(nan, "float64"), 2), {}, "[NaN propagates]"
    yield (t(rng, (0, 3) + (4, 4, 4)[:nd]), 2), {}, "[empty batch]"
    yield (x, 2, 1, 2), {}, "[padding above half the kernel]"
    yield (t(rng, (1, 3) + (1, 1, 1)[:nd]), 2), {}, "[output too small]"
    yield (t(rng, (1, 3) + (4, 4, 4)[:nd], "int64"), 2), {}, "[int64]"
    yield (t(rng, (4,) * nd), 2), {}, "[too few dims]"


def samples_avg_pool(meta, rng):
    nd = meta["nd"]
    for x, label in _pool_inputs(rng, nd):
        yield (x, 2), {}, f"[{label} k=2]"
    x = t(rng, (2, 3) + (7, 6, 5)[:nd])
    yield (x, 3, 2, 1, True, False), {}, "[k=3 s=2 p=1 ceil, no pad count]"
    yield (x, 3, 2, 1, False, True), {}, "[pad counted]"
    if nd >= 2:
        yield (x, 3, 2, 1, True, True, 4), {}, "[divisor_override]"
        yield (x, 2), {"divisor_override": 0}, "[divisor 0]"
    yield (t(rng, (0, 3) + (4, 4, 4)[:nd]), 2), {}, "[empty batch]"
    yield (x, 2, 1, 2), {}, "[padding above half the kernel]"
    yield (t(rng, (4,) * nd), 2), {}, "[too few dims]"
    yield (make(values(rng, (1, 2) + (5, 4, 4)[:nd], "int64"), "int64"), 3, 2, 1), {}, \
        "[int64: the quotient truncates]"


def samples_adaptive_pool(meta, rng):
    nd = meta["nd"]
    for x, label in _pool_inputs(rng, nd):
        yield (x, [3, 4, 2][:nd]), {}, f"[{label}]"
    x = t(rng, (2, 3) + (7, 6, 5)[:nd])
    yield (x, [1] * nd), {}, "[global]"
    yield (x, [9, 8, 6][:nd]), {}, "[larger than the input]"
    if nd == 1:  # torch.nn.functional's 2-d/3-d forms check the rank in Python (ValueError)
        yield (t(rng, (4,)), [2]), {}, "[too few dims]"

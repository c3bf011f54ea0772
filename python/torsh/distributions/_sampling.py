"""The samplers torch's distributions call that torsh has no op for: torch._standard_gamma and
torch._sample_dirichlet, with their reparameterisation gradients (torch._standard_gamma_grad,
torch._dirichlet_grad); torch.binomial is C++ (torsh/random_sampling.h).

The samplers run torch's per-element CPU algorithm (Marsaglia-Tsang for the gamma) in Python over the same scalar draws from the default
generator (53-bit uniforms; Box-Muller normals with the generator's cached second value), so a
seed gives torch's samples. One Python loop per element: fine for the sizes distributions are
sampled at, slow for millions of draws.

The gradients are the implicit reparameterisation dx/dalpha = -(dF/dalpha) / pdf(x) with the
regularised incomplete gamma/beta function F computed in float64 (series and continued
fractions) and differentiated by a central difference. torch evaluates the same quantity with
its own approximations, so the two agree to about 1e-3 relative, not bit for bit."""
import math
import struct

import numpy as np

import torsh
from torsh.autograd.function import Function

# torch's CPU generator state (5056 bytes): the cached second Box-Muller normal and its flag
_NORMAL_CACHE = slice(5024, 5032)
_NORMAL_CACHE_VALID = slice(5040, 5044)
_F32 = np.float32


class _ScalarStream:
    """Scalar uniforms and normals read from the generator in the order torch's element-wise
    CPU samplers read them. Uniforms are fetched in blocks (one 64-bit draw each, as a float64
    uniform_ fill takes them); close() rewinds the generator and moves it on by exactly what
    was read, leaving the cached normal as torch would."""

    def __init__(self, generator=None):
        self._gen = generator if generator is not None else torsh.default_generator
        self._start = self._gen.get_state()
        raw = bytes(self._start.numpy())
        self._cached = None
        if len(raw) >= _NORMAL_CACHE_VALID.stop and \
                int.from_bytes(raw[_NORMAL_CACHE_VALID], "little"):
            self._cached = struct.unpack("<d", raw[_NORMAL_CACHE])[0]
        self._initial_used = False
        self._pair_at = None  # where the pair whose second value is cached was drawn
        self._buf, self._pos, self._used = [], 0, 0

    def uniform(self):
        if self._pos == len(self._buf):
            n = max(256, 2 * len(self._buf))
            self._buf = torsh.empty(n, dtype=torsh.float64).uniform_(
                generator=self._gen).tolist()
            self._pos = 0
        self._pos += 1
        self._used += 1
        return self._buf[self._pos - 1]

    def normal(self):
        if self._cached is not None:
            value, self._cached = self._cached, None
            if self._pair_at is None:
                self._initial_used = True
            self._pair_at = None
            return value
        start = self._used
        u1 = self.uniform()
        u2 = self.uniform()
        radius = math.sqrt(-2.0 * math.log(1.0 - u2))
        theta = 2.0 * math.pi * u1
        self._cached, self._pair_at = radius * math.sin(theta), start
        return radius * math.cos(theta)

    def _advance(self, n):
        if n:
            torsh.empty(n, dtype=torsh.float64).uniform_(generator=self._gen)

    def close(self):
        self._gen.set_state(self._start)
        if self._initial_used:  # takes the cached normal, draws nothing
            torsh.empty(1, dtype=torsh.float64).normal_(generator=self._gen)
        if self._cached is not None and self._pair_at is not None:
            self._advance(self._pair_at)
            torsh.empty(1, dtype=torsh.float64).normal_(generator=self._gen)
            self._advance(self._used - self._pair_at - 2)
        else:
            self._advance(self._used)


def _gamma_one(alpha, stream, single):
    """One Gamma(alpha, 1) draw by Marsaglia and Tsang's method (alpha < 1 boosted to alpha + 1
    and scaled by U^(1/alpha)), with torch's float32 roundings when `single`."""
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        if single:
            scale *= (1.0 - stream.uniform()) ** float(_F32(1.0) / _F32(alpha))
            alpha = float(_F32(alpha) + _F32(1.0))
        else:
            scale *= (1.0 - stream.uniform()) ** (1.0 / alpha)
            alpha = alpha + 1.0
    third = _F32(1.0) / _F32(3.0)
    d = float(_F32(alpha) - third) if single else alpha - float(third)
    c = 1.0 / math.sqrt(9.0 * d)
    squeeze = float(_F32(0.0331))
    while True:
        while True:
            x = stream.normal()
            y = 1.0 + c * x
            if y > 0:
                break
        v = y * y * y
        u = 1.0 - stream.uniform()
        xx = x * x
        if u < 1.0 - squeeze * xx * xx or math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


def _check_float(t, kernel):
    if t.dtype not in (torsh.float32, torsh.float64):
        name = {torsh.float16: "Half", torsh.bfloat16: "BFloat16", torsh.int64: "Long",
                torsh.int32: "Int", torsh.int16: "Short", torsh.int8: "Char",
                torsh.uint8: "Byte", torsh.bool: "Bool"}.get(t.dtype, str(t.dtype))
        raise RuntimeError(f'"{kernel}" not implemented for \'{name}\'')


def _run(fn):
    stream = _ScalarStream()
    try:
        return fn(stream)
    finally:
        stream.close()


def _standard_gamma_values(alpha):
    _check_float(alpha, "gamma_cpu")
    single = alpha.dtype == torsh.float32
    tiny = float(torsh.finfo(alpha.dtype).tiny)
    values = alpha.detach().contiguous().reshape(-1).tolist()

    def draw(stream):
        out = []
        for a in values:
            g = _gamma_one(a, stream, single)
            if single:
                g = float(_F32(g))
            out.append(max(tiny, g))
        return out
    out = _run(draw)
    return torsh.tensor(out, dtype=alpha.dtype).reshape(tuple(alpha.shape))


def _sample_dirichlet_values(alpha):
    _check_float(alpha, "dirichlet")
    values = alpha.detach().contiguous().to(torsh.float64).reshape(-1).tolist()
    tiny64 = float(torsh.finfo(torsh.float64).tiny)

    def draw(stream):
        return [max(tiny64, _gamma_one(a, stream, False)) for a in values]
    gammas = torsh.tensor(_run(draw), dtype=torsh.float64).reshape(tuple(alpha.shape))
    ratio = (gammas / gammas.sum(-1, keepdim=True)).numpy()
    np_dtype = np.float32 if alpha.dtype == torsh.float32 else np.float64
    ratio = ratio.astype(np_dtype)
    high = np.nextafter(np_dtype(1), np_dtype(0))
    ratio = np.minimum(high, np.maximum(np.finfo(np_dtype).tiny, ratio))
    return torsh.from_numpy(np.ascontiguousarray(ratio))


_TINY = 1e-300
_lgamma = np.vectorize(math.lgamma, otypes=[np.float64])


_EPS = 1e-15  # relative accuracy the series and fractions are run to
_MAX_ITERATIONS = 100000


def _iterate(step, state, n):
    """Runs step(state, active) -> (state, done) over the elements still active (not yet
    converged), updating the float64 arrays of `state` in place."""
    active = np.arange(n)
    for i in range(1, _MAX_ITERATIONS):
        if active.size == 0:
            break
        sub = [v[active] for v in state]
        sub, done = step(i, sub, active)
        for v, w in zip(state, sub):
            v[active] = w
        active = active[~done]
    return state


def _gamma_p_series(a, x):
    """Regularised lower incomplete gamma P(a, x) by its power series (for x < a + 1)."""
    def step(_, sub, idx):
        ap, term, total = sub
        ap = ap + 1
        term = term * x[idx] / ap
        total = total + term
        return [ap, term, total], np.abs(term) <= np.abs(total) * _EPS
    _, _, total = _iterate(step, [a.copy(), 1.0 / a, 1.0 / a], a.size)
    return total * np.exp(-x + a * np.log(x) - _lgamma(a))


def _gamma_q_fraction(a, x):
    """Regularised upper incomplete gamma Q(a, x) by its continued fraction (modified Lentz;
    for x >= a + 1)."""
    def step(i, sub, idx):
        b, c, d, h = sub
        an = -i * (i - a[idx])
        b = b + 2
        d = an * d + b
        d = np.where(np.abs(d) < _TINY, _TINY, d)
        c = b + an / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        d = 1 / d
        delta = d * c
        return [b, c, d, h * delta], np.abs(delta - 1) <= _EPS
    b = x + 1 - a
    d = 1 / b
    _, _, _, h = _iterate(step, [b, np.full(a.shape, 1 / _TINY), d, d.copy()], a.size)
    return np.exp(-x + a * np.log(x) - _lgamma(a)) * h


def _d_gamma_cdf_d_alpha(a, x):
    """dP(a, x)/da by a central difference of the better-conditioned tail."""
    h = a * 1e-5
    out = np.empty(a.shape)
    lower = x < a + 1
    if lower.any():
        aa, xx, hh = a[lower], x[lower], h[lower]
        out[lower] = (_gamma_p_series(aa + hh, xx) - _gamma_p_series(aa - hh, xx)) / (2 * hh)
    upper = ~lower
    if upper.any():
        aa, xx, hh = a[upper], x[upper], h[upper]
        out[upper] = -(_gamma_q_fraction(aa + hh, xx) -
                       _gamma_q_fraction(aa - hh, xx)) / (2 * hh)
    return out


def standard_gamma_grad(alpha, x):
    """d x / d alpha for x ~ Gamma(alpha, 1) (torch._standard_gamma_grad(alpha, x))."""
    a = alpha.detach().to(torsh.float64).numpy().astype(np.float64).reshape(-1)
    xs = x.detach().to(torsh.float64).numpy().astype(np.float64).reshape(-1)
    out = np.zeros(a.shape)
    ok = (a > 0) & (xs > 0)
    if ok.any():
        aa, xx = a[ok], xs[ok]
        log_pdf = (aa - 1) * np.log(xx) - xx - _lgamma(aa)
        out[ok] = -_d_gamma_cdf_d_alpha(aa, xx) / np.exp(log_pdf)
    return torsh.from_numpy(out.reshape(tuple(alpha.shape))).to(alpha.dtype)


def _beta_fraction(a, b, x):
    """The continued fraction of the regularised incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1, a - 1

    def step(m, sub, idx):
        c, d, h = sub
        aa_, bb, xx = a[idx], b[idx], x[idx]
        m2 = 2 * m
        delta = None
        for num in (m * (bb - m) * xx / ((qam[idx] + m2) * (aa_ + m2)),
                    -(aa_ + m) * (qab[idx] + m) * xx / ((aa_ + m2) * (qap[idx] + m2))):
            d = 1 + num * d
            d = 1 / np.where(np.abs(d) < _TINY, _TINY, d)
            c = 1 + num / c
            c = np.where(np.abs(c) < _TINY, _TINY, c)
            delta = d * c
            h = h * delta
        return [c, d, h], np.abs(delta - 1) <= _EPS
    d = 1 - qab * x / qap
    d = 1 / np.where(np.abs(d) < _TINY, _TINY, d)
    _, _, h = _iterate(step, [np.ones(a.shape), d, d.copy()], a.size)
    return h


def _beta_cdf_lower(a, b, x):
    """I_x(a, b) for x below the mean-ish point (a + 1) / (a + b + 2)."""
    front = np.exp(_lgamma(a + b) - _lgamma(a) - _lgamma(b) + a * np.log(x) +
                   b * np.log1p(-x))
    return front * _beta_fraction(a, b, x) / a


def dirichlet_grad(x, alpha, total):
    """torch._dirichlet_grad(x, alpha, total): for x ~ Beta(alpha, total - alpha), the
    derivative of x in alpha with total - alpha held fixed, divided by 1 - x (the factor
    _Dirichlet's backward multiplies back per component)."""
    xs = x.detach().to(torsh.float64).numpy().astype(np.float64)
    a = alpha.detach().to(torsh.float64).numpy().astype(np.float64)
    t = total.detach().to(torsh.float64).numpy().astype(np.float64)
    xs, a, t = (v.reshape(-1) for v in np.broadcast_arrays(xs, a, t))
    b = t - a
    h = a * 1e-5
    d_cdf = np.empty(a.shape)
    low = xs < (a + 1) / (a + b + 2)
    if low.any():
        aa, bb, xx, hh = a[low], b[low], xs[low], h[low]
        d_cdf[low] = (_beta_cdf_lower(aa + hh, bb, xx) -
                      _beta_cdf_lower(aa - hh, bb, xx)) / (2 * hh)
    high = ~low
    if high.any():  # I_x(a, b) = 1 - I_{1-x}(b, a)
        aa, bb, yy, hh = a[high], b[high], 1 - xs[high], h[high]
        d_cdf[high] = -(_beta_cdf_lower(bb, aa + hh, yy) -
                        _beta_cdf_lower(bb, aa - hh, yy)) / (2 * hh)
    # pdf(x) * (1 - x)
    weight = np.exp((a - 1) * np.log(xs) + b * np.log1p(-xs) + _lgamma(a + b) - _lgamma(a) -
                    _lgamma(b))
    out = -d_cdf / weight
    shape = np.broadcast_shapes(tuple(x.shape), tuple(alpha.shape), tuple(total.shape))
    return torsh.from_numpy(out.reshape(shape)).to(x.dtype)


class _StandardGamma(Function):
    @staticmethod
    def forward(ctx, alpha):
        x = _standard_gamma_values(alpha)
        ctx.save_for_backward(alpha, x)
        return x

    @staticmethod
    def backward(ctx, grad_output):
        alpha, x = ctx.saved_tensors
        return grad_output * standard_gamma_grad(alpha, x)


class _Dirichlet(Function):
    @staticmethod
    def forward(ctx, concentration):
        x = _sample_dirichlet_values(concentration)
        ctx.save_for_backward(x, concentration)
        return x

    @staticmethod
    def backward(ctx, grad_output):
        x, concentration = ctx.saved_tensors
        total = concentration.sum(-1, keepdim=True).expand_as(concentration)
        grad = dirichlet_grad(x, concentration, total)
        return grad * (grad_output - (x * grad_output).sum(-1, keepdim=True))


def standard_gamma(alpha):
    """torch._standard_gamma(alpha): Gamma(alpha, 1) draws, differentiable in alpha."""
    return _StandardGamma.apply(alpha)


def sample_dirichlet(concentration):
    """Dirichlet(concentration) draws along the last dim, differentiable in concentration."""
    return _Dirichlet.apply(concentration)

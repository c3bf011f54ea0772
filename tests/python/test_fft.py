"""torch.fft against torch 1.13: every transform with n / s, dim and each norm, on real and
complex, float32 and float64 input, values and gradients (torch.autograd.grad of a weighting
of the real and imaginary parts), gradcheck and gradgradcheck of the three primitives, the
frequency helpers, shifts, dtype promotion and errors."""
import numpy as np
import pytest
import torch

import torsh
from conftest import record

rng = np.random.default_rng(7)
X = rng.standard_normal((3, 8))
Z = X + 1j * rng.standard_normal((3, 8))
X3 = rng.standard_normal((2, 5, 6))
Z3 = X3 + 1j * rng.standard_normal((2, 5, 6))


def run(L, fn, a, dtype, grad):
    t = L.tensor(a).to(getattr(L, dtype)).requires_grad_(grad)
    y = fn(L, t)
    out = y.detach().resolve_conj().numpy() if y.is_complex() else y.detach().numpy()
    if not grad:
        return out, None, str(y.dtype)
    w = L.tensor(np.cos(np.arange(y.numel())).reshape(tuple(y.shape))).to(
        L.float64 if str(y.dtype) in ("torch.float64", "torch.complex128") else L.float32)
    loss = (y.real * w).sum() + ((y.imag * w * 0.5).sum() if y.is_complex() else 0)
    g = L.autograd.grad(loss, t)[0]
    return out, g.resolve_conj().numpy() if g.is_complex() else g.numpy(), str(y.dtype)


def check(name, fn, a, dtype="float64", grad=True):
    (ya, ga, da), (yb, gb, db) = (run(L, fn, a, dtype, grad) for L in (torch, torsh))
    record(f"fft {name} {dtype}")
    assert da == db and ya.shape == yb.shape, (name, da, db, ya.shape, yb.shape)
    tol = 1e-12 if dtype in ("float64", "complex128", "int64") else 2e-5
    np.testing.assert_allclose(yb, ya, rtol=tol, atol=tol * 10, err_msg=name)
    if grad:
        np.testing.assert_allclose(gb, ga, rtol=tol, atol=tol * 10, err_msg=name + " grad")


NORMS = [None, "backward", "ortho", "forward"]
CASES = [
    ("fft", lambda L, t, nm: L.fft.fft(t, norm=nm), Z),
    ("fft n=5", lambda L, t, nm: L.fft.fft(t, n=5, norm=nm), Z),
    ("fft n=11 dim0", lambda L, t, nm: L.fft.fft(t, n=11, dim=0, norm=nm), Z),
    ("fft real", lambda L, t, nm: L.fft.fft(t, norm=nm), X),
    ("ifft", lambda L, t, nm: L.fft.ifft(t, norm=nm), Z),
    ("ifft n=12", lambda L, t, nm: L.fft.ifft(t, n=12, norm=nm), Z),
    ("fft2", lambda L, t, nm: L.fft.fft2(t, norm=nm), Z3),
    ("ifft2 s", lambda L, t, nm: L.fft.ifft2(t, s=(4, 7), norm=nm), Z3),
    ("fftn", lambda L, t, nm: L.fft.fftn(t, norm=nm), Z3),
    ("fftn s", lambda L, t, nm: L.fft.fftn(t, s=(3, -1), norm=nm), Z3),
    ("ifftn dim", lambda L, t, nm: L.fft.ifftn(t, dim=(0, 2), norm=nm), Z3),
    ("rfft", lambda L, t, nm: L.fft.rfft(t, norm=nm), X),
    ("rfft n=7", lambda L, t, nm: L.fft.rfft(t, n=7, norm=nm), X),
    ("rfft2", lambda L, t, nm: L.fft.rfft2(t, norm=nm), X3),
    ("rfftn s", lambda L, t, nm: L.fft.rfftn(t, s=(4, 9), norm=nm), X3),
    ("irfft", lambda L, t, nm: L.fft.irfft(t, norm=nm), Z),
    ("irfft n=9", lambda L, t, nm: L.fft.irfft(t, n=9, norm=nm), Z),
    ("irfft n=20", lambda L, t, nm: L.fft.irfft(t, n=20, norm=nm), Z),
    ("irfft2", lambda L, t, nm: L.fft.irfft2(t, norm=nm), Z3),
    ("irfftn s", lambda L, t, nm: L.fft.irfftn(t, s=(5, 7), norm=nm), Z3),
    ("hfft", lambda L, t, nm: L.fft.hfft(t, norm=nm), Z),
    ("hfft n=10", lambda L, t, nm: L.fft.hfft(t, n=10, norm=nm), Z),
    ("ihfft", lambda L, t, nm: L.fft.ihfft(t, norm=nm), X),
]


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("name,fn,a", CASES, ids=[c[0] for c in CASES])
def test_transform(name, fn, a, norm):
    real = not np.iscomplexobj(a)
    for dtype in (("float64", "float32") if real else ("complex128", "complex64")):
        check(f"{name} {norm}", lambda L, t: fn(L, t, norm), a, dtype)


def test_integer_input_promotes():
    check("fft int", lambda L, t: L.fft.fft(t), np.arange(6), "int64", grad=False)
    check("rfft int", lambda L, t: L.fft.rfft(t), np.arange(6), "int64", grad=False)


def test_shifts_and_frequencies():
    check("fftshift", lambda L, t: L.fft.fftshift(t), X3)
    check("ifftshift dim", lambda L, t: L.fft.ifftshift(t, dim=(0, 2)), X3)
    for n in (1, 6, 7):
        for d in (1.0, 0.25):
            for fn in ("fftfreq", "rfftfreq"):
                a = getattr(torch.fft, fn)(n, d)
                b = getattr(torsh.fft, fn)(n, d)
                assert str(a.dtype) == str(b.dtype)
                np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-7, atol=1e-7)
    assert torsh.fft.fftfreq(4, dtype=torsh.float64).dtype == torsh.float64


def test_round_trips_and_out():
    x = torsh.tensor(X)
    np.testing.assert_allclose(torsh.fft.irfft(torsh.fft.rfft(x), n=8).numpy(), X, atol=1e-12)
    np.testing.assert_allclose(torsh.fft.ifft(torsh.fft.fft(x)).real.numpy(), X, atol=1e-12)
    out = torsh.empty(0, dtype=torsh.complex128)
    r = torsh.fft.fft(x, out=out)
    assert r is out and tuple(out.shape) == (3, 8)


def test_gradcheck_primitives():
    z = torsh.tensor(Z[:2, :5], requires_grad=True)
    x = torsh.tensor(X[:2, :5], requires_grad=True)
    for fn, arg in ((lambda t: torsh.fft.fft(t, norm="ortho"), z),
                    (lambda t: torsh.fft.rfft(t), x),
                    (lambda t: torsh.fft.irfft(t, n=7), z),
                    (lambda t: torsh.fft.hfft(t), z)):
        assert torsh.autograd.gradcheck(fn, (arg,))
        assert torsh.autograd.gradgradcheck(fn, (arg,))


def test_errors_match_torch():
    def same(fn, a):
        errs = []
        for L in (torch, torsh):
            with pytest.raises(Exception) as e:
                fn(L, L.tensor(a))
            errs.append(e.value)
        record("fft error")
        assert type(errs[1]) is type(errs[0]) or (
            isinstance(errs[1], RuntimeError) and isinstance(errs[0], RuntimeError)), errs
    same(lambda L, t: L.fft.fft(t, norm="bogus"), X)
    same(lambda L, t: L.fft.fft(t, n=0), X)
    same(lambda L, t: L.fft.fft(t, dim=2), X)
    same(lambda L, t: L.fft.rfft(t), Z)
    same(lambda L, t: L.fft.fftn(t, s=(1, 2, 3)), X)
    same(lambda L, t: L.fft.irfft(t), Z[:, :1])

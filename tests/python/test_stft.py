"""torch.stft / torch.istft against torch 1.13: shapes, values and gradients for windows,
hop and window lengths, center and pad modes, normalized, onesided, batches, return_complex,
round trips with length, and errors."""
import warnings

import numpy as np
import pytest
import torch

import torsh
from conftest import record

rng = np.random.default_rng(11)
SIG = rng.standard_normal(200)
SIG2 = rng.standard_normal((3, 120))


def run(L, fn, a, grad=True):
    t = L.tensor(a, requires_grad=grad)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = fn(L, t)
    w = L.tensor(np.cos(np.arange(y.numel())).reshape(tuple(y.shape)))
    loss = (y.real * w).sum() + ((y.imag * w * 0.3).sum() if y.is_complex() else 0)
    g = L.autograd.grad(loss, t)[0].numpy() if grad else None
    return y.detach().resolve_conj().numpy(), g


def check(name, fn, a, grad=True):
    (ya, ga), (yb, gb) = run(torch, fn, a, grad), run(torsh, fn, a, grad)
    record(f"stft {name}")
    assert ya.shape == yb.shape and ya.dtype == yb.dtype, (name, ya.shape, yb.shape)
    np.testing.assert_allclose(yb, ya, rtol=1e-10, atol=1e-10, err_msg=name)
    if grad:
        np.testing.assert_allclose(gb, ga, rtol=1e-10, atol=1e-10, err_msg=name + " grad")


CASES = [
    dict(n_fft=16),
    dict(n_fft=16, hop_length=5, win_length=12, window="hann"),
    dict(n_fft=32, hop_length=8, window="hamming", normalized=True),
    dict(n_fft=16, center=False),
    dict(n_fft=16, pad_mode="constant", window="hann"),
    dict(n_fft=15, hop_length=3, window="hann", onesided=False),
]


def kwargs_for(L, c, dtype):
    kw = dict(c)
    if "window" in kw:
        kw["window"] = getattr(L, kw["window"] + "_window")(kw.get("win_length", kw["n_fft"]),
                                                            dtype=dtype)
    return kw


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("sig", ["1d", "2d"])
def test_stft(case, sig):
    a = SIG if sig == "1d" else SIG2
    check(f"stft {CASES[case]} {sig}", lambda L, t: L.stft(
        t, **kwargs_for(L, CASES[case], L.float64), return_complex=True), a)
    check(f"stft real {CASES[case]} {sig}", lambda L, t: L.stft(
        t, **kwargs_for(L, CASES[case], L.float64), return_complex=False), a)


@pytest.mark.parametrize("length", [None, 180, 230])
@pytest.mark.parametrize("center", [True, False])
def test_istft(length, center):
    n_fft, hop = 32, 8
    spec = torch.stft(torch.tensor(SIG), n_fft, hop, window=torch.hann_window(n_fft,
                      dtype=torch.float64), center=center, return_complex=True).numpy()
    if not center:  # the Hann window is 0 at the first sample: both refuse (NOLA)
        for L in (torch, torsh):
            with pytest.raises(RuntimeError, match="window overlap add min"):
                L.istft(L.tensor(spec), n_fft, hop, window=L.hann_window(n_fft,
                        dtype=L.float64), center=False, length=length)
        return
    check(f"istft {length} {center}", lambda L, t: L.istft(
        t, n_fft, hop, window=L.hann_window(n_fft, dtype=L.float64), center=center,
        length=length), spec)
    # the round trip gives the signal back
    x = torsh.tensor(SIG)
    w = torsh.hann_window(n_fft, dtype=torsh.float64)
    back = torsh.istft(torsh.stft(x, n_fft, hop, window=w, return_complex=True), n_fft, hop,
                       window=w, length=200)
    np.testing.assert_allclose(back.numpy(), SIG, atol=1e-12)


def test_errors_and_warning():
    x = torsh.tensor(SIG)
    with pytest.warns(UserWarning, match="return_complex"):
        torsh.stft(x, 16)
    for bad in (dict(n_fft=0), dict(n_fft=16, hop_length=0), dict(n_fft=16, win_length=20)):
        with pytest.raises(RuntimeError):
            torsh.stft(x, return_complex=True, **bad)
        with pytest.raises(RuntimeError):
            torch.stft(torch.tensor(SIG), return_complex=True, **bad)
    with pytest.raises(RuntimeError, match="complex"):
        torsh.istft(x, 16)


def test_istft_real_pairs_input():
    spec = torch.stft(torch.tensor(SIG), 16, return_complex=True)
    pairs = torch.view_as_real(spec).numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = torch.istft(torch.tensor(pairs), 16).numpy()
        b = torsh.istft(torsh.tensor(pairs), 16).numpy()
    np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-10)

"""torch.stft and torch.istft (torch 1.13's arguments and defaults) composed from torsh ops:
reflect/constant padding for center, frames by unfold, the window (zero-padded to n_fft,
centred), torch.fft's rfft/fft; istft by irfft/ifft, the window, overlap-add with F.fold and
division by the summed squared window (torch's NOLA check). Differentiable through the parts."""
import warnings

import torsh

__all__ = ["stft", "istft"]


def _window(window, win_length, n_fft, dtype):
    if window is None:
        window = torsh.ones(win_length, dtype=dtype)
    if window.dim() != 1 or window.size(0) != win_length:
        raise RuntimeError(f"stft: expected a 1D window tensor of size equal to win_length="
                           f"{win_length}, but got window with size {list(window.shape)}")
    if win_length < n_fft:
        left = (n_fft - win_length) // 2
        window = torsh.cat([torsh.zeros(left, dtype=window.dtype), window,
                            torsh.zeros(n_fft - win_length - left, dtype=window.dtype)])
    return window


def _lengths(n_fft, hop_length, win_length):
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    if n_fft <= 0:
        raise RuntimeError(f"stft: expected 0 < n_fft, but got n_fft={n_fft}")
    if hop_length <= 0:
        raise RuntimeError(f"stft: expected hop_length > 0, but got hop_length={hop_length}")
    if win_length <= 0 or win_length > n_fft:
        raise RuntimeError(f"stft: expected 0 < win_length <= n_fft, but got win_length="
                           f"{win_length}")
    return hop_length, win_length


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
         pad_mode="reflect", normalized=False, onesided=None, return_complex=None):
    """torch.stft: the short-time Fourier transform of a 1-D signal or a batch of them, shape
    (..., n_fft // 2 + 1 (onesided) or n_fft, frames) complex (or (..., 2) real pairs with
    return_complex=False)."""
    if return_complex is None and not input.is_complex() and (
            window is None or not window.is_complex()):
        warnings.warn("stft will soon require the return_complex parameter be given for real "
                      "inputs, and will further require that return_complex=True in a future "
                      "PyTorch release.")
        return_complex = False
    if input.dim() not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {input.dim()}D tensor")
    hop_length, win_length = _lengths(n_fft, hop_length, win_length)
    batched = input.dim() == 2
    x = input if batched else input.unsqueeze(0)
    if center:
        pad = n_fft // 2
        x = torsh.nn.functional.pad(x.unsqueeze(0), (pad, pad), mode=pad_mode).squeeze(0)
    if x.size(-1) < n_fft:
        raise RuntimeError(f"stft: expected 0 < n_fft < {x.size(-1)}, but got n_fft={n_fft}")
    w = _window(window, win_length, n_fft, x.dtype if x.is_floating_point() else torsh.float32)
    frames = x.unfold(-1, n_fft, hop_length) * w  # (B, frames, n_fft)
    complex_in = frames.is_complex()
    onesided = (not complex_in) if onesided is None else onesided
    if onesided and complex_in:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    norm = "ortho" if normalized else "backward"
    spec = torsh.fft.rfft(frames, norm=norm) if onesided else torsh.fft.fft(frames, norm=norm)
    spec = spec.transpose(-1, -2)
    if not batched:
        spec = spec.squeeze(0)
    return spec if return_complex else torsh.view_as_real(spec)


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
          normalized=False, onesided=None, length=None, return_complex=False):
    """torch.istft: the signal whose stft is input (complex (..., freq, frames)), by inverse
    transforms of the frames, the window and a windowed overlap-add."""
    if not input.is_complex():
        if input.dim() >= 1 and input.size(-1) == 2 and input.is_floating_point():
            warnings.warn("istft will require a complex-valued input tensor in a future "
                          "PyTorch release. Matching the output from stft with "
                          "return_complex=True. ")
            input = torsh.view_as_complex(input.contiguous())
        else:
            raise RuntimeError("istft requires a complex-valued input tensor")
    hop_length, win_length = _lengths(n_fft, hop_length, win_length)
    batched = input.dim() == 3
    spec = input if batched else input.unsqueeze(0)
    n_frames = spec.size(-1)
    onesided = (spec.size(-2) != n_fft) if onesided is None else onesided
    expected = n_fft // 2 + 1 if onesided else n_fft
    if spec.size(-2) != expected:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the "
                           f"input tensor to match n_fft / 2 + 1 when onesided=True, but got "
                           f"{spec.size(-2)}")
    real_dtype = torsh.float64 if spec.dtype == torsh.complex128 else torsh.float32
    w = _window(window, win_length, n_fft, real_dtype)
    norm = "ortho" if normalized else "backward"
    spec = spec.transpose(-1, -2)  # (B, frames, freq)
    if onesided:
        if return_complex:
            raise RuntimeError("cannot have onesided output if window or input is complex")
        frames = torsh.fft.irfft(spec, n=n_fft, norm=norm)
    else:
        frames = torsh.fft.ifft(spec, n=n_fft, norm=norm)
        if not return_complex:
            frames = frames.real
    frames = frames * w
    total = n_fft + hop_length * (n_frames - 1)
    fold = torsh.nn.functional.fold

    def overlap_add(f):  # (B, frames, n_fft) -> (B, total)
        return fold(f.transpose(1, 2), (1, total), (1, n_fft), stride=(1, hop_length))[:, 0, 0]
    if frames.is_complex():
        y = torsh.complex(overlap_add(frames.real), overlap_add(frames.imag))
    else:
        y = overlap_add(frames)
    envelope = overlap_add((w * w).expand(1, n_frames, n_fft).contiguous())
    start = n_fft // 2 if center else 0
    end = total - n_fft // 2 if center else total
    if length is not None:
        end = start + length
    y = y[..., start:min(end, total)]
    env = envelope[..., start:min(end, total)]
    if bool((env.abs() < 1e-11).any()):
        raise RuntimeError("istft: window overlap add min: 1e-11 (the window overlap-add must "
                           "be nonzero everywhere: NOLA)")
    y = y / env
    if length is not None and y.size(-1) < length:
        y = torsh.cat([y, torsh.zeros(*y.shape[:-1], length - y.size(-1), dtype=y.dtype)], -1)
    return y if batched else y.squeeze(0)


def _install():
    torsh.stft = stft
    torsh.istft = istft
    torsh.Tensor.stft = stft
    torsh.Tensor.istft = istft

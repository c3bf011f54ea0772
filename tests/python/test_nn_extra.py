"""torsh.nn resampling against torch.nn 1.13: F.interpolate in every mode (size, scale_factor,
recompute_scale_factor, align_corners, antialias), the deprecated upsample functions, Upsample
and its subclasses, pixel (un)shuffle, fold/unfold and their modules: outputs, input gradients,
reprs, warnings and the exceptions raised for bad arguments."""
import pytest
import torch
import torch.nn.functional as TF

import torsh
from nn_pairs import build_pair, to_torsh, run_pair, raises_like
from fn_pairs import randn, run_fn, same_warnings
from torsh.nn import functional as F

F64 = dict(rtol=1e-7, atol=1e-9)
F32 = dict(rtol=1e-4, atol=1e-5)


# interpolate

INTERP_CASES = [
    # (input shape, kwargs)
    ((2, 3, 5), dict(size=9)),
    ((2, 3, 5), dict(size=[3])),
    ((2, 3, 5), dict(scale_factor=2)),
    ((2, 3, 5), dict(scale_factor=1.7)),
    ((2, 3, 7), dict(scale_factor=0.45)),
    ((2, 3, 5), dict(scale_factor=1.7, recompute_scale_factor=True)),
    ((2, 3, 5), dict(scale_factor=(2.3,), recompute_scale_factor=False)),
    ((2, 3, 5, 4), dict(size=(7, 9))),
    ((2, 3, 5, 4), dict(size=3)),
    ((2, 3, 5, 4), dict(scale_factor=2)),
    ((2, 3, 5, 4), dict(scale_factor=(1.5, 0.75))),
    ((2, 3, 5, 4), dict(scale_factor=(1.5, 2.6), recompute_scale_factor=True)),
    ((1, 2, 6, 7), dict(scale_factor=0.5)),
    ((3, 5, 4), dict(scale_factor=1.3)),  # 3D: the 1D modes
    ((2, 2, 3, 4, 5), dict(size=(5, 7, 4))),
    ((2, 2, 3, 4, 5), dict(scale_factor=(1.5, 2, 0.8))),
    ((1, 2, 3, 4, 5), dict(scale_factor=1.6, recompute_scale_factor=True)),
    # one-element input or output dims (align_corners' degenerate scale)
    ((2, 3, 1), dict(size=5)),
    ((2, 3, 5), dict(size=1)),
    ((2, 3, 1, 1), dict(size=(3, 4))),
    ((2, 3, 5, 4), dict(size=(1, 1))),
    ((1, 2, 1, 3, 1), dict(size=(2, 1, 3))),
]

MODES_BY_DIM = {3: ["nearest", "nearest-exact", "linear", "area"],
                4: ["nearest", "nearest-exact", "bilinear", "bicubic", "area"],
                5: ["nearest", "nearest-exact", "trilinear", "area"]}


def _interp_params():
    out = []
    for shape, kw in INTERP_CASES:
        for mode in MODES_BY_DIM[len(shape)]:
            if mode in ("linear", "bilinear", "bicubic", "trilinear"):
                for ac in (None, False, True):
                    out.append((shape, dict(kw, mode=mode, align_corners=ac)))
            else:
                out.append((shape, dict(kw, mode=mode)))
    return out


INTERP_PARAMS = _interp_params()


@pytest.mark.parametrize("shape,kwargs", INTERP_PARAMS)
def test_interpolate_float64(shape, kwargs):
    run_fn(TF.interpolate, F.interpolate, randn(*shape, seed=1), kwargs=kwargs, **F64)


@pytest.mark.parametrize("shape,kwargs", INTERP_PARAMS[::4])
def test_interpolate_float32(shape, kwargs):
    run_fn(TF.interpolate, F.interpolate, randn(*shape, seed=2, dtype=torch.float32),
           kwargs=kwargs, **F32)


ANTIALIAS_CASES = [
    ((2, 3, 9, 13), dict(size=(4, 5))),
    ((2, 3, 9, 13), dict(size=(17, 20))),
    ((2, 3, 9, 13), dict(size=(9, 6))),
    ((1, 2, 9, 13), dict(size=(1, 1))),
    ((2, 3, 10, 12), dict(scale_factor=0.35)),
    ((2, 3, 10, 12), dict(scale_factor=(0.6, 1.4))),
    ((2, 3, 10, 12), dict(scale_factor=0.35, recompute_scale_factor=True)),
]


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("shape,kwargs", ANTIALIAS_CASES)
def test_interpolate_antialias(shape, kwargs, mode, align_corners):
    kw = dict(kwargs, mode=mode, align_corners=align_corners, antialias=True)
    run_fn(TF.interpolate, F.interpolate, randn(*shape, seed=3), kwargs=kw, **F64)
    run_fn(TF.interpolate, F.interpolate, randn(*shape, seed=4, dtype=torch.float32),
           kwargs=kw, **F32)


@pytest.mark.parametrize("shape", [(1, 2, 3), (1, 2, 3, 4), (1, 2, 3, 4, 2)])
@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
def test_interpolate_nearest_uint8(shape, mode):
    # torch's nearest kernels take uint8 images.
    x = torch.arange(torch.Size(shape).numel(), dtype=torch.uint8).reshape(shape)
    ya = TF.interpolate(x, scale_factor=2, mode=mode)
    yb = F.interpolate(to_torsh(x), scale_factor=2, mode=mode)
    assert yb.dtype == torsh.uint8
    assert (yb.numpy() == ya.numpy()).all()


def test_interpolate_non_contiguous_input():
    x = randn(2, 4, 5, 3, seed=5).transpose(2, 3)
    for mode in ("bilinear", "bicubic", "nearest"):
        run_fn(TF.interpolate, F.interpolate, x, kwargs=dict(size=(4, 7), mode=mode), **F64)


INTERP_ERRORS = [
    ((1, 2, 4), dict(size=3, mode="nearest", align_corners=True)),
    ((1, 2, 4, 4), dict(size=3, mode="area", align_corners=False)),
    ((1, 2, 4, 4), dict(size=3, mode="nearest-exact", align_corners=False)),
    ((1, 2, 4, 4), dict(size=3, scale_factor=2)),
    ((1, 2, 4, 4), dict()),
    ((1, 2, 4, 4), dict(size=(3, 4, 5))),
    ((1, 2, 4, 4), dict(size=[3])),
    ((1, 2, 4, 4), dict(scale_factor=(2, 3, 4))),
    ((1, 2, 4), dict(scale_factor=[1.5, 2.0])),
    ((1, 2, 4, 4), dict(size=5, recompute_scale_factor=True)),
    ((1, 2, 4, 4), dict(size=5, mode="nearest", antialias=True)),
    ((1, 2, 4), dict(size=5, mode="linear", antialias=True)),
    ((1, 2, 4, 4, 4), dict(size=5, mode="trilinear", antialias=True)),
    ((1, 2, 4), dict(size=5, mode="bilinear")),
    ((1, 2, 4), dict(size=5, mode="trilinear")),
    ((1, 2, 4, 4), dict(size=5, mode="linear")),
    ((1, 2, 4, 4), dict(size=5, mode="trilinear")),
    ((1, 2, 4, 4, 4), dict(size=5, mode="linear")),
    ((1, 2, 4, 4, 4), dict(size=5, mode="bilinear")),
    ((1, 2, 4, 4), dict(size=5, mode="cubic")),
    ((2, 4), dict(size=5)),
    ((2, 4), dict(scale_factor=2.0, mode="linear")),
    ((1, 1, 2, 4, 4, 4), dict(size=5, mode="nearest")),
    ((1, 2, 4, 4), dict(size=5, mode="bicubic", antialias=False, align_corners=None,
                        scale_factor=None, recompute_scale_factor=True)),
]


@pytest.mark.parametrize("shape,kwargs", INTERP_ERRORS)
def test_interpolate_argument_errors_match_torch(shape, kwargs):
    x = randn(*shape)
    raises_like(lambda: TF.interpolate(x, **kwargs), lambda: F.interpolate(to_torsh(x), **kwargs))


@pytest.mark.parametrize("shape,kwargs", [
    ((1, 2, 4, 4), dict(size=(0, 3))),
    ((1, 2, 4, 4), dict(size=(3, -2), mode="bilinear")),
    ((1, 2, 4), dict(scale_factor=0.1, mode="linear")),
    ((1, 2, 4, 4), dict(size=(0, 3), mode="bicubic", antialias=True)),
    ((1, 2, 4, 4), dict(scale_factor=0.1, mode="bilinear", antialias=True)),
])
def test_interpolate_bad_output_sizes_raise_like_torch(shape, kwargs):
    x = randn(*shape)
    raises_like(lambda: TF.interpolate(x, **kwargs),
                lambda: F.interpolate(to_torsh(x), **kwargs), match_message=False)


@pytest.mark.parametrize("name,kwargs", [
    ("upsample", dict(scale_factor=2)),
    ("upsample", dict(size=(7, 5), mode="bilinear", align_corners=True)),
    ("upsample_nearest", dict(size=6)),
    ("upsample_bilinear", dict(scale_factor=1.5)),
])
def test_deprecated_upsample_functions_warn_and_match(name, kwargs):
    x = randn(2, 3, 4, 5, seed=6)
    msgs = same_warnings(lambda: getattr(TF, name)(x, **kwargs),
                         lambda: getattr(F, name)(to_torsh(x), **kwargs))
    assert len(msgs) == 1
    run_fn(getattr(TF, name), getattr(F, name), x, kwargs=kwargs, **F64)


def test_interpolate_emits_no_warning():
    x = randn(1, 2, 4, 4)
    assert same_warnings(lambda: TF.interpolate(x, scale_factor=1.5, mode="bilinear"),
                         lambda: F.interpolate(to_torsh(x), scale_factor=1.5,
                                               mode="bilinear")) == []


# Upsample modules

UPSAMPLE_MODULES = [
    ("Upsample(scale_factor=2)", (2, 3, 4, 5)),
    ("Upsample(size=7)", (2, 3, 4)),
    ("Upsample(size=(5, 7), mode='bilinear')", (2, 3, 4, 5)),
    ("Upsample(scale_factor=(1.5, 2), mode='bicubic', align_corners=True)", (2, 3, 4, 5)),
    ("Upsample(scale_factor=1.7, mode='trilinear', recompute_scale_factor=True)",
     (1, 2, 3, 4, 5)),
    ("Upsample(scale_factor=0.5, mode='area')", (1, 2, 6, 8)),
    ("Upsample(size=(3, 9), mode='nearest-exact')", (1, 2, 6, 8)),
    ("Upsample(scale_factor=2.5, mode='linear', align_corners=False)", (2, 2, 5)),
    ("UpsamplingNearest2d(scale_factor=3)", (2, 3, 4, 5)),
    ("UpsamplingNearest2d(size=(5, 3))", (2, 3, 4, 5)),
    ("UpsamplingBilinear2d(scale_factor=1.5)", (2, 3, 4, 5)),
    ("UpsamplingBilinear2d(size=(8, 2))", (2, 3, 4, 5)),
]


@pytest.mark.parametrize("expr,shape", UPSAMPLE_MODULES)
def test_upsample_modules(expr, shape):
    a, b = build_pair(lambda lib, libnn: eval("libnn." + expr))
    assert repr(b) == repr(a)
    for attr in ("name", "size", "scale_factor", "mode", "align_corners",
                 "recompute_scale_factor"):
        assert getattr(b, attr) == getattr(a, attr), attr
    assert list(b.state_dict()) == list(a.state_dict()) == []
    run_pair(a, b, randn(*shape, seed=7), **F64)


# Pixel shuffle

@pytest.mark.parametrize("shape,r", [((2, 8, 3, 4), 2), ((9, 2, 3), 3), ((2, 1, 4, 2, 3), 2),
                                     ((1, 4, 1, 1), 2), ((2, 3, 4, 5), 1)])
def test_pixel_shuffle(shape, r):
    a, b = build_pair(lambda lib, libnn: libnn.PixelShuffle(r))
    assert repr(b) == repr(a) == "PixelShuffle(upscale_factor={})".format(r)
    run_pair(a, b, randn(*shape, seed=8), **F64)
    run_fn(TF.pixel_shuffle, F.pixel_shuffle, randn(*shape, seed=9, dtype=torch.float32), r)


@pytest.mark.parametrize("shape,r", [((2, 2, 4, 6), 2), ((2, 9, 6), 3), ((2, 1, 3, 4, 6), 2),
                                     ((2, 3, 4, 5), 1)])
def test_pixel_unshuffle(shape, r):
    a, b = build_pair(lambda lib, libnn: libnn.PixelUnshuffle(r))
    assert repr(b) == repr(a) == "PixelUnshuffle(downscale_factor={})".format(r)
    run_pair(a, b, randn(*shape, seed=10), **F64)


@pytest.mark.parametrize("fn,shape,r", [
    ("pixel_shuffle", (2, 6, 3, 4), 2),
    ("pixel_shuffle", (8, 3), 2),
    ("pixel_shuffle", (2, 8, 3, 4), 0),
    ("pixel_unshuffle", (2, 2, 5, 6), 2),
    ("pixel_unshuffle", (2, 2, 6, 5), 2),
    ("pixel_unshuffle", (6, 4), 2),
    ("pixel_unshuffle", (2, 2, 4, 4), -1),
])
def test_pixel_shuffle_errors(fn, shape, r):
    x = randn(*shape)
    raises_like(lambda: getattr(TF, fn)(x, r), lambda: getattr(F, fn)(to_torsh(x), r),
                match_message=False)


# fold / unfold

UNFOLD_CASES = [
    ((2, 3, 6, 7), dict(kernel_size=3)),
    ((2, 3, 6, 7), dict(kernel_size=(2, 3), dilation=(1, 2), padding=(1, 0), stride=(2, 1))),
    ((3, 5, 5), dict(kernel_size=2, stride=2)),
    ((1, 2, 4, 4), dict(kernel_size=4, padding=2, dilation=2)),
]


@pytest.mark.parametrize("shape,kwargs", UNFOLD_CASES)
def test_unfold(shape, kwargs):
    a, b = build_pair(lambda lib, libnn: libnn.Unfold(**kwargs))
    assert repr(b) == repr(a)
    run_pair(a, b, randn(*shape, seed=11), **F64)
    run_fn(TF.unfold, F.unfold, randn(*shape, seed=12, dtype=torch.float32), kwargs=kwargs,
           **F32)


FOLD_CASES = [
    ((2, 12, 30), dict(output_size=(6, 7), kernel_size=2)),
    ((2, 18, 12), dict(output_size=(6, 7), kernel_size=(2, 3), dilation=(1, 2), padding=(1, 0),
                       stride=(2, 1))),
    ((12, 9), dict(output_size=5, kernel_size=2, padding=1, stride=2)),
    ((1, 8, 16), dict(output_size=4, kernel_size=(2, 2), stride=1, padding=1, dilation=2)),
]


@pytest.mark.parametrize("shape,kwargs", FOLD_CASES)
def test_fold(shape, kwargs):
    a, b = build_pair(lambda lib, libnn: libnn.Fold(**kwargs))
    assert repr(b) == repr(a)
    run_pair(a, b, randn(*shape, seed=13), **F64)
    run_fn(TF.fold, F.fold, randn(*shape, seed=14, dtype=torch.float32), kwargs=kwargs, **F32)


def test_fold_of_unfold_counts_overlaps():
    x = randn(2, 3, 5, 6, seed=15)
    kw = dict(kernel_size=(2, 3), padding=1, stride=1)
    run_fn(lambda t: TF.fold(TF.unfold(t, **kw), (5, 6), **kw),
           lambda t: F.fold(F.unfold(t, **kw), (5, 6), **kw), x, **F64)


@pytest.mark.parametrize("fn,shape,args", [
    ("unfold", (2, 3, 4), dict(kernel_size=5)),
    ("unfold", (2, 3, 4, 4, 4), dict(kernel_size=2)),
    ("unfold", (2, 3, 4, 4), dict(kernel_size=2, stride=0)),
    ("unfold", (2, 3, 4, 4), dict(kernel_size=0)),
    ("unfold", (2, 3, 4, 4), dict(kernel_size=2, padding=-1)),
    ("fold", (2, 12, 30), dict(output_size=(6, 6), kernel_size=2)),
    ("fold", (2, 13, 30), dict(output_size=(6, 7), kernel_size=2)),
    ("fold", (2, 12, 30, 1), dict(output_size=(6, 7), kernel_size=2)),
    ("fold", (2, 12, 30), dict(output_size=(6, 7), kernel_size=2, dilation=0)),
])
def test_fold_unfold_errors(fn, shape, args):
    x = randn(*shape)
    raises_like(lambda: getattr(TF, fn)(x, **args), lambda: getattr(F, fn)(to_torsh(x), **args),
                match_message=False)

"""Creation and conversion against torch: memory formats (strides of contiguous/clone/to/casts/
*_like/empty, is_contiguous, pointwise outputs), new_*, range, logspace, empty_strided, full's
dtype inference, type_as, mvlgamma (values, errors, gradients) and swapaxes_/swapdims_."""
import warnings

import numpy as np
import pytest
import torch

import torsh
from oracle import Pair, assert_same, check, check_grad, make
from test_reliability import same

LIBS = (torch, torsh)
FORMATS = ["contiguous_format", "preserve_format", "channels_last", "channels_last_3d"]


def fmt(lib, name):
    return getattr(lib, name)


def same_layout(t_out, s_out, where):
    """Same values (assert_same), and the same strides and storage offset."""
    assert_same(t_out, s_out, where)
    if isinstance(t_out, torch.Tensor):
        assert s_out.stride() == t_out.stride(), \
            f"{where}: strides {s_out.stride()} vs torch {t_out.stride()}"


def run_both(f, where):
    """f(lib) in both libraries: the same layout, or the same exception type and message."""
    try:
        t_out = f(torch)
    except Exception as e:  # noqa: BLE001 - torch's error is the expectation
        with pytest.raises(type(e)) as info:
            f(torsh)
        if type(e) is RuntimeError:  # the parsers' TypeError wordings differ
            assert str(e).split("\n")[0].lower() in str(info.value).lower(), \
                f"{where}: {info.value} vs torch {e}"
        return
    s_out = f(torsh)
    if isinstance(t_out, (tuple, list)):
        for a, b in zip(t_out, s_out):
            same_layout(a, b, where)
    elif isinstance(t_out, torch.Tensor):
        same_layout(t_out, s_out, where)
    else:
        assert t_out == s_out, f"{where}: {s_out} vs torch {t_out}"


def layouts(rng):
    """(label, Pair) inputs: 3-, 4- and 5-D, contiguous, channels-last, permuted, sliced,
    expanded, with size-1 and size-0 dims."""
    def mk(shape):
        return make(rng.uniform(-3, 3, shape), "float32")

    out = []
    for shape in [(2, 3, 4, 5), (2, 1, 4, 5), (2, 3, 1, 1), (1, 3, 1, 4), (0, 3, 2, 2),
                  (2, 3, 4), (2, 3, 2, 4, 3), (2, 1, 2, 1, 3)]:
        p = mk(shape)
        out.append((f"{shape}", p))
        if len(shape) == 4:
            out.append((f"{shape} nhwc", Pair(p.t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2),
                                              p.s.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2))))
            out.append((f"{shape} sliced", Pair(p.t[:, :, ::2], p.s[:, :, ::2])))
            out.append((f"{shape} transposed", Pair(p.t.transpose(2, 3), p.s.transpose(2, 3))))
        if len(shape) == 5:
            out.append((f"{shape} ndhwc", Pair(p.t.permute(0, 2, 3, 4, 1).contiguous().permute(0, 4, 1, 2, 3),
                                               p.s.permute(0, 2, 3, 4, 1).contiguous().permute(0, 4, 1, 2, 3))))
    e = mk((2, 1, 3, 1))
    out.append(("expanded", Pair(e.t.expand(2, 4, 3, 5), e.s.expand(2, 4, 3, 5))))
    return out


@pytest.fixture
def rng():
    return np.random.default_rng(11)


def side(p, lib):
    return p.t if lib is torch else p.s


def test_contiguous_clone_is_contiguous(rng):
    for label, p in layouts(rng):
        for name in FORMATS:
            run_both(lambda lib: side(p, lib).contiguous(memory_format=fmt(lib, name)),
                     f"contiguous {label} {name}")
            run_both(lambda lib: side(p, lib).clone(memory_format=fmt(lib, name)),
                     f"clone {label} {name}")
            run_both(lambda lib: lib.clone(side(p, lib), memory_format=fmt(lib, name)),
                     f"torch.clone {label} {name}")
            run_both(lambda lib: side(p, lib).is_contiguous(memory_format=fmt(lib, name)),
                     f"is_contiguous {label} {name}")
        run_both(lambda lib: side(p, lib).clone(), f"clone {label}")
        run_both(lambda lib: side(p, lib).contiguous(), f"contiguous {label}")
        run_both(lambda lib: side(p, lib).is_contiguous(), f"is_contiguous {label}")


def test_contiguous_returns_self_when_already_in_format(rng):
    for lib in LIBS:
        x = lib.zeros(2, 3, 4, 5).contiguous(memory_format=lib.channels_last)
        assert x.contiguous(memory_format=lib.channels_last) is x
        assert x.to(memory_format=lib.channels_last) is x
        assert x.float() is x
        y = lib.zeros(2, 3, 4, 5)
        assert y.contiguous() is y


def test_to_and_casts(rng):
    casts = ["float", "double", "half", "bfloat16", "bool", "byte", "char", "short", "int", "long"]
    for label, p in layouts(rng):
        for name in FORMATS:
            run_both(lambda lib: side(p, lib).to(memory_format=fmt(lib, name)),
                     f"to {label} {name}")
            run_both(lambda lib: side(p, lib).to(lib.float64, memory_format=fmt(lib, name)),
                     f"to f64 {label} {name}")
            run_both(lambda lib: side(p, lib).to("cpu", lib.int32, memory_format=fmt(lib, name)),
                     f"to cpu int32 {label} {name}")
            for c in casts:
                run_both(lambda lib: getattr(side(p, lib), c)(memory_format=fmt(lib, name)),
                         f"{c}() {label} {name}")
        for c in casts:
            run_both(lambda lib: getattr(side(p, lib), c)(), f"{c}() {label}")
    for lib in LIBS:
        with pytest.raises(TypeError):
            lib.zeros(2, 3, 4, 5).float(lib.channels_last)
        with pytest.raises(TypeError):
            lib.zeros(2, 3, 4, 5).clone(memory_format="channels_last")


def test_like_and_empty(rng):
    likes = ["empty_like", "zeros_like", "ones_like", "rand_like", "randn_like"]
    for label, p in layouts(rng):
        for name in FORMATS + [None]:
            kw = lambda lib: {} if name is None else {"memory_format": fmt(lib, name)}  # noqa: E731
            for like in likes:
                def f(lib):
                    r = getattr(lib, like)(side(p, lib), **kw(lib))
                    return r.shape, r.stride(), r.dtype is lib.float32
                run_both(f, f"{like} {label} {name}")
                run_both(lambda lib: getattr(lib, like)(side(p, lib), dtype=lib.float64,
                                                       **kw(lib)).stride(),
                         f"{like} f64 {label} {name}")
            run_both(lambda lib: lib.full_like(side(p, lib), 2.5, **kw(lib)), f"full_like {label} {name}")
            run_both(lambda lib: lib.zeros_like(side(p, lib), dtype=lib.int64, **kw(lib)),
                     f"zeros_like int64 {label} {name}")
            shape = tuple(side(p, torch).shape)
            run_both(lambda lib: lib.empty(shape, **kw(lib)).stride(), f"empty {shape} {name}")
            run_both(lambda lib: lib.empty(*shape, dtype=lib.int16, **kw(lib)).stride(),
                     f"empty varargs {shape} {name}")
    for lib in LIBS:  # random values come from the default generator as torch draws them
        lib.manual_seed(3)
    a = torch.rand_like(torch.zeros(2, 3)), torch.randn_like(torch.zeros(4, dtype=torch.float64))
    b = torsh.rand_like(torsh.zeros(2, 3)), torsh.randn_like(torsh.zeros(4, dtype=torsh.float64))
    for x, y in zip(a, b):
        assert_same(x, y, "rand_like/randn_like values")
    run_both(lambda lib: lib.rand_like(lib.zeros(3, dtype=lib.int64)), "rand_like int")
    run_both(lambda lib: lib.randn_like(lib.zeros(3, dtype=lib.int64)), "randn_like int")


def test_wrong_rank_errors():
    for name, shape in [("channels_last", (2, 3, 4)), ("channels_last", (2, 3, 4, 5, 6)),
                        ("channels_last_3d", (2, 3, 4, 5)), ("channels_last", ())]:
        for op in [lambda lib, x, f: x.contiguous(memory_format=f),
                   lambda lib, x, f: x.clone(memory_format=f),
                   lambda lib, x, f: x.to(memory_format=f),
                   lambda lib, x, f: x.double(memory_format=f),
                   lambda lib, x, f: lib.empty_like(x, memory_format=f),
                   lambda lib, x, f: lib.empty(x.shape, memory_format=f),
                   lambda lib, x, f: x.is_contiguous(memory_format=f)]:
            run_both(lambda lib: op(lib, lib.zeros(shape), fmt(lib, name)), f"{name} {shape}")
    run_both(lambda lib: lib.empty(2, 3, memory_format=lib.preserve_format), "empty preserve")
    run_both(lambda lib: lib.zeros(3, 2).t().contiguous(memory_format=lib.preserve_format),
             "contiguous preserve")


def test_pointwise_output_layout(rng):
    """An output a pointwise op allocates takes the inputs' stride order (torch's rule)."""
    def nhwc(lib, shape, seed):
        g = np.random.default_rng(seed).uniform(-2, 2, shape)
        return lib.from_numpy(g).float().contiguous(memory_format=lib.channels_last)

    def nchw(lib, shape, seed):
        return lib.from_numpy(np.random.default_rng(seed).uniform(-2, 2, shape)).float()

    progs = {
        "cl + cl": lambda lib: nhwc(lib, (2, 3, 4, 5), 0) + nhwc(lib, (2, 3, 4, 5), 1),
        "cl + nchw": lambda lib: nhwc(lib, (2, 3, 4, 5), 0) + nchw(lib, (2, 3, 4, 5), 1),
        "nchw + cl": lambda lib: nchw(lib, (2, 3, 4, 5), 0) + nhwc(lib, (2, 3, 4, 5), 1),
        "cl + 1": lambda lib: nhwc(lib, (2, 3, 4, 5), 0) + 1,
        "cl * 0-dim": lambda lib: nhwc(lib, (2, 3, 4, 5), 0) * lib.tensor(2.0),
        "exp(cl)": lambda lib: nhwc(lib, (2, 3, 4, 5), 0).exp(),
        "cl * bias": lambda lib: nhwc(lib, (2, 3, 4, 5), 0) * nchw(lib, (3, 1, 1), 2),
        "bias * cl": lambda lib: nchw(lib, (3, 1, 1), 2) * nhwc(lib, (2, 3, 4, 5), 0),
        "cl + row": lambda lib: nhwc(lib, (2, 3, 4, 5), 0) + nchw(lib, (5,), 2),
        "cl > 0": lambda lib: nhwc(lib, (2, 3, 4, 5), 0) > 0,
        "where": lambda lib: lib.where(nhwc(lib, (2, 3, 4, 5), 0) > 0, nhwc(lib, (2, 3, 4, 5), 1), 0.0),
        "cl int + float": lambda lib: nhwc(lib, (2, 3, 4, 5), 0).int() + nchw(lib, (2, 3, 4, 5), 1),
        "cl C=1": lambda lib: nhwc(lib, (2, 1, 4, 5), 0) + 1,
        "cl HW=1": lambda lib: nhwc(lib, (2, 3, 1, 1), 0) + nchw(lib, (2, 3, 1, 1), 1),
        "cl N=1": lambda lib: nhwc(lib, (1, 3, 4, 5), 0).sigmoid(),
        "cl W=1": lambda lib: nhwc(lib, (2, 3, 4, 1), 0) * 2,
        "cl H=1": lambda lib: nhwc(lib, (2, 3, 1, 5), 0) - nchw(lib, (2, 3, 1, 5), 1),
        "cl W=1 + nchw": lambda lib: nchw(lib, (2, 3, 4, 1), 1) + nhwc(lib, (2, 3, 4, 1), 0),
        "cl 3d": lambda lib: nchw(lib, (2, 3, 2, 4, 3), 0).contiguous(
            memory_format=lib.channels_last_3d).relu(),
        "cl lerp": lambda lib: lib.lerp(nhwc(lib, (2, 3, 4, 5), 0), nchw(lib, (2, 3, 4, 5), 1), 0.3),
        "cl clamp": lambda lib: nhwc(lib, (2, 3, 4, 5), 0).clamp(-1, 1),
        "cl neg": lambda lib: -nhwc(lib, (2, 3, 4, 5), 0),
        "cl sum(1)": lambda lib: nhwc(lib, (2, 3, 4, 5), 0).sum(1, keepdim=True),
    }
    for label, prog in progs.items():
        run_both(prog, label)
    for lib in LIBS:  # an in-place op keeps its tensor's layout
        x = nhwc(lib, (2, 3, 4, 5), 0)
        x.add_(1)
        assert x.is_contiguous(memory_format=lib.channels_last)


def test_channels_last_gradients():
    """Gradients flowing through channels-last tensors match torch (values; layouts follow)."""
    for lib in LIBS:
        lib.manual_seed(0)
    vals = np.random.default_rng(0).uniform(-1, 1, (2, 3, 4, 5))
    x = make(vals, "float32")
    f = lambda a: (a.contiguous(memory_format=fmt(torch if isinstance(a, torch.Tensor) else torsh,  # noqa: E731
                                                  "channels_last")) * 2).exp()
    check("channels_last chain", f, f, [x])
    check_grad("channels_last chain", f, f, [x], check_name=False)
    g = lambda a: a.clone(memory_format=fmt(torch if isinstance(a, torch.Tensor) else torsh,  # noqa: E731
                                            "channels_last")).sin()
    check_grad("clone(channels_last)", g, g, [x])
    h = lambda a: a.to(memory_format=fmt(torch if isinstance(a, torch.Tensor) else torsh,  # noqa: E731
                                         "channels_last")).double()
    check_grad("to(channels_last)", h, h, [x])


def test_new_factories():
    for dt in ["float32", "int64", "bool", "float16"]:
        for size_args in [((2, 3),), (2, 3), ([4],), ((),), (0,), (torch.Size([2, 2]),)]:
            def f(lib, op, extra=()):
                x = lib.ones(3, dtype=getattr(lib, dt))
                args = tuple(lib.Size(a) if isinstance(a, torch.Size) else a for a in size_args)
                r = getattr(x, op)(*args, *extra) if not extra else getattr(x, op)(args[0] if len(args) == 1 else args, *extra)
                return r if op != "new_empty" else (r.shape, r.stride(), r.dtype is x.dtype)
            for op in ["new_empty", "new_zeros", "new_ones"]:
                run_both(lambda lib: f(lib, op), f"{op} {dt} {size_args}")
            for fill in [2, 2.5, True, -1]:
                run_both(lambda lib: f(lib, "new_full", (fill,)), f"new_full {dt} {size_args} {fill}")
    for kw in [{"dtype": "int32"}, {"dtype": "float64", "requires_grad": True},
               {"requires_grad": True}, {"device": "cpu"}]:
        def g(lib):
            k = {a: (getattr(lib, v) if a == "dtype" else v) for a, v in kw.items()}
            x = lib.ones(2)
            rs = [x.new_zeros(2, **k), x.new_ones((1, 2), **k), x.new_full((2,), 3, **k),
                  x.new_tensor([1, 2], **k)]
            return [(r, r.requires_grad, r.is_leaf) for r in rs]
        for (a, ra, la), (b, rb, lb) in zip(g(torch), g(torsh)):
            assert_same(a.detach(), b.detach(), f"new_* {kw}")
            assert (ra, la) == (rb, lb), f"new_* {kw}: requires_grad/is_leaf"
    run_both(lambda lib: lib.ones(2, dtype=lib.int64).new_zeros(2, requires_grad=True), "int grad")
    run_both(lambda lib: lib.ones(2).new_ones(-1), "negative size")
    run_both(lambda lib: lib.ones(2).new_full((2,), "a"), "bad fill")


def test_new_tensor():
    for dt in ["float32", "int64", "bool"]:
        for data in [[1, 2], [[1.5], [2.5]], 3, [True, False]]:
            run_both(lambda lib: lib.ones(1, dtype=getattr(lib, dt)).new_tensor(data),
                     f"new_tensor {dt} {data}")
            run_both(lambda lib: lib.ones(1, dtype=getattr(lib, dt)).new_tensor(data, dtype=lib.float64),
                     f"new_tensor {dt} {data} f64")
    for lib in LIBS:
        src = lib.tensor([1, 2])
        with pytest.warns(UserWarning, match="To copy construct from a tensor"):
            r = lib.ones(1).new_tensor(src)
        assert r.dtype == lib.float32 and r.tolist() == [1.0, 2.0]
        src.add_(1)
        assert r.tolist() == [1.0, 2.0]  # a copy


def test_range_warns_and_matches():
    for args, kw in [((1, 4), {}), ((0, 1, 0.1), {}), ((4, 1, -1), {"dtype": "int64"}),
                     ((0, 2.5, 0.5), {"dtype": "float64"}), ((0, 1e-3, 1e-4), {})]:
        for lib in LIBS:
            with pytest.warns(UserWarning, match="torch.range is deprecated"):
                lib.range(*args, **{k: getattr(lib, v) for k, v in kw.items()})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run_both(lambda lib: lib.range(*args, **{k: getattr(lib, v) for k, v in kw.items()}),
                     f"range {args} {kw}")
            for out_dt in ["float32", "int64", "float64"]:
                def f(lib):
                    o = lib.empty(2, dtype=getattr(lib, out_dt))
                    r = lib.range(*args, out=o)
                    assert r is o
                    return o
                run_both(f, f"range out {args} {out_dt}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_both(lambda lib: lib.range(0, 3, requires_grad=True).requires_grad, "range requires_grad")


def test_logspace_out_and_options():
    for args in [(0, 2, 5), (-1, 1, 4, 2.0), (1, 1, 1), (0, 3, 0)]:
        for out_dt in ["float32", "float64", "int64"]:
            def f(lib):
                o = lib.empty(7, dtype=getattr(lib, out_dt))
                r = lib.logspace(*args, out=o)
                assert r is o
                return o
            run_both(f, f"logspace out {args} {out_dt}")
    run_both(lambda lib: lib.logspace(0, 1, 3, base=2, dtype=lib.float64, requires_grad=True).requires_grad,
             "logspace requires_grad")
    run_both(lambda lib: lib.logspace(start=0, end=1, steps=3, base=3), "keywords")


def test_empty_strided():
    for size, stride in [((2, 3), (1, 2)), ((2, 3), (3, 1)), ((2, 3, 4), (1, 2, 6)), ((0, 3), (3, 1)),
                         ((), ()), ((3,), (0,)), ((2, 2), (1, 1)), ((2, 3), (1,)), ((2, -3), (1, 2)),
                         ((2, 3), (1, -2))]:
        for kw in [{}, {"dtype": "int32"}]:
            def f(lib):
                r = lib.empty_strided(size, stride, **{k: getattr(lib, v) for k, v in kw.items()})
                return r.shape, r.stride(), str(r.dtype)[6:], r.is_contiguous()
            run_both(f, f"empty_strided {size} {stride} {kw}")
    run_both(lambda lib: lib.empty_strided((2, 3), (1, 2), requires_grad=True).requires_grad,
             "empty_strided requires_grad")


def test_full_infers_dtype():
    for fill in [True, False, 3, -2, 2.5, float("inf")]:
        for kw in [{}, {"dtype": "float64"}, {"dtype": "int32"}]:
            run_both(lambda lib: lib.full((2, 2), fill, **{k: getattr(lib, v) for k, v in kw.items()}),
                     f"full {fill} {kw}")
        run_both(lambda lib: lib.full_like(lib.zeros(2, dtype=lib.int64), fill), f"full_like {fill}")


def test_type_as():
    for lib in LIBS:
        x = lib.ones(2)
        assert x.type_as(lib.zeros(1)) is x
    for a in ["float32", "int64", "bool"]:
        for b in ["float64", "int32", "float32"]:
            run_both(lambda lib: lib.ones(2, 2, dtype=getattr(lib, a)).t().type_as(
                lib.zeros(1, dtype=getattr(lib, b))), f"type_as {a} {b}")


def test_mvlgamma_inplace_out_and_grad():
    rng = np.random.default_rng(2)
    for p in [1, 2, 4]:
        vals = rng.uniform((p - 1) / 2 + 0.3, p + 4, (3, 4))
        for dt in ["float32", "float64"]:
            x = make(vals, dt)
            def inplace(a, p=p):
                a = a.clone()
                r = a.mvlgamma_(p)
                assert r is a
                return a
            check("mvlgamma_", inplace, inplace, [x], {}, f"[{dt} p={p}]")
            # (a float32 result written to float64 out keeps float32's last-bit differences)
            for out_dt in [dt, "int64", "float16"]:
                def with_out(a, p=p, out_dt=out_dt):
                    lib = torch if isinstance(a, torch.Tensor) else torsh
                    o = lib.empty(0, dtype=getattr(lib, out_dt))
                    r = lib.mvlgamma(a, p, out=o)
                    assert r is o
                    return o
                check("mvlgamma(out=)", with_out, with_out, [x], {}, f"[{dt} p={p} out {out_dt}]")
            check_grad("mvlgamma", lambda a, p=p: a.mvlgamma(p), lambda a, p=p: a.mvlgamma(p),
                       [x], {}, f"[{dt} p={p}]")
            check_grad("mvlgamma_", lambda a, p=p: (a * 1).mvlgamma_(p),
                       lambda a, p=p: (a * 1).mvlgamma_(p), [x], {}, f"[{dt} p={p}]")
        x64 = torsh.from_numpy(vals).requires_grad_(True)
        assert torsh.autograd.gradcheck(lambda a, p=p: torsh.mvlgamma(a, p), (x64,), eps=1e-6,
                                        atol=1e-5, rtol=1e-3)
        assert torsh.autograd.gradgradcheck(lambda a, p=p: torsh.mvlgamma(a, p), (x64,), eps=1e-6,
                                            atol=1e-5, rtol=1e-3)
    run_both(lambda lib: lib.tensor([3, 4]).mvlgamma_(1), "int in-place")
    run_both(lambda lib: lib.tensor([3.0]).mvlgamma(0), "p=0")
    run_both(lambda lib: lib.tensor([True]).mvlgamma(1), "bool")


def test_swapaxes_inplace():
    rng = np.random.default_rng(4)
    for name in ["swapaxes_", "swapdims_"]:
        for shape, a, b in [((2, 3, 4), 0, 2), ((2, 3, 4), -1, 1), ((2, 3), 0, 0), ((3,), 0, -1),
                            ((2, 3), 0, 2), ((), 0, 0)]:
            p = make(rng.uniform(-1, 1, shape), "float32")

            def f(lib):
                x = side(p, lib).clone()
                base = x
                r = getattr(x, name)(a, b)
                assert r is base
                return r, r.contiguous()
            run_both(f, f"{name} {shape} {a} {b}")
        x = make(rng.uniform(-1, 1, (2, 3)), "float32")
        prog = lambda t: getattr(t * 2, name)(0, 1).exp()  # noqa: E731
        check(name, prog, prog, [x])
        check_grad(name, prog, prog, [x], {}, "", False)
        for lib in LIBS:
            y = (lib.ones(2, 3, requires_grad=True) * 1)
            r = getattr(y, name)(0, 1)
            assert type(r.grad_fn).__name__ == "TransposeBackward1"


def test_random_like_fills_in_memory_order():
    """rand_like/randn_like/uniform_ on channels-last or permuted tensors draw torch's values
    (the generator walks memory order, as torch's)."""
    def f(lib):
        lib.manual_seed(0)
        x = lib.zeros(2, 3, 4, 5).contiguous(memory_format=lib.channels_last)
        return (lib.rand_like(x), lib.randn_like(x, memory_format=lib.channels_last),
                lib.rand_like(x.permute(0, 2, 3, 1)), lib.randn_like(x, dtype=lib.float64),
                lib.empty(2, 3, dtype=lib.float64).t().uniform_())
    run_both(f, "random *_like")


def test_pointwise_layout_random_permutations():
    """Outputs of pointwise ops on randomly permuted inputs (size-1 and broadcast dims
    included) take torch's strides: its fast setup (one shape: contiguous, channels-last or
    equal dense strides), else the inputs' dim order."""
    rng = np.random.default_rng(0)

    def mk(lib, perm, seed, shp):
        base = np.random.default_rng(seed).uniform(-1, 1, [shp[p] for p in perm])
        return lib.from_numpy(base.copy()).permute(*[int(i) for i in np.argsort(perm)])

    for trial in range(300):
        nd = int(rng.integers(2, 5))
        shape = [int(rng.choice([1, 2, 3])) for _ in range(nd)]
        p1, p2 = list(rng.permutation(nd)), list(rng.permutation(nd))
        shape2 = list(shape)
        if rng.random() < 0.3:
            shape2[int(rng.integers(nd))] = 1

        def f(lib):
            a, b = mk(lib, p1, trial, shape), mk(lib, p2, trial + 1000, shape2)
            return [a + b, b * a, a.exp(), a + 1, a > 0, lib.where(a > 0, a, b), a.float() - b]
        run_both(f, f"trial {trial}: {shape} {shape2} perms {p1} {p2}")


@pytest.mark.parametrize("fn", ["logspace", "range"])
@pytest.mark.parametrize("shape", [(), (2, 2), (3,), (0,)])
def test_range_logspace_out_keeps_a_shape_of_the_same_numel(fn, shape):
    """torch resizes their out= only when its numel differs (fuzz seed 5550123)."""
    def f(L):
        out = L.zeros(shape)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            n = max(1, int(np.prod(shape))) if shape != (0,) else 3
            r = L.logspace(0, 1, n, out=out) if fn == "logspace" else L.range(0, n - 1, out=out)
        return r, out.shape, r.data_ptr() == out.data_ptr()
    same(f)

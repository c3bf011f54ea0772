"""Small torch APIs that ordinary scripts touch, against torch 1.13: Tensor.__format__, anomaly
mode flags, layouts and tensor predicates, frombuffer / asarray, torch.cuda and AMP on a
machine without CUDA, float32 matmul precision, torch.version / TorchVersion, Generator.device,
torch.Size, reversed / in / copy.copy, DataParallel, SyncBatchNorm, Module.to(memory_format),
stateless.functional_call, once_differentiable, checkpoint_sequential and
AdaptiveLogSoftmaxWithLoss."""
import array
import copy
import pickle
import warnings

import numpy as np
import pytest
import torch
import torch.utils.checkpoint  # noqa: F401  (torch.utils.checkpoint is not imported by torch)

import torsh
import torsh.utils.checkpoint  # noqa: F401
from api_compare import same


def caught(fn):
    """(result, [(category name, message)]) of fn() with every warning recorded."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = fn()
    return r, [(x.category.__name__, str(x.message)) for x in w]


def same_warnings(fn):
    """fn(L) warns the same (category and message) in both libraries, and returns the same."""
    ref, ours = caught(lambda: fn(torch))[1], caught(lambda: fn(torsh))[1]
    assert ours == ref, (ours, ref)
    return same(fn)


# 1. Tensor.__format__

@pytest.mark.parametrize("spec", ["", ".4f", ">8.3f", "e", "+.2e", "^10", "g"])
def test_format_0d_float(spec):
    same(lambda L: format(L.tensor(0.25), spec))
    same(lambda L: format(L.tensor(-1234.5678, dtype=L.float64), spec))
    same(lambda L: format(L.tensor(0.5, requires_grad=True), spec))


@pytest.mark.parametrize("spec", ["", ",", "d", "05d", "x", ">6"])
def test_format_0d_int(spec):
    same(lambda L: format(L.tensor(1234567), spec))


def test_format_other_tensors():
    same(lambda L: f"{L.tensor(True)}")
    same(lambda L: "{:>5}".format(L.tensor(True)))
    # a tensor with dims: str(t) for an empty spec, TypeError (same message) for any other
    same(lambda L: f"{L.tensor([1.5, 2.0])}")
    same(lambda L: f"{L.tensor([1.5, 2.0]):.2f}", messages=True)
    same(lambda L: format(L.ones(2, 2), ""))
    # a 0-d Parameter is not a plain Tensor: formatted as str(), spec rejected
    same(lambda L: format(L.nn.Parameter(L.tensor(0.5)), ""))
    same(lambda L: format(L.nn.Parameter(L.tensor(0.5)), ".2f"), messages=True)


# 2. anomaly mode

def _anomaly_state(L):
    return L.is_anomaly_enabled(), L.is_anomaly_check_nan_enabled()


def test_set_detect_anomaly_call_and_context():
    def run(L):
        states = []
        r = L.autograd.set_detect_anomaly(True)
        states.append(_anomaly_state(L))
        L.autograd.set_detect_anomaly(True, check_nan=False)
        states.append(_anomaly_state(L))
        with L.autograd.set_detect_anomaly(False) as z:
            states.append((z, _anomaly_state(L)))
        states.append(_anomaly_state(L))  # restored: on, without the NaN check
        L.autograd.set_detect_anomaly(False)
        states.append(_anomaly_state(L))
        with L.autograd.set_detect_anomaly(True, False):
            states.append(_anomaly_state(L))
        states.append(_anomaly_state(L))
        L.set_anomaly_enabled(True, False)
        states.append(_anomaly_state(L))
        L.set_anomaly_enabled(False)
        states.append(_anomaly_state(L))
        return type(r).__name__, states
    same(run)


@pytest.mark.parametrize("check_nan", [True, False])
def test_detect_anomaly_check_nan(check_nan):
    def run(L):
        x = L.tensor([0.0], requires_grad=True)
        with L.autograd.detect_anomaly(check_nan=check_nan) as z:
            inside = _anomaly_state(L)
            (x / x).sum().backward()
        return z, inside, _anomaly_state(L), x.grad
    same(run)  # with check_nan the NaN gradient raises RuntimeError in both


def test_detect_anomaly_warns():
    same_warnings(lambda L: type(L.autograd.detect_anomaly()).__name__)


# 3. inference mode query

def test_is_inference_mode_enabled():
    def run(L):
        out = [L.is_inference_mode_enabled()]
        with L.inference_mode():
            out.append(L.is_inference_mode_enabled())
            with L.inference_mode(False):
                out.append(L.is_inference_mode_enabled())
        out.append(L.is_inference_mode_enabled())
        return out
    same(run)


# 4. layouts and predicates; 5. constants

def test_layout():
    same(lambda L: repr(L.ones(2).layout))
    same(lambda L: (repr(L.strided), repr(L.sparse_coo), str(L.strided)))
    same(lambda L: (L.ones(2).layout == L.strided, L.ones(2).layout is L.strided,
                    L.strided == L.sparse_coo))
    same(lambda L: (isinstance(L.strided, L.layout), type(L.strided) is L.layout))
    same(lambda L: pickle.loads(pickle.dumps(L.strided)) is L.strided)


@pytest.mark.parametrize("name", ["is_meta", "is_quantized", "is_nested", "is_mkldnn",
                                  "is_sparse", "is_sparse_csr", "is_cuda", "nbytes", "itemsize"])
def test_tensor_predicates(name):
    # nbytes and itemsize do not exist in torch 1.13: AttributeError in both
    same(lambda L: getattr(L.ones(2, 3), name))


@pytest.mark.parametrize("name", ["pi", "e", "inf", "nan", "newaxis"])
def test_constants(name):
    same(lambda L: getattr(L, name))


# 6. frombuffer / asarray

def test_frombuffer_shares_memory():
    def run(L):
        b = bytearray(np.array([1.0, 2.0, 3.0], dtype=np.float32).tobytes())
        t = L.frombuffer(b, dtype=L.float32)
        b[0:4] = np.float32(7.0).tobytes()
        t[2] = 9.0
        return t, np.frombuffer(b, dtype=np.float32).tolist()
    same(run)
    same(lambda L: L.frombuffer(bytearray(range(8)), dtype=L.int16, count=2, offset=2))
    same(lambda L: L.frombuffer(array.array("i", [1, 2, 3]), dtype=L.int32))
    same(lambda L: L.frombuffer(bytearray(b"\x01\x00"), dtype=L.bool))
    same(lambda L: L.frombuffer(bytearray(8), dtype=L.float32, requires_grad=True))


@pytest.mark.parametrize("case", range(11))
def test_frombuffer_errors(case):
    b = bytearray(8)
    calls = [
        lambda L: L.frombuffer(b, dtype=L.float32, count=3),
        lambda L: L.frombuffer(b, dtype=L.float32, offset=9),
        lambda L: L.frombuffer(b, dtype=L.float32, offset=-1),
        lambda L: L.frombuffer(b, dtype=L.float32, offset=3),
        lambda L: L.frombuffer(bytearray(), dtype=L.float32),
        lambda L: L.frombuffer([1, 2], dtype=L.float32),
        lambda L: L.frombuffer(memoryview(b)[::2], dtype=L.uint8),
        lambda L: L.frombuffer(b),
        lambda L: L.frombuffer(b, dtype="float32"),
        lambda L: L.frombuffer(b, dtype=L.uint8, count=2.0),
        lambda L: L.frombuffer(b, dtype=L.uint8, requires_grad=True),
    ]
    messages = case not in (10,)  # requires_grad's message names the op in torsh
    same(calls[case], messages=messages)


def test_frombuffer_readonly():
    # a read-only buffer still gives a tensor over it (both warn once per program)
    same(lambda L: L.frombuffer(b"\x01\x02", dtype=L.uint8))


def test_asarray_shares_memory():
    def numpy_alias(L):
        a = np.arange(3.0)
        t = L.asarray(a)
        a[0] = 9.0
        return t
    same(numpy_alias)

    def tensor_alias(L):
        x = L.ones(2)
        y = L.asarray(x)
        y[0] = 5.0
        return y is x, x
    same(tensor_alias)

    def buffer_alias(L):
        b = bytearray(b"ab")
        t = L.asarray(b, dtype=L.uint8)
        b[0] = 0
        return t
    same(buffer_alias)

    def transposed(L):
        a = np.arange(6.0).reshape(2, 3).T
        t = L.asarray(a)
        a[0, 1] = 9.0
        return t.stride(), t
    same(transposed)


def test_asarray_copies():
    def copy_numpy(L):
        a = np.arange(3.0)
        t = L.asarray(a, copy=True)
        a[0] = 9.0
        return t
    same(copy_numpy)

    def copy_tensor(L):
        x = L.arange(3)
        y = L.asarray(x, copy=True)
        x[0] = 5
        return y is x, y
    same(copy_tensor)

    def dtype_copy(L):
        x = L.arange(3)
        y = L.asarray(x, dtype=L.float32)
        x[0] = 5
        return y
    same(dtype_copy)
    same(lambda L: L.asarray(np.arange(3), dtype=L.float32))
    same(lambda L: (L.asarray(L.ones(2), dtype=L.float32), ))


@pytest.mark.parametrize("data", [[1, 2], [1.0, 2], 3.0, 2, True, [[1, 2], [3, 4]], []])
def test_asarray_sequences(data):
    same(lambda L: L.asarray(data))
    same(lambda L: L.asarray(data, dtype=L.float64))
    same(lambda L: L.asarray(data, device="cpu"))


def test_asarray_misc():
    same(lambda L: L.asarray([L.tensor(1.0), L.tensor(2.0)]))
    same(lambda L: L.asarray([1.5, 2], dtype=L.int64))
    same(lambda L: L.asarray(bytearray(8)))  # a buffer is read as the default dtype
    same(lambda L: L.asarray(array.array("i", [1, 2]), dtype=L.int32))
    same(lambda L: L.asarray(obj=[1]))


@pytest.mark.parametrize("case", range(10))
def test_asarray_errors(case):
    calls = [
        lambda L: L.asarray([1.0, 2], copy=False),
        lambda L: L.asarray(np.arange(3), dtype=L.float32, copy=False),
        lambda L: L.asarray(L.ones(2), copy=False, dtype=L.float64),
        lambda L: L.asarray(bytearray(b"ab")),
        lambda L: L.asarray("ab"),
        lambda L: L.asarray([1], L.float32),
        lambda L: L.asarray([1], dtype="float"),
        lambda L: L.asarray([1], copy=1),
        lambda L: L.asarray([1], device="cuda"),
        lambda L: L.asarray([1], requires_grad=True),
    ]
    messages = case in (0, 1, 2, 3, 6, 7, 8)
    same(calls[case], messages=messages)


def test_asarray_requires_grad():
    same(lambda L: L.asarray([1.0, 2], requires_grad=True))
    same(lambda L: L.asarray(np.arange(2.0), requires_grad=True).is_leaf)

    def set_on_tensor(L):
        x = L.ones(2)
        y = L.asarray(x, requires_grad=True)
        return y is x, x.requires_grad

    def keeps_history(L):
        x = L.ones(2, requires_grad=True)
        y = L.asarray(x, dtype=L.float64, requires_grad=True)
        z = L.asarray(x, copy=True, requires_grad=True)
        (y.sum() + z.sum()).backward()
        return y.is_leaf, z.is_leaf, x.grad

    def detached(L):
        x = L.ones(2, requires_grad=True) * 2
        y = L.asarray(x)
        c = L.asarray(L.ones(2, requires_grad=True), copy=True)
        return y is x, y.requires_grad, y.grad_fn is None, c.requires_grad, c.grad_fn is None
    for fn in (set_on_tensor, keeps_history, detached):
        same(fn)


def test_asarray_documented_divergences():
    # torch 1.13 reads a NumPy scalar's bytes as float32 and clears requires_grad on the
    # caller's leaf; torsh follows the documented behaviour (see torsh/_asarray.py)
    t = torsh.asarray(np.float64(2.5))
    assert t.shape == () and t.dtype == torsh.float64 and t.item() == 2.5
    x = torsh.ones(2, requires_grad=True)
    y = torsh.asarray(x)
    assert x.requires_grad and not y.requires_grad
    y[0] = 3.0
    assert x[0].item() == 3.0


# 7. torch.cuda on a machine without CUDA

CUDA_CALLS = {
    "empty_cache": lambda c: c.empty_cache(),
    "memory_allocated": lambda c: c.memory_allocated(),
    "max_memory_allocated": lambda c: c.max_memory_allocated(),
    "memory_reserved": lambda c: c.memory_reserved(),
    "max_memory_reserved": lambda c: c.max_memory_reserved(),
    "memory_stats": lambda c: dict(c.memory_stats()),
    "memory_stats_as_nested_dict": lambda c: c.memory_stats_as_nested_dict(),
    "memory_summary": lambda c: c.memory_summary(),
    "reset_peak_memory_stats": lambda c: c.reset_peak_memory_stats(),
    "reset_accumulated_memory_stats": lambda c: c.reset_accumulated_memory_stats(),
    "memory_snapshot": lambda c: c.memory_snapshot(),
    "mem_get_info": lambda c: c.mem_get_info(),
    "synchronize": lambda c: c.synchronize(),
    "manual_seed": lambda c: c.manual_seed(1),
    "manual_seed_all": lambda c: c.manual_seed_all(1),
    "seed": lambda c: c.seed(),
    "seed_all": lambda c: c.seed_all(),
    "initial_seed": lambda c: c.initial_seed(),
    "get_rng_state": lambda c: c.get_rng_state(),
    "get_rng_state_all": lambda c: c.get_rng_state_all(),
    "set_rng_state": lambda c: c.set_rng_state(torch.zeros(3, dtype=torch.uint8)),
    "set_rng_state_all": lambda c: c.set_rng_state_all([]),
    "get_device_name": lambda c: c.get_device_name(),
    "get_device_name0": lambda c: c.get_device_name(0),
    "get_device_capability": lambda c: c.get_device_capability(),
    "get_device_properties": lambda c: c.get_device_properties(0),
    "is_bf16_supported": lambda c: c.is_bf16_supported(),
    "current_device": lambda c: c.current_device(),
    "is_available": lambda c: c.is_available(),
    "device_count": lambda c: c.device_count(),
    "is_initialized": lambda c: c.is_initialized(),
    "init": lambda c: c.init(),
    "current_stream": lambda c: c.current_stream(),
    "default_stream": lambda c: c.default_stream(),
    "ipc_collect": lambda c: c.ipc_collect(),
    "set_device0": lambda c: c.set_device(0),
    "set_device-1": lambda c: c.set_device(-1),
    "set_device_cpu": lambda c: c.set_device("cpu"),
    "set_stream": lambda c: c.set_stream(None),
    "get_arch_list": lambda c: c.get_arch_list(),
    "get_gencode_flags": lambda c: c.get_gencode_flags(),
    "set_per_process_memory_fraction": lambda c: c.set_per_process_memory_fraction(0.5),
    "list_gpu_processes": lambda c: c.list_gpu_processes(),
    "flags": lambda c: (c.has_half, c.has_magma, c.default_generators),
    "is_current_stream_capturing": lambda c: c.is_current_stream_capturing(),
    "OutOfMemoryError": lambda c: issubclass(c.OutOfMemoryError, RuntimeError),
}


@pytest.mark.parametrize("name", sorted(CUDA_CALLS))
def test_cuda_without_cuda(name):
    same(lambda L: CUDA_CALLS[name](L.cuda))


@pytest.mark.parametrize("name", ["memory_cached", "max_memory_cached"])
def test_cuda_renamed_warn(name):
    same_warnings(lambda L: getattr(L.cuda, name)())


def test_cuda_device_context_managers():
    same(lambda L: L.cuda.device(0).idx)
    same(lambda L: L.cuda.device("cuda:1").idx)
    same(lambda L: L.cuda.device(L.device("cuda", 2)).idx)
    same(lambda L: (L.cuda.device(None).idx, L.cuda.device("cuda").idx))
    same(lambda L: L.cuda.device("cpu"), messages=True)
    same(lambda L: L.cuda.device(0).__enter__(), messages=True)
    same(lambda L: L.cuda.device(None).__enter__(), messages=True)

    def noop(L):
        with L.cuda.device(-1) as d:
            inside = d
        with L.cuda.device_of(L.ones(1)) as d2:
            pass
        with L.cuda.stream(None) as s:
            pass
        return inside, d2, s, L.cuda.device_of(L.ones(1)).idx
    same(noop)
    same(lambda L: L.cuda.device(0).__exit__(None, None, None))


@pytest.mark.parametrize("name", ["Stream", "Event", "ExternalStream", "CUDAGraph"])
def test_cuda_streams_events(name):
    args = {"ExternalStream": (0,)}.get(name, ())
    same(lambda L: getattr(L.cuda, name)(*args))


@pytest.mark.parametrize("name", ["FloatTensor", "LongTensor", "HalfTensor", "BoolTensor"])
def test_cuda_tensor_types(name):
    same(lambda L: isinstance(L.ones(1), getattr(L.cuda, name)))
    same(lambda L: getattr(L.cuda, name)(2), messages=True)
    same(lambda L: repr(getattr(L.cuda, name)))


# 8. AMP

def test_grad_scaler_disabled_without_cuda():
    same_warnings(lambda L: L.cuda.amp.GradScaler().is_enabled())
    same_warnings(lambda L: L.cuda.amp.GradScaler(enabled=False).is_enabled())

    def run(L):
        L.manual_seed(0)
        model = L.nn.Linear(3, 2)
        opt = L.optim.SGD(model.parameters(), lr=0.1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scaler = L.cuda.amp.GradScaler()
        loss = model(L.ones(4, 3)).sum()
        scaled = scaler.scale(loss)
        outs = scaler.scale([loss, (loss,)])
        scaled.backward()
        scaler.unscale_(opt)
        r = scaler.step(opt)
        scaler.update()
        scaler.update(2.0)
        scaler.load_state_dict({})
        return (scaled is loss, outs[0] is loss, r, scaler.get_scale(), scaler.state_dict(),
                scaler._get_growth_tracker(), model.weight, model.bias)
    same(run)

    def closure_step(L):
        model = L.nn.Linear(3, 2)
        opt = L.optim.SGD(model.parameters(), lr=0.1)
        scaler = L.cuda.amp.GradScaler(enabled=False)

        def closure():
            opt.zero_grad()
            loss = model(L.ones(1, 3)).sum()
            loss.backward()
            return loss
        return type(scaler.step(opt, closure)).__name__
    same(closure_step)


def test_grad_scaler_factors():
    def run(L):
        s = L.cuda.amp.GradScaler(enabled=False)
        out = []
        for getter, setter, value in (("get_growth_factor", "set_growth_factor", 3.0),
                                      ("get_backoff_factor", "set_backoff_factor", 0.25),
                                      ("get_growth_interval", "set_growth_interval", 10)):
            try:
                getattr(s, getter)()
                out.append("no error")
            except AttributeError:
                out.append("AttributeError")  # a disabled scaler records no factors, as torch
            getattr(s, setter)(value)
            out.append(getattr(s, getter)())
        return out, pickle.loads(pickle.dumps(s)).is_enabled()
    same(run)


def test_cuda_autocast_warns_and_does_nothing():
    def run(L):
        a = L.cuda.amp.autocast()
        with a as z:
            inside = (L.is_autocast_enabled(), L.get_autocast_gpu_dtype(),
                      L.is_autocast_cache_enabled())
            y = L.ones(2) @ L.ones(2)
        return z, inside, y, a.fast_dtype, L.is_autocast_enabled()
    same_warnings(run)
    same_warnings(lambda L: type(L.autocast("cuda")).__name__)
    same_warnings(lambda L: L.autocast("cuda", enabled=False).fast_dtype)
    same_warnings(lambda L: L.autocast("cuda", dtype=L.float32).fast_dtype)
    # bfloat16 asks torch.cuda.is_bf16_supported(), which fails without CUDA
    same(lambda L: L.autocast("cuda", dtype=L.bfloat16), messages=True)
    same(lambda L: L.autocast("cuda", dtype=L.bfloat16, enabled=False), messages=True)
    same(lambda L: L.autocast("xla"), messages=True)

    def decorated(L):
        @L.cuda.amp.autocast()
        def f(x):
            return x * 2, L.is_autocast_enabled()
        return f(L.ones(2)), f.__name__
    same_warnings(decorated)


def test_cpu_autocast_disabled_is_noop():
    def run(L):
        with L.autocast("cpu", enabled=False, cache_enabled=False) as z:
            inside = (L.is_autocast_cpu_enabled(), L.get_autocast_cpu_dtype(),
                      L.is_autocast_cache_enabled())
            y = L.ones(2, 2) @ L.ones(2, 2)
        with L.cpu.amp.autocast(enabled=False):
            y2 = L.ones(2) * 3
        return z, inside, y, y2, L.is_autocast_cpu_enabled(), L.is_autocast_cache_enabled()
    same_warnings(run)

    @torsh.autocast("cpu", enabled=False)
    def f(x):
        return x + 1
    assert f(torsh.ones(1)).item() == 2.0 and f.__name__ == "f"


def test_cpu_autocast_other_dtype_warns_then_fails_on_entry():
    same_warnings(lambda L: L.autocast("cpu", dtype=L.float16).fast_dtype)

    def enter(L):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = L.autocast("cpu", dtype=L.float16)
        with a:
            pass
    same(enter, messages=True)


def test_cpu_autocast_enables_as_torch():
    # every spelling turns CPU autocast on in bfloat16 (ops: tests/python/test_autocast_cpu.py)
    for L in (torch, torsh):
        for make in (lambda: L.autocast("cpu"), lambda: L.cpu.amp.autocast(),
                     lambda: L.autocast("cpu", dtype=L.bfloat16)):
            with make():
                assert L.is_autocast_cpu_enabled() is True
                assert L.get_autocast_cpu_dtype() == L.bfloat16
            assert L.is_autocast_cpu_enabled() is False
        L.set_autocast_cpu_enabled(True)
        assert L.is_autocast_cpu_enabled() is True
        L.set_autocast_cpu_enabled(False)
        assert L.is_autocast_cpu_enabled() is False


def test_autocast_state_functions():
    def run(L):
        out = [L.is_autocast_enabled(), L.is_autocast_cpu_enabled(),
               L.get_autocast_gpu_dtype(), L.get_autocast_cpu_dtype(),
               L.is_autocast_cache_enabled()]
        L.set_autocast_enabled(True)
        out.append(L.is_autocast_enabled())
        L.set_autocast_enabled(False)
        L.set_autocast_gpu_dtype(L.bfloat16)
        out.append(L.get_autocast_gpu_dtype())
        L.set_autocast_gpu_dtype(L.float16)
        L.set_autocast_cpu_dtype(L.bfloat16)
        L.set_autocast_cache_enabled(False)
        out.append(L.is_autocast_cache_enabled())
        L.set_autocast_cache_enabled(True)
        out += [L.autocast_increment_nesting(), L.autocast_increment_nesting(),
                L.autocast_decrement_nesting(), L.autocast_decrement_nesting(),
                L.clear_autocast_cache()]
        return out
    same(run)
    same(lambda L: L.set_autocast_enabled(1), messages=True)
    same(lambda L: L.set_autocast_cpu_dtype(L.float16), messages=True)
    same(lambda L: L.set_autocast_cpu_enabled(False))


def test_custom_fwd_bwd():
    def run(L):
        class Double(L.autograd.Function):
            @staticmethod
            @L.cuda.amp.custom_fwd
            def forward(ctx, x):
                return x * 2

            @staticmethod
            @L.cuda.amp.custom_bwd
            def backward(ctx, g):
                return g * 2

        class Cast(L.autograd.Function):
            @staticmethod
            @L.cuda.amp.custom_fwd(cast_inputs=L.float32)
            def forward(ctx, x):
                return x + 1

            @staticmethod
            @L.cuda.amp.custom_bwd
            def backward(ctx, g):
                return g

        x = L.ones(2, requires_grad=True)
        y = Double.apply(x) + Cast.apply(x)
        y.sum().backward()
        return y, x.grad
    same_warnings(run)


# 9. float32 matmul precision

def test_float32_matmul_precision():
    def run(L):
        out = [L.get_float32_matmul_precision(), L.backends.cuda.matmul.allow_tf32]
        for p in ("high", "medium", "highest"):
            L.set_float32_matmul_precision(p)
            out.append((L.get_float32_matmul_precision(), L.backends.cuda.matmul.allow_tf32))
        L.backends.cuda.matmul.allow_tf32 = True
        out.append(L.get_float32_matmul_precision())
        L.backends.cuda.matmul.allow_tf32 = False
        out.append(L.get_float32_matmul_precision())
        L.set_float32_matmul_precision(precision="high")
        out.append(L.get_float32_matmul_precision())
        L.set_float32_matmul_precision("highest")
        return out
    same(run)
    same(lambda L: L.set_float32_matmul_precision(None), messages=True)
    same(lambda L: L.set_float32_matmul_precision(1), messages=True)
    same(lambda L: L.set_float32_matmul_precision())

    def invalid_has_no_effect(L):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch prints its warning from C++, torsh warns
            L.set_float32_matmul_precision("HIGH")
            L.set_float32_matmul_precision("low")
        return L.get_float32_matmul_precision()
    same(invalid_has_no_effect)
    with pytest.warns(UserWarning, match="is not one of 'highest', 'high', or 'medium'"):
        torsh.set_float32_matmul_precision("low")
    # the value changes nothing on CPU: matmul is float32 whatever the precision
    a = torsh.tensor(np.random.default_rng(0).standard_normal((8, 8)).tolist())
    ref = (a @ a).tolist()
    torsh.set_float32_matmul_precision("medium")
    try:
        assert (a @ a).tolist() == ref
    finally:
        torsh.set_float32_matmul_precision("highest")


# 10. torch.version and TorchVersion

def test_version_module():
    same(lambda L: (L.version.cuda, L.version.debug, L.version.hip,
                    type(L.version.git_version).__name__,
                    L.version.__version__ == L.__version__))
    same(lambda L: (type(L.__version__).__name__, isinstance(L.__version__, str),
                    [c.__name__ for c in type(L.__version__).__mro__[1:]]))
    # the torch API implemented, torsh's own version as the local label
    assert torsh.__version__ == torch.__version__ and torsh.version.torsh == "0.1.0"
    for other in ("1.10", (1, 12), "1.13", (1, 13), "1.13.0a0", "1.14", "2.0"):
        assert (torsh.__version__ >= other) == (torch.__version__ >= other), other
        assert (torsh.__version__ < other) == (torch.__version__ < other), other


@pytest.mark.parametrize("other", [(1, 13), (1, 13, 0), "1.13", "1.13.0a0", "1.9", "1.10",
                                   (0, 9), "2.0", "abc", [1, 2], 1, None, 1.5])
def test_torch_version_compare(other):
    def run(L):
        v = L.torch_version.TorchVersion("1.13.0a0")
        out = []
        for op in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"):
            try:
                r = getattr(v, op)(other)
                out.append(r if r is not NotImplemented else "NotImplemented")
            except Exception as e:  # noqa: BLE001
                out.append(type(e).__name__)
        return out
    same(run)
    same(lambda L: L.torch_version.TorchVersion("1.13.0") < other)
    same(lambda L: hash(L.torch_version.TorchVersion("1.2")) == hash("1.2"))
    same(lambda L: L.torch_version.TorchVersion("0.1.0") >= (0, 1))


# 11. Generator.device

def test_generator_device():
    same(lambda L: [repr(d) for d in (L.Generator().device, L.default_generator.device,
                                      L.Generator("cpu").device, L.Generator(device="cpu").device)])
    same(lambda L: isinstance(L.Generator().device, L.device))
    same(lambda L: setattr(L.Generator(), "device", "cpu"))


# 12. torch.Size

def test_size_arithmetic():
    def run(L):
        s = L.ones(2, 3).shape
        results = [s + (4,), (4,) + s, s * 2, 2 * s, s[1:], s[::-1], s[0:0], s + s, s[0],
                   s[-1], s * 0, copy.copy(s), copy.deepcopy(s), pickle.loads(pickle.dumps(s))]
        return [(type(r).__name__, tuple(r) if isinstance(r, tuple) else r, repr(r))
                for r in results]
    same(run)
    same(lambda L: L.ones(2, 3).shape + [1], messages=True)
    same(lambda L: (L.Size([2, 3]) == (2, 3), L.Size([2, 3]) == [2, 3],
                    hash(L.Size([2, 3])) == hash((2, 3)), L.Size([2, 3]).numel(),
                    L.Size([]).numel(), L.Size().numel(), repr(L.Size())))


@pytest.mark.parametrize("case", range(11))
def test_size_constructor(case):
    items = [
        lambda: [1, 2], lambda: [np.int64(2)], lambda: [True], lambda: [-1],
        lambda: (x for x in [1, 2]), lambda: [1.5], lambda: [np.float32(2)], lambda: "ab",
        lambda: 5, lambda: [2 ** 70], lambda: [-2 ** 63],
    ]
    same(lambda L: repr(L.Size(items[case]())), messages=True)


def test_size_constructor_tensors():
    same(lambda L: repr(L.Size([L.tensor(3)])))
    same(lambda L: repr(L.Size([L.tensor([3])])))
    same(lambda L: repr(L.Size([L.tensor(3, dtype=L.uint8)])))
    same(lambda L: L.Size([L.tensor(3.0)]), messages=True)
    same(lambda L: L.Size([L.tensor([3, 4])]), messages=True)


# 13. reversed, in, copy.copy, tensor() of tensors

def test_reversed():
    same(lambda L: reversed(L.tensor([[1.0, 2], [3, 4]])))
    same(lambda L: reversed(L.tensor([1, 2, 3])))
    same(lambda L: reversed(L.tensor(1)))
    same(lambda L: list(reversed(L.arange(4).tolist())))


@pytest.mark.parametrize("case", range(9))
def test_contains(case):
    elements = [
        lambda L: L.tensor(2.0), lambda L: L.tensor([1.0, 2]), lambda L: L.tensor([1.0, 3]),
        lambda L: L.tensor([5.0, 6]), lambda L: 3, lambda L: 3.5, lambda L: True,
        lambda L: "a", lambda L: [1.0, 2],
    ]
    same(lambda L: elements[case](L) in L.tensor([[1.0, 2], [3, 4]]), messages=True)


def test_copy_copy():
    def plain(L):
        a = L.ones(3)
        b = copy.copy(a)
        b[0] = 5.0
        return b is a, a, type(b).__name__
    same(plain)

    def leaf(L):
        a = L.ones(3, requires_grad=True)
        b = copy.copy(a)
        return b.requires_grad, b.is_leaf, b.grad_fn is None, b.grad

    def nonleaf(L):
        a = L.ones(3, requires_grad=True) * 2
        b = copy.copy(a)
        return b.requires_grad, b.is_leaf, b.grad_fn is None

    def attributes(L):
        a = L.ones(3)
        a.foo = 1
        a.grad = L.zeros(3)
        b = copy.copy(a)
        return getattr(b, "foo", None), b.grad

    def parameter(L):
        p = L.nn.Parameter(L.ones(3), requires_grad=False)
        q = copy.copy(p)
        q.data[0] = 7.0
        return type(q).__name__, q is p, p, q.requires_grad

    def uninitialized(L):
        return (type(copy.copy(L.nn.UninitializedParameter())).__name__,
                type(copy.copy(L.nn.UninitializedBuffer())).__name__)
    for fn in (leaf, nonleaf, attributes, parameter, uninitialized):
        same(fn)


def test_tensor_of_tensors():
    same(lambda L: L.tensor([L.ones(2), L.zeros(2)]), messages=True)
    same(lambda L: L.tensor([L.tensor(1.0), L.tensor(2.0)]))
    same(lambda L: L.tensor([L.tensor([1.0]), L.tensor([2.0])]))
    same(lambda L: L.tensor([L.tensor(1), L.tensor(2)]))
    same(lambda L: L.tensor([L.tensor(1), 2.5]))
    same(lambda L: L.tensor([[L.tensor(1.0), 2.0]]))


# 14. nn

def test_data_parallel_without_cuda():
    def run(L):
        L.manual_seed(0)
        lin = L.nn.Linear(3, 2)
        dp = L.nn.DataParallel(lin)
        dp2 = L.nn.parallel.DataParallel(lin, device_ids=[0, 1], output_device=1, dim=1)
        x = L.ones(4, 3)
        return (repr(dp), list(dp.state_dict().keys()), dp.module is lin, dp.device_ids,
                dp2.device_ids, dp(x), dp(input=x), [n for n, _ in dp.named_parameters()])
    same(run)
    same(lambda L: L.nn.DataParallel(L.nn.Linear(3, 2)).output_device)
    same(lambda L: L.nn.DataParallel(L.nn.Linear(3, 2)).dim)

    def load(L):
        L.manual_seed(1)
        src = L.nn.Linear(3, 2)
        dp = L.nn.DataParallel(L.nn.Linear(3, 2))
        dp.load_state_dict({"module." + k: v for k, v in src.state_dict().items()})
        return dp.module.weight
    same(load)


def test_sync_batch_norm():
    same(lambda L: repr(L.nn.SyncBatchNorm(4)))
    same(lambda L: list(L.nn.SyncBatchNorm(4).state_dict().keys()))
    same(lambda L: L.nn.SyncBatchNorm(4, process_group=None).process_group)
    same(lambda L: issubclass(L.nn.SyncBatchNorm, L.nn.modules.batchnorm._BatchNorm))
    for shape in ((2, 4, 3), (2, 4), (4,)):
        same(lambda L: L.nn.SyncBatchNorm(4)(L.ones(*shape)), messages=True)
        same(lambda L: L.nn.SyncBatchNorm(4).eval()(L.ones(*shape)), messages=True)
    same(lambda L: L.nn.SyncBatchNorm(3)._check_input_dim(L.ones(3)), messages=True)
    same(lambda L: L.nn.SyncBatchNorm(3)._check_non_zero_input_channels(L.ones(2, 0)),
         messages=True)

    def convert(L):
        L.manual_seed(0)
        net = L.nn.Sequential(L.nn.Conv2d(3, 4, 1), L.nn.BatchNorm2d(4),
                              L.nn.Sequential(L.nn.BatchNorm1d(4, affine=False)))
        net[1].weight.data.fill_(2.0)
        net.eval()
        old = net[1]
        out = L.nn.SyncBatchNorm.convert_sync_batchnorm(net)
        return (repr(out), out is net, out[1].weight is old.weight,
                out[1].running_mean is old.running_mean, out[1].training,
                out[2][0].weight, sorted(out.state_dict().keys()))
    same(convert)
    same(lambda L: type(L.nn.SyncBatchNorm.convert_sync_batchnorm(L.nn.BatchNorm1d(3))).__name__)


def test_module_to_memory_format():
    def strides(L, m):
        return [tuple(p.stride()) for p in m.parameters()]
    same(lambda L: strides(L, L.nn.Conv2d(3, 4, 3).to(memory_format=L.channels_last)))
    same(lambda L: L.nn.Conv2d(3, 4, 3).to(memory_format=L.channels_last).weight
         .is_contiguous(memory_format=L.channels_last))
    same(lambda L: strides(L, L.nn.Linear(3, 4).to(memory_format=L.channels_last)))
    same(lambda L: [(p.dtype, tuple(p.stride())) for p in
                    L.nn.Conv2d(3, 4, 3).to(L.float64, memory_format=L.channels_last)
                    .parameters()])
    same(lambda L: strides(L, L.nn.Conv3d(3, 4, 3).to(memory_format=L.channels_last_3d)))
    same(lambda L: L.nn.Conv3d(3, 4, 3).to(memory_format=L.channels_last), messages=True)
    same(lambda L: strides(L, L.nn.Conv2d(3, 4, 3).to(memory_format=L.contiguous_format)))

    def forward(L):
        L.manual_seed(0)
        m = L.nn.Sequential(L.nn.Conv2d(3, 4, 3), L.nn.BatchNorm2d(4))
        m.to(L.float64, memory_format=L.channels_last)  # float64: BN's backward cancels a lot
        x = L.arange(2 * 3 * 5 * 5, dtype=L.float64).reshape(2, 3, 5, 5) / 50
        y = m(x.to(memory_format=L.channels_last))
        (y * L.arange(y.numel(), dtype=L.float64).reshape(y.shape).cos()).sum().backward()
        return y, m[0].weight.grad, tuple(m[0].weight.stride()), m[1].running_mean
    same(forward, rtol=1e-8, atol=1e-10)


def test_functional_call():
    def run(L):
        L.manual_seed(0)
        net = L.nn.Sequential(L.nn.Linear(3, 2), L.nn.BatchNorm1d(2))
        x = L.arange(12, dtype=L.float32).reshape(4, 3)
        params = {"0.weight": L.ones(2, 3, requires_grad=True), "0.bias": L.zeros(2),
                  "1.running_mean": L.zeros(2)}
        out = L.nn.utils.stateless.functional_call(net, params, (x,))
        out.sum().backward()
        # the module keeps its own tensors; the passed buffer got the running-stat update
        return (out, params["0.weight"].grad, params["1.running_mean"], net[0].weight,
                net[1].running_mean, type(net[0]).__name__, hasattr(net[0], "_attr_to_path"))
    same(run, rtol=1e-6, atol=1e-6)

    def not_tuple_and_kwargs(L):
        class M(L.nn.Module):
            def __init__(self):
                super().__init__()
                self.register_buffer("foo", L.zeros(()))

            def forward(self, x, scale=1.0):
                self.foo = self.foo + 1
                return x * scale + self.foo
        m = M()
        a = {"foo": L.zeros(())}
        out = L.nn.utils.stateless.functional_call(m, a, L.ones(2), {"scale": 3.0})
        return out, m.foo, a["foo"]
    same(not_tuple_and_kwargs)

    def tied(L):
        lin = L.nn.Linear(2, 2, bias=False)
        net = L.nn.Sequential(lin, lin)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = L.nn.utils.stateless.functional_call(
                net, {"0.weight": L.eye(2), "1.weight": 2 * L.eye(2)}, (L.ones(1, 2),))
        return out, [str(x.message) for x in w]
    same(tied)
    same(lambda L: L.nn.utils.stateless.functional_call(L.nn.Linear(2, 2),
                                                       {"nope.weight": L.ones(2)},
                                                       (L.ones(1, 2),)))

    def parametrized(L):
        class Symmetric(L.nn.Module):
            def forward(self, w):
                return w.triu() + w.triu(1).transpose(0, 1)
        L.manual_seed(0)
        lin = L.nn.Linear(2, 2)
        L.nn.utils.parametrize.register_parametrization(lin, "weight", Symmetric())
        x = L.tensor([[1.0, 2.0]])
        # the parametrized weight itself, or the original behind it, can be replaced
        out1 = L.nn.utils.stateless.functional_call(lin, {"weight": L.eye(2)}, (x,))
        out2 = L.nn.utils.stateless.functional_call(
            lin, {"parametrizations.weight.original": L.ones(2, 2)}, (x,))
        return out1, out2, lin(x), type(lin).__name__
    same(parametrized, rtol=1e-6)


def test_once_differentiable():
    def make(L):
        class Sq(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            @L.autograd.function.once_differentiable
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return 2 * x * g
        return Sq

    def first_order(L):
        x = L.tensor([1.0, 2.0], requires_grad=True)
        make(L).apply(x).sum().backward()
        return x.grad, make(L).backward.__name__
    same(first_order)

    def create_graph_plain(L):
        x = L.tensor([1.0, 2.0], requires_grad=True)
        (g,) = L.autograd.grad(make(L).apply(x).sum(), x, create_graph=True)
        return g  # the incoming gradient did not require grad: a plain result
    same(create_graph_plain)

    def double_backward_raises(L):
        x = L.tensor([1.0, 2.0], requires_grad=True)
        (g,) = L.autograd.grad((make(L).apply(x) * x).sum(), x, create_graph=True)
        g.sum().backward()
    same(double_backward_raises, messages=True)


def test_checkpoint_sequential():
    def run(L, segments, preserve):
        L.manual_seed(0)
        net = L.nn.Sequential(L.nn.Linear(4, 4), L.nn.ReLU(), L.nn.Dropout(0.5),
                              L.nn.Linear(4, 4), L.nn.Tanh(), L.nn.Linear(4, 2))
        x = L.ones(3, 4, requires_grad=True)
        L.manual_seed(1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = L.utils.checkpoint.checkpoint_sequential(net, segments, x,
                                                           preserve_rng_state=preserve)
        out.sum().backward()
        return out, x.grad, net[0].weight.grad
    for segments in (1, 2, 3, 6):
        same(lambda L: run(L, segments, True), rtol=1e-6, atol=1e-7)

    def functions_list(L):
        fs = [lambda t: t * 2, lambda t: t.sin(), lambda t: t + 1]
        x = L.ones(2, requires_grad=True)
        out = L.utils.checkpoint.checkpoint_sequential(fs, 2, x)
        out.sum().backward()
        return out, x.grad
    same(functions_list, rtol=1e-7)
    same(lambda L: L.utils.checkpoint.checkpoint_sequential([lambda t: t], 1, L.ones(1),
                                                            foo=1), messages=True)
    same(lambda L: L.utils.checkpoint.checkpoint_sequential([lambda t: t], 1, L.ones(1),
                                                            use_reentrant=False),
         messages=True)


# 15. AdaptiveLogSoftmaxWithLoss

def _asm(L, **kw):
    L.manual_seed(0)
    return L.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], **kw)


X8 = np.random.default_rng(3).standard_normal((5, 8)).tolist()


def test_adaptive_log_softmax_structure():
    same(lambda L: repr(_asm(L, div_value=2.0)))
    same(lambda L: list(_asm(L).state_dict().keys()))
    same(lambda L: list(_asm(L, head_bias=True).state_dict().keys()))
    same(lambda L: [(n, tuple(p.shape)) for n, p in _asm(L, div_value=2.0).named_parameters()])
    same(lambda L: list(_asm(L).parameters()), rtol=1e-6, atol=1e-7)  # same seed, same init
    same(lambda L: (_asm(L).cutoffs, _asm(L).shortlist_size, _asm(L).n_clusters,
                    _asm(L).head_size))
    same(lambda L: L.nn.AdaptiveLogSoftmaxWithLoss(8, 10, (2, 5), dtype=L.float64).head.weight
         .dtype)


@pytest.mark.parametrize("cutoffs", [[6, 3], [0, 3], [3, 10], [3, 3], [2.5]])
def test_adaptive_log_softmax_bad_cutoffs(cutoffs):
    same(lambda L: L.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs), messages=True)


@pytest.mark.parametrize("target", [[0, 4, 9, 2, 7], [0, 1, 2, 0, 1], [9, 8, 7, 6, 5],
                                    [5, 5, 5, 5, 4]])
def test_adaptive_log_softmax_forward(target):
    def run(L):
        m = _asm(L, div_value=2.0)
        x = L.tensor(X8, requires_grad=True)
        out = m(x, L.tensor(target))
        out.loss.backward()
        return (type(out).__name__, out._fields, out.output, out.loss, x.grad,
                m.head.weight.grad, [p.grad for p in m.tail.parameters()])
    same(run, rtol=1e-5, atol=1e-6)


def test_adaptive_log_softmax_single_and_errors():
    def single(L):
        m = _asm(L)
        x = L.tensor(X8)
        out = m(x[0], L.tensor(7))
        return out.output, out.loss
    same(single, rtol=1e-5, atol=1e-6)
    x = X8
    same(lambda L: _asm(L)(L.tensor(x), L.tensor([0, 1])), messages=True)
    same(lambda L: _asm(L)(L.tensor(x), L.tensor([0, 1, 2, 3, 10])), messages=True)
    same(lambda L: _asm(L)(L.tensor(x), L.tensor([0, 1, 2, 3, -1])))
    same(lambda L: _asm(L)(L.tensor(x[0]), L.tensor([0, 1, 2, 3, 4])))
    same(lambda L: _asm(L)(L.tensor(x), L.tensor([[0], [1], [2], [3], [4]])), messages=True)
    same(lambda L: _asm(L)(L.tensor([x]), L.tensor([0])))
    same(lambda L: _asm(L)(L.tensor(x), L.tensor(1)))


def test_adaptive_log_softmax_log_prob_predict():
    same(lambda L: _asm(L).log_prob(L.tensor(X8)), rtol=1e-5, atol=1e-6)
    same(lambda L: _asm(L).log_prob(L.tensor(X8)).exp().sum(1), rtol=1e-5)
    same(lambda L: _asm(L).predict(L.tensor(X8)))

    def predict_branches(L):
        m = _asm(L, div_value=2.0)
        x = L.tensor(X8)
        out = []
        for bias in (10.0, -10.0):  # every row in the shortlist, then every row in a cluster
            with L.no_grad():
                m.head.weight.zero_()
                m.head.weight[:3, 0] = bias
                m.head.weight[3:, 0] = -bias
            out.append(m.predict(x.abs()))
        with L.no_grad():
            m.head.weight[:, 0] = L.tensor([5.0, 0, 0, 0, 0])
            m.head.weight[:, 1] = L.tensor([0.0, 0, 0, 5, 0])
        xm = L.zeros(4, 8)
        xm[0, 0] = xm[1, 1] = xm[2, 0] = xm[3, 1] = 1.0
        out.append(m.predict(xm))  # mixed rows
        out.append(m.log_prob(xm).argmax(1))
        return out
    same(predict_branches)

"""The __torch_function__ protocol against torch 1.13: Tensor subclasses keep their class through
functions, methods, operators, indexing and properties; the `func` a handler receives; objects
that are not tensors; nn.Parameter's opt-out; as_subclass / _make_subclass and autograd;
DisableTorchFunction; TorchFunctionMode; torch.overrides' helpers; the subclass repr."""
import pytest
import torch

import torsh
from conftest import record


def _both(fn):
    record("torch_function")
    ref, ours = fn(torch), fn(torsh)
    assert ours == ref
    return ref


def _logging_subclass(L, calls):
    class Logged(L.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            calls.append(func)
            return super().__torch_function__(func, types, args, kwargs)
    return Logged


def test_subclass_class_survives_every_kind_of_call():
    def run(L):
        class M(L.Tensor):
            pass
        x = L.arange(6.0).reshape(2, 3).as_subclass(M)
        results = [
            x + 1, 1 + x, x - 1, 1 - x, x * 2, x / 2, 2 / x, x ** 2, 2 ** x, -x, abs(x),
            x @ x.t(), x == 1, x < 2, 1 < x, x[0], x[:, 1:], L.add(x, 1), x.add(1), x.sum(),
            x.sum(dim=0, keepdim=True), L.exp(x), x.float(), x.to(L.float64), x.view(3, 2),
            x.reshape(-1), x.contiguous(), x.detach(), x.clone(), x.T, x.mT, x.data,
            L.zeros_like(x), L.stack([x, x]), L.cat([x, x]), L.where(x > 0, x, 0.0),
            x.new_zeros(2), x.new_tensor([1.0]), L.nn.functional.relu(x),
            L.nn.functional.linear(x, L.ones(4, 3)), L.nn.Linear(3, 4)(x), x.softmax(-1),
            x.mean(0), x.chunk(2, 1)[0], L.split(x, 1)[0], x.sqrt(), x.unsqueeze(0),
        ]
        r = x.max(dim=1)
        pieces = x.unbind(0)
        y = L.zeros(2).as_subclass(M)
        same = y.add_(1) is y
        return ([type(t).__name__ for t in results], type(r).__name__, type(r.values).__name__,
                type(r[1]).__name__, [type(t).__name__ for t in pieces], same,
                [t.tolist() for t in results[:20]], type(x.tolist()).__name__,
                type(x.sum().item()).__name__, isinstance(x, L.Tensor))
    _both(run)


def test_func_passed_to_the_handler():
    def run(L):
        calls = []
        x = L.ones(2, 3).as_subclass(_logging_subclass(L, calls))
        T = L.Tensor
        checks = [
            (lambda: x.add(1), T.add), (lambda: L.add(x, 1), L.add), (lambda: x[0], T.__getitem__),
            (lambda: x.__setitem__(0, 3.0), T.__setitem__), (lambda: L.cat([x, x]), L.cat),
            (lambda: x ** 2, T.__pow__), (lambda: -x, T.__neg__),
            (lambda: L.nn.functional.relu(x), L.nn.functional.relu),
            (lambda: x.sum(dim=0), T.sum), (lambda: x.add_(1), T.add_),
            (lambda: x.size(), T.size), (lambda: x.dim(), T.dim),
        ]
        out = []
        for call, expected in checks:
            calls.clear()
            call()
            out.append((calls[0] is expected, len(calls)))
        calls.clear()
        x.shape, x.dtype, x.requires_grad
        out.append(len(calls))
        calls.clear()
        x + 1
        out.append(calls[0] is T.add)
        calls.clear()
        x @ x.t()
        out.append([f.__name__ for f in calls])
        return out
    _both(run)


def test_objects_that_are_not_tensors():
    def run(L):
        handled = {}

        class ScalarTensor:
            def __init__(self, n, value):
                self._n, self._value = n, value

            def tensor(self):
                return self._value * L.eye(self._n)

            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                if kwargs is None:
                    kwargs = {}
                if func not in handled:
                    return NotImplemented
                return handled[func](*args, **kwargs)

        handled[L.mean] = lambda inp: float(inp._value) / inp._n
        handled[L.add] = lambda a, b: ("add", type(a).__name__, type(b).__name__)
        s = ScalarTensor(5, 2)
        out = [L.mean(s), L.add(s, 1), L.add(L.ones(1), s)]
        with pytest.raises(TypeError) as info:
            L.sum(s)
        out.append(str(info.value).split(":")[0])
        with pytest.raises(TypeError):
            L.ones(2) + s
        return out
    _both(run)


def test_parameter_and_its_subclasses_opt_out():
    def run(L):
        p = L.nn.Parameter(L.ones(2))

        class P(L.nn.Parameter):
            pass
        return (type(p * 2).__name__, type(P(L.ones(1)) + 1).__name__,
                L.nn.Parameter.__torch_function__ is L._C._disabled_torch_function_impl,
                L.overrides.has_torch_function((p,)))
    _both(run)


def test_as_subclass_is_an_alias_in_the_graph():
    def run(L):
        class M(L.Tensor):
            pass
        a = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
        m = a.as_subclass(M)
        out = [type(m).__name__, m.grad_fn.name(), m.is_leaf, m.requires_grad,
               m.data_ptr() == a.data_ptr(), m._base is a]
        (m * m).sum().backward()
        out.append(a.grad.tolist())
        b = L.zeros(3)
        n = b.as_subclass(M)
        b.add_(1)
        out += [n.tolist(), n._version == b._version, n.grad_fn is None]
        for bad in (int, 3):
            with pytest.raises((TypeError, RuntimeError)) as info:
                b.as_subclass(bad)
            out.append((type(info.value).__name__, str(info.value)))
        return out
    _both(run)


def test_make_subclass():
    def run(L):
        class M(L.Tensor):
            pass
        a = L.ones(2, requires_grad=True)
        s = L.Tensor._make_subclass(M, a, False)
        t = L.Tensor._make_subclass(M, a * 2, True)
        return (type(s).__name__, s.requires_grad, s.grad_fn, s._base, s.is_leaf,
                s.data_ptr() == a.data_ptr(), type(t).__name__, t.requires_grad, t.is_leaf)
    _both(run)


def test_disable_torch_function():
    def run(L):
        class M(L.Tensor):
            pass
        m = L.ones(2).as_subclass(M)
        with L._C.DisableTorchFunction():
            inside = (type(m + 1).__name__, type(L.exp(m)).__name__,
                      L._C._is_torch_function_enabled())
        return inside, L._C._is_torch_function_enabled(), type(m + 1).__name__
    _both(run)


def test_torch_function_mode_sees_plain_calls_once():
    def run(L):
        seen = []

        class Recorder(L.overrides.TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                seen.append(func)
                return func(*args, **(kwargs or {}))

        a, b = L.ones(2), L.arange(2.0)
        with Recorder():
            c = L.add(a, b)
            d = a.mul(b)
            e = L.nn.functional.relu(c)
        names = [seen[0] is L.add, seen[1] is L.Tensor.mul, seen[2] is L.nn.functional.relu]
        n_inside = len(seen)
        L.add(a, b)
        return names, n_inside, len(seen), c.tolist(), d.tolist(), e.tolist()
    _both(run)


def test_more_derived_types_are_asked_first():
    def run(L):
        order = []

        class A(L.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                order.append(("A", sorted(t.__name__ for t in types)))
                return super().__torch_function__(func, types, args, kwargs)

        class B(A):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                order.append(("B", sorted(t.__name__ for t in types)))
                return NotImplemented

        a = L.ones(2).as_subclass(A)
        b = L.ones(2).as_subclass(B)
        # B declines; A's default implementation declines a type it is not a subclass of.
        with pytest.raises(TypeError) as info:
            L.add(a, b)
        order.append(str(info.value).replace("torsh", "torch"))
        r = L.add(a, a)
        return order, type(r).__name__, r.tolist()
    _both(run)


def test_overrides_helpers():
    def run(L):
        class M(L.Tensor):
            pass
        m, t = L.ones(1).as_subclass(M), L.ones(1)
        o = L.overrides
        out = [o.has_torch_function((m,)), o.has_torch_function((t,)),
               o.has_torch_function_unary(m), o.has_torch_function_variadic(t, m),
               o.is_tensor_like(m), o.is_tensor_like(t), o.is_tensor_like(3),
               o.resolve_name(L.add), o.resolve_name(L.Tensor.add),
               o.resolve_name(L.nn.functional.relu),
               L.add in o.get_overridable_functions()[L],
               o.get_testing_overrides()[L.add](1, 2),
               L.zeros in o.get_ignored_functions(),
               o.is_tensor_method_or_property(L.Tensor.add), o.is_tensor_method_or_property(L.add)]

        @o.wrap_torch_function(lambda x: (x,))
        def double(x):
            return x * 2

        class Handler:
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                return ("handled", func is double)
        out += [double(t).tolist(), double(Handler())]
        return out
    _both(run)


def test_subclass_repr():
    def run(L):
        class Named(L.Tensor):
            pass
        short = L.tensor([1.0, 2.0]).as_subclass(Named)
        grid = L.arange(12.0).reshape(3, 4).as_subclass(Named)
        graph = L.ones(2, requires_grad=True).as_subclass(Named) * 1
        return repr(short), repr(grid), str(grid), repr(graph), repr(L.nn.Parameter(L.ones(1)))
    _both(run)


def test_comparison_with_objects_that_are_not_tensors():
    def run(L):
        class M(L.Tensor):
            pass
        m = L.ones(2).as_subclass(M)
        return [m == None, m != None, m in [None], m is None]  # noqa: E711
    _both(run)


def test_parameter_of_a_subclass_instance():
    def run(L):
        class S(L.Tensor):
            pass
        s = L.ones(2).as_subclass(S)
        p = L.nn.Parameter(s)
        m = L.nn.Linear(2, 2)
        m.weight = L.nn.Parameter(L.ones(2, 2).as_subclass(S))
        return (type(p).__name__, p._is_param, isinstance(p, L.nn.Parameter), p.requires_grad,
                p.data_ptr() == s.data_ptr(), [type(x).__name__ for x in m.parameters()])
    _both(run)


def test_subclass_instances_survive_pickle_save_and_deepcopy():
    import copy
    import io
    import pickle

    def run(L):
        global _PickledSub  # pickle finds classes by their module-level name

        class _PickledSub(L.Tensor):
            # torch's deepcopy needs new_empty to keep the class
            def new_empty(self, *args, **kwargs):
                return super().new_empty(*args, **kwargs).as_subclass(_PickledSub)
        s = L.arange(3.0).as_subclass(_PickledSub)
        s.note = "n"
        out = []
        for c in (pickle.loads(pickle.dumps(s)), copy.deepcopy(s)):
            out.append((type(c).__name__, getattr(c, "note", None), c.tolist()))
        buf = io.BytesIO()
        L.save(s, buf)
        buf.seek(0)
        c = L.load(buf)
        out.append((type(c).__name__, getattr(c, "note", None), c.tolist()))
        return out
    _both(run)


def test_iteration_and_namespaces_keep_the_subclass():
    def run(L):
        class M(L.Tensor):
            pass
        x = L.arange(6.0).reshape(2, 3).as_subclass(M)
        return ([type(r).__name__ for r in x], type(L.linalg.norm(x)).__name__,
                type(L.linalg.matrix_norm(x)).__name__, type(L.fft.fft(x)).__name__,
                type(L.special.expit(x)).__name__)
    _both(run)


def test_modes_belong_to_their_thread():
    import threading

    def run(L):
        seen_by_main = []

        class Recorder(L.overrides.TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                seen_by_main.append(threading.current_thread().name)
                return func(*args, **(kwargs or {}))

        done = threading.Event()
        errors = []

        def worker():
            try:
                for _ in range(200):
                    L.add(L.ones(1), 1)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))
            done.set()

        with Recorder():
            t = threading.Thread(target=worker, name="worker")
            t.start()
            L.mul(L.ones(1), 2)
            t.join()
        return sorted(set(seen_by_main)), errors
    _both(run)


def test_wrapped_functions_keep_signatures_and_warning_locations():
    import inspect
    import warnings

    def run(L):
        F = L.nn.functional
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            F.mse_loss(L.ones(2, 1), L.ones(2))
        return (list(inspect.signature(F.relu).parameters),
                list(inspect.signature(F.cross_entropy).parameters),
                [w.filename == __file__ for w in caught], F.relu.__name__)
    _both(run)


def test_a_dying_subclass_instance_is_not_handed_out_again(tmp_path):
    # A subclass instance whose __dict__ holds an object that reaches the same TensorImpl while
    # the instance is being deallocated: torsh gives a new object (torch keeps the old one
    # alive); either way the interpreter must not crash.
    import subprocess
    import sys
    script = tmp_path / "dying.py"
    script.write_text(
        "import torsh as torch, gc\n"
        "class S(torch.Tensor): pass\n"
        "class D:\n"
        "    def __init__(self, v): self.v = v\n"
        "    def __del__(self): self.v._base.add_(1)\n"
        "s = torch.Tensor._make_subclass(S, torch.ones(3))\n"
        "v = s[1:]\n"
        "s.d = D(v); del v\n"
        "del s\n"
        "gc.collect(); print('survived')\n")
    import os
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(torsh.__file__)))
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "survived"

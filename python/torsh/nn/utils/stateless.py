"""torch.nn.utils.stateless.functional_call: calls a module with some of its parameters and
buffers (or any attribute, by dotted name) replaced by the given tensors, leaving the module as
it was afterwards.

As torch 1.13, the replacement happens at attribute lookup: each affected submodule gets, for the
call, a subclass of its class whose __getattribute__ / __setattr__ read and write the given
dict for the replaced names. So a parametrized weight can be replaced by its final value,
assignments such as ``self.foo = self.foo + 1`` inside forward land in the caller's dict, and
the module's own tensors are untouched."""
import contextlib
import warnings

__all__ = ["functional_call"]


def _swap_class(module, attr_to_path, values):
    cls = module.__class__

    def __getattribute__(self, name):
        if name in attr_to_path:
            return values[attr_to_path[name]]
        return cls.__getattribute__(self, name)

    def __setattr__(self, name, value):
        if name in attr_to_path:
            values[attr_to_path[name]] = value
        else:
            cls.__setattr__(self, name, value)

    module.__class__ = type(f"StatelessReplacer{cls.__name__}", (cls,),
                            {"__getattribute__": __getattribute__,
                             "__setattr__": __setattr__})
    return cls


@contextlib.contextmanager
def _reparametrize_module(module, parameters_and_buffers):
    swapped = []  # (submodule, its own class)
    replaced = {}  # id of an original tensor -> its replacement (tied weights check)
    try:
        for path, tensor in parameters_and_buffers.items():
            *prefix, name = path.split(".")
            owner = module
            for part in prefix:
                owner = getattr(owner, part)
            if hasattr(owner, name):
                old = getattr(owner, name)
                if id(old) not in replaced:
                    replaced[id(old)] = tensor
                elif replaced[id(old)] is not tensor:
                    warnings.warn("functional_call was passed multiple values for tied "
                                  "weights. This behavior is deprecated and will be an error "
                                  "in future versions")
            table = owner.__dict__.get("_attr_to_path")
            if table is None:
                table = {}
                object.__setattr__(owner, "_attr_to_path", table)
                swapped.append((owner, _swap_class(owner, table, parameters_and_buffers)))
            table[name] = path
        yield
    finally:
        for owner, cls in swapped:
            owner.__class__ = cls
            del owner.__dict__["_attr_to_path"]


def functional_call(module, parameters_and_buffers, args, kwargs=None):
    r"""Runs ``module(*args, **kwargs)`` (``module(args, **kwargs)`` when ``args`` is not a
    tuple) with the tensors in ``parameters_and_buffers`` (dotted names, as in
    ``named_parameters()``) standing in for the module's own."""
    if kwargs is None:
        kwargs = {}
    with _reparametrize_module(module, parameters_and_buffers):
        if isinstance(args, tuple):
            return module(*args, **kwargs)
        return module(args, **kwargs)

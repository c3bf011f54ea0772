"""In-place clamping with tensor bounds (torch's clamp_.Tensor, clamp_min_.Tensor,
clamp_max_.Tensor and clip_): the native methods take number bounds; these wrappers send tensor
bounds through torsh.clamp, writing the result into self (with autograd through an in-place
copy when a gradient is recorded). torsh.clamp_(t, ...) and friends call the methods."""
import torsh


def _clamp_into(self, lo, hi):
    shape = tuple(self.shape)
    for b in (lo, hi):
        if isinstance(b, torsh.Tensor):
            full = tuple(torsh.broadcast_shapes(shape, tuple(b.shape)))
            if full != shape:
                raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast "
                                   f"shape {list(full)}")
    bounds = [b for b in (lo, hi) if isinstance(b, torsh.Tensor)]
    if torsh.is_grad_enabled() and (self.requires_grad or any(b.requires_grad for b in bounds)):
        # clamp saves its input for backward: give it a copy, then write the result in place
        return self.copy_(torsh.clamp(self.clone(), lo, hi))
    torsh.clamp(self, lo, hi, out=self)
    return self


def _with_tensor_bounds(native, sides):
    """A method that runs native for number bounds and _clamp_into for tensor ones; sides names
    the bounds the method takes ("min", "max" or both)."""
    def method(self, *args, **kwargs):
        bound = dict(zip(sides, args))
        bound.update(kwargs)
        if any(isinstance(v, torsh.Tensor) for v in bound.values()):
            unknown = set(bound) - set(sides)
            if unknown or len(args) > len(sides):
                return native(self, *args, **kwargs)  # native's argument error
            return _clamp_into(self, bound.get("min"), bound.get("max"))
        return native(self, *args, **kwargs)
    method.__name__ = native.__name__
    method.__doc__ = native.__doc__
    return method


def install():
    T = torsh.Tensor
    for name, sides in (("clamp_", ("min", "max")), ("clip_", ("min", "max")),
                        ("clamp_min_", ("min",)), ("clamp_max_", ("max",))):
        setattr(T, name, _with_tensor_bounds(getattr(T, name), sides))

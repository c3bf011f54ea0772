"""torch.nn.utils.memory_format: change the memory layout of convolution weights only."""
import torsh

__all__ = ["convert_conv2d_weight_memory_format"]


def convert_conv2d_weight_memory_format(module, memory_format):
    """Gives the weight of every nn.Conv2d and nn.ConvTranspose2d in ``module`` (itself
    included, children searched recursively) the layout ``memory_format`` (for example
    torsh.channels_last), keeping its values and logical shape. Other layers are untouched,
    unlike module.to(memory_format=...), which converts every 4-D tensor. Returns ``module``."""
    if isinstance(module, (torsh.nn.Conv2d, torsh.nn.ConvTranspose2d)):
        w = module.weight.detach().clone().contiguous(memory_format=memory_format)
        # torch then calls resize_(same size, memory_format), which gives the weight the
        # format's canonical strides (also on size-1 dims, which contiguous() leaves alone).
        # torsh's resize_ keeps the strides for memory_format=contiguous_format, so the
        # canonical layout is taken from empty() instead.
        w = w.resize_(w.size(), memory_format=memory_format)
        canon = torsh.empty(w.shape, dtype=w.dtype, device=w.device,
                            memory_format=memory_format)
        if canon.stride() != w.stride():
            w = canon.copy_(w)
        module.weight.data = w
    for child in module.children():
        convert_conv2d_weight_memory_format(child, memory_format)
    return module

"""Parameters flattened into one vector and back, as torch.nn.utils."""
import torsh


def parameters_to_vector(parameters):
    """One 1-D tensor of every parameter's elements, in order (a graph-connected copy)."""
    return torsh.cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Sets each parameter's data to the next slice of vec, shaped like it."""
    if not isinstance(vec, torsh.Tensor):
        raise TypeError("expected torch.Tensor, but got: {}".format(type(vec).__name__))
    pointer = 0
    for param in parameters:
        n = param.numel()
        param.data = vec[pointer:pointer + n].view_as(param).data
        pointer += n

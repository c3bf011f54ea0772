"""Python front ends of the linear-algebra basics, as torch.functional's: tensordot (dims as an
int, a pair of lists or a tensor), einsum (operands as varargs or a list, or the sublist
format), chain_matmul (varargs) and cdist (compute_mode by name)."""
from torsh import _C


def tensordot(a, b, dims=2, out=None):
    """torch.tensordot: contracts dims of a with dims of b (the last `dims` of a with the first
    `dims` of b when dims is an int)."""
    if isinstance(dims, _C.Tensor):
        if dims.numel() > 1:
            dims = (dims[0].tolist(), dims[1].tolist())
        else:
            dims = int(dims.item())
    if isinstance(dims, (list, tuple)):
        dims_a, dims_b = dims  # ValueError for anything but a pair, as torch
    elif isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(-dims, 0)), list(range(dims))
    else:
        raise RuntimeError(f"tensordot expects dims to be int or Tuple[List[int], List[int]] "
                           f"or List[List[int]] containing two lists, but got dims={dims}")
    if out is None:
        return _C.tensordot(a, b, dims_a, dims_b)
    return _C.tensordot(a, b, dims_a, dims_b, out=out)


def _sublist_to_subscripts(sub):
    letters = []
    for s in sub:
        if s is Ellipsis:
            letters.append("...")
        elif isinstance(s, int) and 0 <= s < 52:
            letters.append(chr(ord("A") + s) if s < 26 else chr(ord("a") + s - 26))
        else:
            raise ValueError("einsum(): expected subscript to be within the range [0, 52), "
                             f"but got {s}")
    return "".join(letters)


def einsum(*args):
    """torch.einsum(equation, *operands), torch.einsum(equation, [operands]) or the sublist
    format einsum(op1, sublist1, op2, sublist2, ..., [sublist_out])."""
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    if isinstance(args[0], _C.Tensor):
        ops = list(args[0::2])
        subs = [_sublist_to_subscripts(s) for s in args[1::2]]
        out = None
        if len(args) % 2 == 1:
            ops, out = ops[:-1], _sublist_to_subscripts(args[-1])
        equation = ",".join(subs[:len(ops)]) + ("" if out is None else "->" + out)
        return _C.einsum(equation, ops)
    equation, operands = args[0], list(args[1:])
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = list(operands[0])
        if not operands:
            raise ValueError("einsum(): must specify the equation string and at least one "
                             "operand, or at least one operand and its subscripts list")
    return _C.einsum(equation, operands)


def chain_matmul(*matrices, out=None):
    """torch.chain_matmul: the product of the 2-D matrices in the cheapest order."""
    if out is None:
        return _C.chain_matmul(list(matrices))
    return _C.chain_matmul(list(matrices), out=out)


_CDIST_MODES = {"use_mm_for_euclid_dist_if_necessary": None, "use_mm_for_euclid_dist": 1,
                "donot_use_mm_for_euclid_dist": 2}


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """torch.cdist: the p-norm distance between each pair of rows of x1 and x2."""
    if not isinstance(compute_mode, str) or compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    return _C.cdist(x1, x2, p, _CDIST_MODES[compute_mode])

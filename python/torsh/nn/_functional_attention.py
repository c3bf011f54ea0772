"""torch.nn.functional.multi_head_attention_forward (torch 1.13) and
scaled_dot_product_attention (torch 2.x): the fused kernel where it applies, torsh ops otherwise."""
import math
import warnings

import torsh

__all__ = ["multi_head_attention_forward", "scaled_dot_product_attention"]

_INF = float("inf")


def _in_projection_packed(q, k, v, w, b=None):
    """q, k, v projected by the packed (3E, E) weight; one matmul when q, k, v are the same
    tensor (self-attention), two when only k and v are (encoder-decoder attention)."""
    E = q.size(-1)
    if k is v:
        if q is k:
            return torsh.linear(q, w, b).chunk(3, dim=-1)
        w_q, w_kv = w.split([E, E * 2])
        b_q, b_kv = (None, None) if b is None else b.split([E, E * 2])
        return (torsh.linear(q, w_q, b_q),) + tuple(torsh.linear(k, w_kv, b_kv).chunk(2, dim=-1))
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return torsh.linear(q, w_q, b_q), torsh.linear(k, w_k, b_k), torsh.linear(v, w_v, b_v)


def _in_projection(q, k, v, w_q, w_k, w_v, b_q=None, b_k=None, b_v=None):
    Eq, Ek, Ev = q.size(-1), k.size(-1), v.size(-1)
    assert w_q.shape == (Eq, Eq), \
        f"expecting query weights shape of {(Eq, Eq)}, but got {w_q.shape}"
    assert w_k.shape == (Eq, Ek), \
        f"expecting key weights shape of {(Eq, Ek)}, but got {w_k.shape}"
    assert w_v.shape == (Eq, Ev), \
        f"expecting value weights shape of {(Eq, Ev)}, but got {w_v.shape}"
    assert b_q is None or b_q.shape == (Eq,), \
        f"expecting query bias shape of {(Eq,)}, but got {b_q.shape}"
    assert b_k is None or b_k.shape == (Eq,), \
        f"expecting key bias shape of {(Eq,)}, but got {b_k.shape}"
    assert b_v is None or b_v.shape == (Eq,), \
        f"expecting value bias shape of {(Eq,)}, but got {b_v.shape}"
    return torsh.linear(q, w_q, b_q), torsh.linear(k, w_k, b_k), torsh.linear(v, w_v, b_v)


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """True for batched (L, N, E) inputs, False for unbatched (L, E); AssertionError on
    inconsistent ranks."""
    if query.dim() == 3:
        assert key.dim() == 3 and value.dim() == 3, \
            ("For batched (3-D) `query`, expected `key` and `value` to be 3-D"
             f" but found {key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None:
            assert key_padding_mask.dim() == 2, \
                ("For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D"
                 f" but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            assert attn_mask.dim() in (2, 3), \
                ("For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D"
                 f" but found {attn_mask.dim()}-D tensor instead")
        return True
    if query.dim() == 2:
        assert key.dim() == 2 and value.dim() == 2, \
            ("For unbatched (2-D) `query`, expected `key` and `value` to be 2-D"
             f" but found {key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None:
            assert key_padding_mask.dim() == 1, \
                ("For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D"
                 f" but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            assert attn_mask.dim() in (2, 3), \
                ("For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D"
                 f" but found {attn_mask.dim()}-D tensor instead")
            if attn_mask.dim() == 3:
                expected_shape = (num_heads, query.shape[0], key.shape[0])
                assert attn_mask.shape == expected_shape, \
                    f"Expected `attn_mask` shape to be {expected_shape} but got {attn_mask.shape}"
        return False
    raise AssertionError("query should be unbatched 2D or batched 3D tensor but received "
                         f"{query.dim()}-D query tensor")


def _check_kpm_dtype(key_padding_mask):
    if key_padding_mask is not None:
        if key_padding_mask.dtype != torsh.bool and not key_padding_mask.is_floating_point():
            raise AssertionError("only bool and floating types of key_padding_mask are supported")


def _prepare_attn_mask(attn_mask, tgt_len, src_len, bsz, num_heads):
    if attn_mask.dtype == torsh.uint8:
        warnings.warn("Byte tensor for attn_mask in nn.MultiheadAttention is deprecated. "
                      "Use bool tensor instead.")
        attn_mask = attn_mask.to(torsh.bool)
    else:
        assert attn_mask.is_floating_point() or attn_mask.dtype == torsh.bool, \
            f"Only float, byte, and bool types are supported for attn_mask, not {attn_mask.dtype}"
    if attn_mask.dim() == 2:
        correct_2d_size = (tgt_len, src_len)
        if attn_mask.shape != correct_2d_size:
            raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should "
                               f"be {correct_2d_size}.")
        return attn_mask.unsqueeze(0)
    if attn_mask.dim() == 3:
        correct_3d_size = (bsz * num_heads, tgt_len, src_len)
        if attn_mask.shape != correct_3d_size:
            raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should "
                               f"be {correct_3d_size}.")
        return attn_mask
    raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")


def _warn_mask_conversion():
    # what torch 1.13's fused inference kernels say when they booleanize a float mask
    warnings.warn("Converting mask without torch.bool dtype to bool; this will negatively "
                  "affect performance. Prefer to use a boolean mask directly.")


def _pad_last(mask):
    # one more key position, not masked (False / 0.)
    return torsh.nn.functional.pad(mask, (0, 1))


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
                                 dropout_p, out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights=True):
    r"""Multi-head attention of (L, N, E) query over (S, N, E_k) key / (S, N, E_v) value (or
    unbatched (L, E), (S, E)). Returns (attn_output (L, N, E), attn_weights (N, L, S), averaged
    over heads when ``average_attn_weights``, else (N, num_heads, L, S); None unless
    ``need_weights``)."""
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query = query.unsqueeze(1)
        key = key.unsqueeze(1)
        value = value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)

    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    _check_kpm_dtype(key_padding_mask)
    assert embed_dim == embed_dim_to_check, \
        f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}"
    head_dim = embed_dim // num_heads
    assert head_dim * num_heads == embed_dim, \
        f"embed_dim {embed_dim} not divisible by num_heads {num_heads}"
    if use_separate_proj_weight:
        assert key.shape[:2] == value.shape[:2], \
            f"key's sequence and batch dims {key.shape[:2]} do not match value's {value.shape[:2]}"
    else:
        assert key.shape == value.shape, \
            f"key shape {key.shape} does not match value shape {value.shape}"

    # input projections
    if not use_separate_proj_weight:
        assert in_proj_weight is not None, \
            "use_separate_proj_weight is False but in_proj_weight is None"
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    else:
        assert q_proj_weight is not None, \
            "use_separate_proj_weight is True but q_proj_weight is None"
        assert k_proj_weight is not None, \
            "use_separate_proj_weight is True but k_proj_weight is None"
        assert v_proj_weight is not None, \
            "use_separate_proj_weight is True but v_proj_weight is None"
        b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = _in_projection(query, key, value, q_proj_weight, k_proj_weight,
                                 v_proj_weight, b_q, b_k, b_v)

    if attn_mask is not None:
        attn_mask = _prepare_attn_mask(attn_mask, tgt_len, src_len, bsz, num_heads)

    # bias_k / bias_v: one more key and value position
    if bias_k is not None and bias_v is not None:
        assert static_k is None, "bias cannot be added to static key."
        assert static_v is None, "bias cannot be added to static value."
        k = torsh.cat([k, bias_k.repeat(1, bsz, 1)])
        v = torsh.cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    else:
        assert bias_k is None
        assert bias_v is None

    # heads into the batch dim: (N * num_heads, L, head_dim)
    q = q.contiguous().view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    if static_k is None:
        k = k.contiguous().view(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        assert static_k.size(0) == bsz * num_heads, \
            f"expecting static_k.size(0) of {bsz * num_heads}, but got {static_k.size(0)}"
        assert static_k.size(2) == head_dim, \
            f"expecting static_k.size(2) of {head_dim}, but got {static_k.size(2)}"
        k = static_k
    if static_v is None:
        v = v.contiguous().view(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        assert static_v.size(0) == bsz * num_heads, \
            f"expecting static_v.size(0) of {bsz * num_heads}, but got {static_v.size(0)}"
        assert static_v.size(2) == head_dim, \
            f"expecting static_v.size(2) of {head_dim}, but got {static_v.size(2)}"
        v = static_v

    if add_zero_attn:
        zero_attn_shape = (bsz * num_heads, 1, head_dim)
        k = torsh.cat([k, torsh.zeros(zero_attn_shape, dtype=k.dtype, device=k.device)], dim=1)
        v = torsh.cat([v, torsh.zeros(zero_attn_shape, dtype=v.dtype, device=v.device)], dim=1)
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)

    src_len = k.size(1)

    # key_padding_mask merged into attn_mask
    if key_padding_mask is not None:
        assert key_padding_mask.shape == (bsz, src_len), \
            ("expecting key_padding_mask shape of "
             f"{(bsz, src_len)}, but got {key_padding_mask.shape}")
        key_padding_mask = key_padding_mask.view(bsz, 1, 1, src_len).expand(
            -1, num_heads, -1, -1).reshape(bsz * num_heads, 1, src_len)
        if attn_mask is None:
            attn_mask = key_padding_mask
        elif attn_mask.dtype == torsh.bool:
            attn_mask = attn_mask.logical_or(key_padding_mask)
        else:
            attn_mask = attn_mask.masked_fill(key_padding_mask, float("-inf"))

    if not training:
        dropout_p = 0.0

    if not need_weights and dropout_p == 0.0 and _sdpa_fused(q, k, v, attn_mask, 0.0):
        # torch 2.x's path without weights: the fused attention (a bool mask keeps False)
        if attn_mask is not None and attn_mask.dtype == torsh.bool:
            attn_mask = attn_mask.logical_not()
        attn_output = torsh._C._scaled_dot_product_flash_attention_for_cpu(
            q, k, v, attn_mask=attn_mask)[0]
        attn_output = attn_output.transpose(0, 1).contiguous().view(tgt_len * bsz, embed_dim)
        attn_output = torsh.linear(attn_output, out_proj_weight, out_proj_bias)
        attn_output = attn_output.view(tgt_len, bsz, attn_output.size(1))
        return (attn_output if is_batched else attn_output.squeeze(1)), None

    # a boolean mask becomes an additive float mask
    if attn_mask is not None and attn_mask.dtype == torsh.bool:
        new_attn_mask = torsh.zeros_like(attn_mask, dtype=q.dtype)
        new_attn_mask.masked_fill_(attn_mask, float("-inf"))
        attn_mask = new_attn_mask

    # scaled dot-product attention
    E = q.shape[2]
    q_scaled = q / math.sqrt(E)
    if attn_mask is not None:
        attn_output_weights = torsh.baddbmm(attn_mask, q_scaled, k.transpose(-2, -1))
    else:
        attn_output_weights = torsh.bmm(q_scaled, k.transpose(-2, -1))
    attn_output_weights = torsh.softmax(attn_output_weights, dim=-1)
    if dropout_p > 0.0:
        attn_output_weights = torsh.nn.functional.dropout(attn_output_weights, p=dropout_p)

    attn_output = torsh.bmm(attn_output_weights, v)
    attn_output = attn_output.transpose(0, 1).contiguous().view(tgt_len * bsz, embed_dim)
    attn_output = torsh.linear(attn_output, out_proj_weight, out_proj_bias)
    attn_output = attn_output.view(tgt_len, bsz, attn_output.size(1))

    if need_weights:
        attn_output_weights = attn_output_weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            attn_output_weights = attn_output_weights.sum(dim=1) / num_heads
        if not is_batched:
            attn_output = attn_output.squeeze(1)
            attn_output_weights = attn_output_weights.squeeze(0)
        return attn_output, attn_output_weights
    if not is_batched:
        attn_output = attn_output.squeeze(1)
    return attn_output, None


# scaled_dot_product_attention

# Above this many score elements (batch * L * S) the forward runs over blocks of query rows.
_SDPA_BLOCK_ELEMENTS = 1 << 22


def _check_sdpa(query, key, value, attn_mask, is_causal):
    if not (query.dtype == key.dtype == value.dtype):
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: {} "
            "key.dtype: {} and value.dtype: {} instead.".format(query.dtype, key.dtype,
                                                               value.dtype))
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(
            "Expected query, key, and value to all be  at least 2 dimensional, but got "
            "query.dim: {} key.dim: {} and value.dim: {} instead.".format(
                query.dim(), key.dim(), value.dim()))
    if attn_mask is not None and attn_mask.dtype not in (torsh.bool, torsh.float32,
                                                         query.dtype):
        raise RuntimeError(
            "Expected attn_mask dtype to be bool or float or to match query dtype, but got "
            "attn_mask.dtype: {} and  query.dtype: {} instead.".format(attn_mask.dtype,
                                                                       query.dtype))
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set "
                           "when is_causal=True")


def _sdpa_block(q, key_t, value, mask, row0, causal, dropout_p):
    """softmax(q key^T + mask) value for the query rows row0 .. row0 + q.size(-2); q is
    already scaled."""
    scores = torsh.matmul(q, key_t)
    rows, cols = scores.size(-2), scores.size(-1)
    if causal:
        keep = torsh.ones((rows, cols), dtype=torsh.bool).tril(diagonal=row0)
        scores = torsh.where(keep, scores, -_INF)
    if mask is not None:
        if mask.dim() >= 2 and mask.size(-2) != 1:
            mask = mask.narrow(-2, row0, rows)
        if mask.dtype == torsh.bool:
            scores = torsh.where(mask, scores, -_INF)
        else:
            scores = (scores + mask).to(scores.dtype)
    attn = torsh.softmax(scores, -1)
    if dropout_p > 0.0:
        from torsh.nn.functional import dropout
        attn = dropout(attn, dropout_p, training=True)
    return torsh.matmul(attn, value)


def _sdpa_fused(query, key, value, attn_mask, dropout_p):
    """Whether the fused kernel computes this attention: float or double inputs of one rank
    with equal leading dims, no dropout, some keys and queries, and a mask (if any) that needs no
    gradient and broadcasts to the scores' shape."""
    if dropout_p != 0.0 or query.dtype not in (torsh.float32, torsh.float64):
        return False
    if key.dim() != query.dim() or value.dim() != query.dim():
        return False
    if query.shape[:-2] != key.shape[:-2] or query.shape[:-2] != value.shape[:-2]:
        return False
    if key.size(-2) != value.size(-2) or key.size(-1) != query.size(-1):
        return False
    if query.size(-2) == 0 or key.size(-2) == 0:
        return False
    if attn_mask is None:
        return True
    # a mask that needs its gradient, or that would broadcast the batch dims, takes the formula
    target = tuple(query.shape[:-1]) + (key.size(-2),)
    if attn_mask.requires_grad or attn_mask.dim() > len(target):
        return False
    try:
        return tuple(torsh.broadcast_shapes(tuple(attn_mask.shape), target)) == target
    except RuntimeError:
        return False


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, *, scale=None, enable_gqa=False):
    r"""softmax(query key^T * scale + mask) value over (..., L, E) queries, (..., S, E) keys
    and (..., S, Ev) values (torch 2.x). A bool ``attn_mask`` keeps the True positions, a float
    one is added; ``is_causal`` keeps key j <= query i; ``scale`` defaults to 1/sqrt(E);
    ``dropout_p`` applies dropout to the attention weights. Rows with every key masked out
    give NaN, as the softmax of the reference formula does.

    Float and double inputs without dropout go through the fused kernel
    (``_scaled_dot_product_flash_attention_for_cpu``): blocks of query rows, only each row's
    log-sum-exp kept for the backward, which recomputes the probabilities; no [L, S] matrix is
    kept. Other calls use the formula; when batch * L * S exceeds ``_SDPA_BLOCK_ELEMENTS`` it
    runs over blocks of query rows (with autograd on, each block's softmax is kept for the
    backward), and dropout then draws its masks block by block (a different random stream from
    the one-shot formula).
    """
    _check_sdpa(query, key, value, attn_mask, is_causal)
    if dropout_p > 1.0:
        raise RuntimeError("dropout probability has to be between 0 and 1, but got {}".format(
            dropout_p))
    if enable_gqa and key.dim() >= 3 and query.size(-3) != key.size(-3):
        if query.size(-3) % key.size(-3) != 0:
            raise RuntimeError("Number of heads in key and value must divide the number of "
                               "heads in query")
        groups = query.size(-3) // key.size(-3)
        key = torsh.repeat_interleave(key, groups, dim=-3)
        value = torsh.repeat_interleave(value, groups, dim=-3)
    if _sdpa_fused(query, key, value, attn_mask, dropout_p):
        return torsh._C._scaled_dot_product_flash_attention_for_cpu(
            query, key, value, 0.0, is_causal, attn_mask=attn_mask, scale=scale)[0]
    factor = 1.0 / math.sqrt(query.size(-1)) if scale is None else float(scale)
    q = query * factor
    key_t = key.transpose(-2, -1)
    length, source = query.size(-2), key.size(-2)
    batch = math.prod(query.shape[:-2])
    rows = length
    if batch * length * source > _SDPA_BLOCK_ELEMENTS:
        rows = max(1, _SDPA_BLOCK_ELEMENTS // max(1, batch * source))
    if rows >= length:
        return _sdpa_block(q, key_t, value, attn_mask, 0, is_causal, dropout_p)
    blocks = [_sdpa_block(q.narrow(-2, r, min(rows, length - r)), key_t, value, attn_mask, r,
                          is_causal, dropout_p) for r in range(0, length, rows)]
    return torsh.cat(blocks, dim=-2)

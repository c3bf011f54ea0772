"""torsh.nn.MultiheadAttention, F.multi_head_attention_forward and the Transformer modules
against torch 1.13: parameter names, state_dict keys, default initialisation under the same
seed, outputs, attention weights and gradients with every kind of mask, dropout under the same
seed, torch's inference-path behaviours and the argument checks."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import torsh
from nn_pairs import assert_close, build_pair, raises_like, to_torsh
from torsh.nn import functional as F

TOL = {torch.float64: dict(rtol=1e-10, atol=1e-12), torch.float32: dict(rtol=1e-4, atol=2e-5)}


def lib_dtype(lib, dtype):
    """The same dtype in lib (torch or torsh), by name."""
    return getattr(lib, str(dtype).split(".")[-1])


def assert_init_same(a, b):
    """Same names, order and values; float32 bit-identical, float64 within the last bit of
    torch's FMA-fused uniform_ (see the report)."""
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sb) == list(sa)
    assert [n for n, _ in b.named_parameters()] == [n for n, _ in a.named_parameters()]
    for k in sa:
        x, y = sa[k].numpy(), sb[k].numpy()
        assert x.shape == y.shape and str(sb[k].dtype) == str(sa[k].dtype), k
        if sa[k].dtype == torch.float32:
            assert np.array_equal(y, x), k
        else:
            np.testing.assert_allclose(y, x, rtol=0, atol=1e-15, err_msg=k)


def sync(a, b):
    b.load_state_dict({k: to_torsh(v) for k, v in a.state_dict().items()})


def leaf_pair(t):
    if not t.is_floating_point():
        return t, to_torsh(t)
    return t.detach().clone().requires_grad_(), to_torsh(t).requires_grad_()


def compare_run(a, b, args, kwargs, tol, grad=True):
    """Call a(*args, **kwargs) and b(...) on the same inputs (float inputs are leaves that
    require grad, identity between arguments kept), compare all outputs, backward a random
    cotangent, compare the gradients of the inputs and parameters."""
    pairs = {}

    def conv(t):
        if t is None or not isinstance(t, torch.Tensor):
            return t, t
        if id(t) not in pairs:
            pairs[id(t)] = leaf_pair(t)
        return pairs[id(t)]

    conv_args = [conv(t) for t in args]
    conv_kwargs = {k: conv(v) for k, v in kwargs.items()}
    ra = a(*[p[0] for p in conv_args], **{k: p[0] for k, p in conv_kwargs.items()})
    rb = b(*[p[1] for p in conv_args], **{k: p[1] for k, p in conv_kwargs.items()})
    outs_a = [ra] if isinstance(ra, torch.Tensor) else [t for t in ra if t is not None]
    outs_b = [rb] if isinstance(rb, torsh.Tensor) else [t for t in rb if t is not None]
    if not isinstance(ra, torch.Tensor):
        assert [t is None for t in ra] == [t is None for t in rb]
    assert len(outs_a) == len(outs_b)
    for ya, yb in zip(outs_a, outs_b):
        assert_close(yb, ya, **tol)
    if not grad:
        return ra, rb
    gen = torch.Generator().manual_seed(9)
    la, lb = 0, 0
    for ya, yb in zip(outs_a, outs_b):
        g = torch.randn(ya.shape, dtype=ya.dtype, generator=gen)
        la = la + (ya * g).sum()
        lb = lb + (yb * to_torsh(g)).sum()
    la.backward()
    lb.backward()
    for ta, tb in pairs.values():
        if ta.requires_grad:
            assert_close(tb.grad, ta.grad, **tol)
    for (n, pa), (_, pb) in zip(a.named_parameters(), b.named_parameters()):
        if pa.grad is None:
            assert pb.grad is None, n
        else:
            assert_close(pb.grad, pa.grad, **tol)
    return ra, rb


MHA_CONFIGS = [
    dict(),
    dict(bias=False),
    dict(add_bias_kv=True),
    dict(add_zero_attn=True),
    dict(add_bias_kv=True, add_zero_attn=True, kdim=5, vdim=3),
    dict(kdim=6, vdim=6, batch_first=True),
    dict(batch_first=True),
]


def mha_ids(c):
    return "-".join(f"{k}={v}" for k, v in c.items()) or "default"


@pytest.mark.parametrize("config", MHA_CONFIGS, ids=mha_ids)
def test_mha_init_state_dict_repr(config):
    for dtype in (torch.float32, torch.float64):
        a, b = build_pair(lambda lib, nn: nn.MultiheadAttention(
            8, 2, dtype=lib_dtype(lib, dtype), **config))
        assert_init_same(a, b)
        assert repr(b) == repr(a)
        for attr in ("embed_dim", "kdim", "vdim", "_qkv_same_embed_dim", "num_heads",
                     "dropout", "batch_first", "head_dim", "add_zero_attn"):
            assert getattr(b, attr) == getattr(a, attr), attr
        assert (b.bias_k is None) == (a.bias_k is None)


def mha_inputs(config, dtype, kind, batched=True):
    gen = torch.Generator().manual_seed(4)
    L, S, N = 4, 5, 3
    kdim, vdim = config.get("kdim", 8), config.get("vdim", 8)

    def rnd(n, e):
        shape = ((N, n, e) if config.get("batch_first") else (n, N, e)) if batched else (n, e)
        return torch.randn(shape, dtype=dtype, generator=gen)
    if kind == "self" and kdim == vdim == 8:
        q = rnd(L, 8)
        return q, q, q
    if kind == "kv" and kdim == vdim:
        q, k = rnd(L, 8), rnd(S, kdim)
        return q, k, k
    return rnd(L, 8), rnd(S, kdim), rnd(S, vdim)


def masks(kind, dtype, L, S, N, H, batched=True):
    gen = torch.Generator().manual_seed(6)
    kpm_bool = torch.zeros(N, S, dtype=torch.bool)
    kpm_bool[0, -1] = True
    kpm_bool[1, 1:3] = True
    if not batched:
        kpm_bool = kpm_bool[0]
    am_bool = torch.triu(torch.ones(L, S, dtype=torch.bool), diagonal=2)
    out = {}
    if "kpm_bool" in kind:
        out["key_padding_mask"] = kpm_bool
    if "kpm_float" in kind:
        out["key_padding_mask"] = torch.randn(kpm_bool.shape, dtype=dtype, generator=gen)
    if "am_bool" in kind:
        out["attn_mask"] = am_bool
    if "am_float" in kind:
        out["attn_mask"] = torch.randn(L, S, dtype=dtype, generator=gen)
    if "am3_bool" in kind:
        out["attn_mask"] = torch.rand((N if batched else 1) * H, L, S, generator=gen) > 0.7
    if "am3_float" in kind:
        out["attn_mask"] = torch.randn((N if batched else 1) * H, L, S, dtype=dtype,
                                       generator=gen)
    return out


MASK_KINDS = ["none", "kpm_bool", "kpm_float", "am_bool", "am_float", "am3_bool", "am3_float",
              "kpm_bool+am_bool", "kpm_bool+am_float", "kpm_bool+am3_float"]


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("mask_kind", MASK_KINDS)
@pytest.mark.parametrize("config", MHA_CONFIGS, ids=mha_ids)
def test_mha_forward_backward(config, mask_kind, dtype):
    a, b = build_pair(lambda lib, nn: nn.MultiheadAttention(
        8, 2, dtype=lib_dtype(lib, dtype), **config))
    sync(a, b)
    for kind in ("self", "kv", "separate"):
        q, k, v = mha_inputs(config, dtype, kind)
        S = k.shape[1] if config.get("batch_first") else k.shape[0]
        ms = masks(mask_kind, dtype, 4, S, 3, 2)
        if "key_padding_mask" in ms:
            ms["key_padding_mask"] = ms["key_padding_mask"][:, :S]
        compare_run(a, b, (q, k, v), ms, TOL[dtype])
        a.zero_grad()
        b.zero_grad()


@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("batched", [True, False])
def test_mha_weights_options_and_unbatched(need_weights, average, batched):
    a, b = build_pair(lambda lib, nn: nn.MultiheadAttention(8, 4, dtype=lib.float64,
                                                            add_bias_kv=True))
    sync(a, b)
    q, k, v = mha_inputs({}, torch.float64, "separate", batched=batched)
    ms = masks("kpm_bool+am3_float", torch.float64, 4, 5, 3, 4, batched=batched)
    ra, rb = compare_run(a, b, (q, k, v),
                         dict(ms, need_weights=need_weights, average_attn_weights=average),
                         TOL[torch.float64])
    assert (rb[1] is None) == (not need_weights)
    if need_weights:
        assert tuple(rb[1].shape) == tuple(ra[1].shape)


@pytest.mark.parametrize("p", [0.3, 0.6])
def test_mha_dropout_same_seed(p):
    a, b = build_pair(lambda lib, nn: nn.MultiheadAttention(8, 2, dropout=p, dtype=lib.float64))
    sync(a, b)
    q, k, v = mha_inputs({}, torch.float64, "self")
    torch.manual_seed(77)
    torsh.manual_seed(77)
    compare_run(a, b, (q, k, v), {}, TOL[torch.float64])
    a.eval()
    b.eval()
    compare_run(a, b, (q, k, v), {}, TOL[torch.float64])


@pytest.mark.parametrize("mask", ["kpm_bool", "kpm_float", "none"])
def test_mha_inference_path(mask):
    # eval, no grad, batch_first self-attention: torch 1.13 runs its fused kernel, which reads
    # a float key_padding_mask as a boolean one
    a, b = build_pair(lambda lib, nn: nn.MultiheadAttention(8, 2, batch_first=True).eval())
    q, _, _ = mha_inputs({"batch_first": True}, torch.float32, "self")
    ms = masks(mask, torch.float32, 4, 4, 3, 2)
    if "key_padding_mask" in ms:
        ms["key_padding_mask"] = ms["key_padding_mask"][:, :4]
    with torch.no_grad(), torsh.no_grad():
        for kw in (dict(), dict(need_weights=False), dict(average_attn_weights=False)):
            compare_run(a, b, (q, q, q), dict(ms, **kw), TOL[torch.float32], grad=False)
        # torch warns when its kernel converts the float mask; so does torsh
        with warnings.catch_warnings(record=True) as wa:
            warnings.simplefilter("always")
            a(q, q, q, **ms)
        qb = to_torsh(q)
        with warnings.catch_warnings(record=True) as wb:
            warnings.simplefilter("always")
            b(qb, qb, qb, **{k: to_torsh(v) for k, v in ms.items()})
        assert len(wb) == len(wa)
        for x, y in zip(wa, wb):
            assert str(x.message).startswith(str(y.message)) and x.category is y.category


def test_functional_mha_forward_with_static_kv():
    gen = torch.Generator().manual_seed(3)
    E, H, L, S, N = 8, 2, 3, 4, 2

    def r(*s):
        return torch.randn(*s, dtype=torch.float64, generator=gen)
    q, k, v = r(L, N, E), r(S, N, E), r(S, N, E)
    w_in, b_in, w_out, b_out = r(3 * E, E), r(3 * E), r(E, E), r(E)
    static_k, static_v = r(N * H, S + 1, E // H), r(N * H, S + 1, E // H)
    args = (E, H, w_in, b_in, None, None, False, 0.0, w_out, b_out)
    for kw in (dict(), dict(static_k=static_k, static_v=static_v),
               dict(use_separate_proj_weight=True, q_proj_weight=w_in[:E],
                    k_proj_weight=w_in[E:2 * E], v_proj_weight=w_in[2 * E:]),
               dict(training=False, need_weights=False)):
        ya, wa = TF.multi_head_attention_forward(q, k, v, *args, **kw)
        yb, wb = F.multi_head_attention_forward(
            to_torsh(q), to_torsh(k), to_torsh(v), *[to_torsh(t) if isinstance(t, torch.Tensor)
                                                     else t for t in args],
            **{n: to_torsh(t) if isinstance(t, torch.Tensor) else t for n, t in kw.items()})
        assert_close(yb, ya, **TOL[torch.float64])
        assert (wb is None) == (wa is None)
        if wa is not None:
            assert_close(wb, wa, **TOL[torch.float64])


def _mha_error_cases(lib):
    nn = lib.nn
    m = nn.MultiheadAttention(8, 2)
    x = lib.zeros(4, 3, 8)
    return [
        (lambda: nn.MultiheadAttention(8, 3), True),
        (lambda: m(x, x, x, key_padding_mask=lib.zeros(3, 4, dtype=lib.int64)), True),
        (lambda: m(x, x, x, attn_mask=lib.zeros(4, 5)), True),
        (lambda: m(x, x, x, attn_mask=lib.zeros(5, 4, 4)), True),
        (lambda: m(x, x, x, attn_mask=lib.zeros(1, 1, 4, 4)), True),
        (lambda: m(x, x, x, attn_mask=lib.zeros(4, 4, dtype=lib.int32)), True),
        (lambda: m(x, lib.zeros(4, 8), lib.zeros(4, 8)), True),
        (lambda: m(lib.zeros(4, 8), x, x), True),
        (lambda: m(lib.zeros(4, 3, 6), lib.zeros(4, 3, 6), lib.zeros(4, 3, 6)), True),
        (lambda: m(x, lib.zeros(5, 3, 8), lib.zeros(4, 3, 8)), True),
        (lambda: m(x, x, x, key_padding_mask=lib.zeros(3, 5, dtype=lib.bool)), True),
        (lambda: m(lib.zeros(2, 3, 4, 8), x, x), True),
    ]


def test_mha_errors_match_torch():
    for (fa, _), (fb, match) in zip(_mha_error_cases(torch), _mha_error_cases(torsh)):
        raises_like(fa, fb, match)


# Transformer layers

LAYER_CONFIGS = [
    dict(),
    dict(norm_first=True),
    dict(activation="gelu", batch_first=True),
    dict(activation=lambda x: x.tanh() * 2, layer_norm_eps=1e-3),
    dict(norm_first=True, batch_first=True, activation="relu"),
]


def layer_ids(c):
    return "-".join(f"{k}={'fn' if callable(v) else v}" for k, v in c.items()) or "default"


def seq(shape, batch_first, dtype, seed):
    gen = torch.Generator().manual_seed(seed)
    L, N, E = shape
    return torch.randn((N, L, E) if batch_first else (L, N, E), dtype=dtype, generator=gen)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("config", LAYER_CONFIGS, ids=layer_ids)
def test_encoder_layer(config, dtype):
    a, b = build_pair(lambda lib, nn: nn.TransformerEncoderLayer(
        8, 2, 16, dropout=0.0, dtype=lib_dtype(lib, dtype), **config))
    assert_init_same(a, b)
    assert repr(b) == repr(a)
    assert b.activation_relu_or_gelu == a.activation_relu_or_gelu
    sync(a, b)
    bf = config.get("batch_first", False)
    src = seq((5, 3, 8), bf, dtype, 1)
    kpm = torch.tensor([[False] * 5, [False] * 3 + [True] * 2, [False, True] * 2 + [False]])
    mask = torch.nn.Transformer.generate_square_subsequent_mask(5).to(dtype)
    for kw in (dict(), dict(src_mask=mask), dict(src_key_padding_mask=kpm),
               dict(src_mask=mask, src_key_padding_mask=kpm)):
        compare_run(a, b, (src,), kw, TOL[dtype])
        a.zero_grad()
        b.zero_grad()
    compare_run(a, b, (src[0] if bf else src[:, 0],), {}, TOL[dtype])   # unbatched


@pytest.mark.parametrize("act", ["GELU", "ReLU", "Tanh"])
def test_layers_with_module_activation(act):
    # an activation Module is a registered child ("activation") of both layers
    for cls in ("TransformerEncoderLayer", "TransformerDecoderLayer"):
        a, b = build_pair(lambda lib, nn: getattr(nn, cls)(8, 2, 16, 0.0,
                                                           getattr(nn, act)(),
                                                           dtype=lib.float64))
        assert repr(b) == repr(a)
        assert_init_same(a, b)
        assert [n for n, _ in b.named_modules()] == [n for n, _ in a.named_modules()]
        if cls == "TransformerEncoderLayer":
            assert b.activation_relu_or_gelu == a.activation_relu_or_gelu
        src = seq((5, 2, 8), False, torch.float64, 12)
        args = (src,) if cls == "TransformerEncoderLayer" else (src, src[:3] * 2)
        compare_run(a, b, args, {}, TOL[torch.float64])


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("config", LAYER_CONFIGS, ids=layer_ids)
def test_decoder_layer(config, dtype):
    a, b = build_pair(lambda lib, nn: nn.TransformerDecoderLayer(
        8, 2, 16, dropout=0.0, dtype=lib_dtype(lib, dtype), **config))
    assert_init_same(a, b)
    assert repr(b) == repr(a)
    sync(a, b)
    bf = config.get("batch_first", False)
    tgt, mem = seq((4, 3, 8), bf, dtype, 2), seq((6, 3, 8), bf, dtype, 3)
    tgt_mask = torch.nn.Transformer.generate_square_subsequent_mask(4).to(dtype)
    mem_kpm = torch.zeros(3, 6, dtype=torch.bool)
    mem_kpm[1, 4:] = True
    tgt_kpm = torch.zeros(3, 4, dtype=torch.bool)
    tgt_kpm[2, 3] = True
    mem_mask = torch.rand(4, 6, generator=torch.Generator().manual_seed(0)) > 0.8
    kws = (dict(), dict(tgt_mask=tgt_mask, memory_key_padding_mask=mem_kpm),
           dict(tgt_mask=tgt_mask, memory_mask=mem_mask, tgt_key_padding_mask=tgt_kpm,
                memory_key_padding_mask=mem_kpm))
    for kw in kws:
        compare_run(a, b, (tgt, mem), kw, TOL[dtype])
        a.zero_grad()
        b.zero_grad()


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("config", [dict(), dict(batch_first=True, norm_first=True),
                                    dict(activation="gelu")], ids=layer_ids)
def test_transformer(config, dtype):
    a, b = build_pair(lambda lib, nn: nn.Transformer(
        8, 2, 2, 2, 16, dropout=0.0, dtype=lib_dtype(lib, dtype), **config))
    assert_init_same(a, b)
    assert repr(b) == repr(a)
    assert (b.d_model, b.nhead, b.batch_first) == (a.d_model, a.nhead, a.batch_first)
    sync(a, b)
    bf = config.get("batch_first", False)
    src, tgt = seq((6, 2, 8), bf, dtype, 4), seq((5, 2, 8), bf, dtype, 5)
    src_kpm = torch.tensor([[False] * 6, [False] * 4 + [True] * 2])
    tgt_mask = torch.nn.Transformer.generate_square_subsequent_mask(5).to(dtype)
    compare_run(a, b, (src, tgt), dict(tgt_mask=tgt_mask, src_key_padding_mask=src_kpm,
                                       memory_key_padding_mask=src_kpm), TOL[dtype])


def test_generate_square_subsequent_mask():
    for n in (1, 4):
        assert_close(torsh.nn.Transformer.generate_square_subsequent_mask(n),
                     torch.nn.Transformer.generate_square_subsequent_mask(n), 0, 0)


def test_stacks_with_norm_and_custom_parts():
    def builder(lib, nn):
        enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, 0.0), 3,
                                    nn.LayerNorm(8))
        dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, 0.0), 2)
        return nn.Transformer(8, 2, dropout=0.0, custom_encoder=enc, custom_decoder=dec)
    a, b = build_pair(builder)
    assert_init_same(a, b)
    assert repr(b) == repr(a)
    src, tgt = seq((5, 2, 8), False, torch.float32, 6), seq((3, 2, 8), False, torch.float32, 7)
    compare_run(a, b, (src, tgt), {}, TOL[torch.float32])
    # the clones are independent copies
    enc = b.encoder
    assert enc.layers[0].linear1.weight is not enc.layers[1].linear1.weight
    assert enc.num_layers == 3 and b.decoder.num_layers == 2


def test_transformer_dropout_same_seed():
    a, b = build_pair(lambda lib, nn: nn.Transformer(8, 2, 1, 1, 16, dropout=0.25,
                                                     dtype=lib.float64))
    sync(a, b)
    src, tgt = seq((5, 2, 8), False, torch.float64, 8), seq((4, 2, 8), False, torch.float64, 9)
    torch.manual_seed(5)
    torsh.manual_seed(5)
    compare_run(a, b, (src, tgt), {}, TOL[torch.float64])


@pytest.mark.parametrize("mask_dtype", ["bool", "float"])
@pytest.mark.parametrize("left_aligned", [True, False])
def test_encoder_inference_path(mask_dtype, left_aligned):
    # eval + no grad + batch_first: torch 1.13 runs the layers on nested tensors (padded
    # positions zero, sequence cut to the longest) and reads float masks as boolean
    def builder(lib, nn):
        layer = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
        return nn.TransformerEncoder(layer, 2, nn.LayerNorm(8)).eval()
    a, b = build_pair(builder)
    src = seq((6, 3, 8), True, torch.float32, 10)
    kpm = torch.zeros(3, 6, dtype=torch.bool)
    kpm[0, 4:] = True
    kpm[1, 2:] = True
    kpm[2, 5:] = True
    if not left_aligned:
        kpm[2, 1] = True
    if mask_dtype == "float":
        kpm = kpm.float() * -3.0
    with torch.no_grad(), torsh.no_grad():
        ra, rb = compare_run(a, b, (src,), dict(src_key_padding_mask=kpm), TOL[torch.float32],
                             grad=False)
        lb = b.layers[0]
        compare_run(a.layers[0], lb, (src,), dict(src_key_padding_mask=kpm),
                    TOL[torch.float32], grad=False)
    # with grad the ordinary path runs in both
    compare_run(a, b, (src,), dict(src_key_padding_mask=kpm), TOL[torch.float32])


def _transformer_error_cases(lib):
    nn = lib.nn
    t = nn.Transformer(8, 2, 1, 1, 16)
    tb = nn.Transformer(8, 2, 1, 1, 16, batch_first=True)
    return [
        lambda: nn.TransformerEncoderLayer(8, 2, activation="tanh"),
        lambda: nn.TransformerDecoderLayer(8, 2, activation="sigmoid"),
        lambda: t(lib.zeros(4, 2, 8), lib.zeros(3, 3, 8)),
        lambda: tb(lib.zeros(2, 4, 8), lib.zeros(3, 3, 8)),
        lambda: t(lib.zeros(4, 2, 8), lib.zeros(3, 2, 6)),
        lambda: t.encoder(lib.zeros(4, 2, 8), src_key_padding_mask=lib.zeros(2, 4,
                                                                              dtype=lib.int64)),
        lambda: t.encoder.layers[0](lib.zeros(4, 2, 8),
                                    src_key_padding_mask=lib.zeros(2, 4, dtype=lib.int32)),
    ]


def test_transformer_errors_match_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for fa, fb in zip(_transformer_error_cases(torch), _transformer_error_cases(torsh)):
            raises_like(fa, fb)


def _signature(f):
    import inspect
    # a callable default (activation=F.relu) is compared by name
    return [(p.name, p.kind, p.default.__name__ if callable(p.default) else p.default)
            for p in inspect.signature(f).parameters.values()]


def test_signatures_match_torch():
    for n in ("MultiheadAttention", "Transformer", "TransformerEncoder", "TransformerDecoder",
              "TransformerEncoderLayer", "TransformerDecoderLayer"):
        for m in ("__init__", "forward"):
            assert _signature(getattr(getattr(torsh.nn, n), m)) == \
                _signature(getattr(getattr(torch.nn, n), m)), (n, m)
    assert _signature(F.multi_head_attention_forward) == \
        _signature(TF.multi_head_attention_forward)
    assert _signature(torsh.nn.Transformer.generate_square_subsequent_mask) == \
        _signature(torch.nn.Transformer.generate_square_subsequent_mask)

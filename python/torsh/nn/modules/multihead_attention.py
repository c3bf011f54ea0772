"""torch.nn.MultiheadAttention (torch.nn.modules.activation in torch) and the out-projection
class it uses (torch.nn.modules.linear.NonDynamicallyQuantizableLinear)."""
import torsh
from torsh.nn import _functional_attention
from torsh.nn._functional_attention import _warn_mask_conversion
from torsh.nn.init import constant_, xavier_normal_, xavier_uniform_
from torsh.nn.parameter import Parameter
from torsh.nn.modules.linear import Linear
from torsh.nn.modules.module import Module

__all__ = ["MultiheadAttention", "NonDynamicallyQuantizableLinear"]


class NonDynamicallyQuantizableLinear(Linear):
    r"""A Linear that torch's dynamic quantization leaves alone (MultiheadAttention.out_proj);
    otherwise Linear."""


class MultiheadAttention(Module):
    r"""Multi-head attention: softmax(Q K^T / sqrt(head_dim)) V per head, projections in and
    out.

    Args: embed_dim, num_heads, dropout=0., bias=True, add_bias_kv=False, add_zero_attn=False,
    kdim=None, vdim=None, batch_first=False, device=None, dtype=None.

    Parameters: in_proj_weight (3*embed_dim, embed_dim) when kdim == vdim == embed_dim, else
    q_proj_weight, k_proj_weight, v_proj_weight; in_proj_bias (3*embed_dim) with ``bias``;
    out_proj (Linear); bias_k, bias_v (1, 1, embed_dim) with ``add_bias_kv``.

    forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True) -> (attn_output, attn_weights or None).
    """

    __constants__ = ["batch_first"]

    def __init__(self, embed_dim, num_heads, dropout=0., bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=None):
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim

        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        assert self.head_dim * num_heads == self.embed_dim, \
            "embed_dim must be divisible by num_heads"

        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(torsh.empty((3 * embed_dim, embed_dim),
                                                        **factory_kwargs))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(torsh.empty((embed_dim, embed_dim), **factory_kwargs))
            self.k_proj_weight = Parameter(torsh.empty((embed_dim, self.kdim), **factory_kwargs))
            self.v_proj_weight = Parameter(torsh.empty((embed_dim, self.vdim), **factory_kwargs))
            self.register_parameter("in_proj_weight", None)

        if bias:
            self.in_proj_bias = Parameter(torsh.empty(3 * embed_dim, **factory_kwargs))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias,
                                                        **factory_kwargs)

        if add_bias_kv:
            self.bias_k = Parameter(torsh.empty((1, 1, embed_dim), **factory_kwargs))
            self.bias_v = Parameter(torsh.empty((1, 1, embed_dim), **factory_kwargs))
        else:
            self.bias_k = self.bias_v = None

        self.add_zero_attn = add_zero_attn

        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            xavier_uniform_(self.in_proj_weight)
        else:
            xavier_uniform_(self.q_proj_weight)
            xavier_uniform_(self.k_proj_weight)
            xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            constant_(self.in_proj_bias, 0.)
            constant_(self.out_proj.bias, 0.)
        if self.bias_k is not None:
            xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            xavier_normal_(self.bias_v)

    def __setstate__(self, state):
        # checkpoints from before kdim/vdim
        if "_qkv_same_embed_dim" not in state:
            state["_qkv_same_embed_dim"] = True
        super().__setstate__(state)

    def _fast_path(self, query, key, value, attn_mask):
        """Whether torch 1.13 would run this call through its fused inference kernel
        (torch._native_multi_head_attention)."""
        if query.dim() != 3 or query is not key or key is not value:
            return False
        if self.in_proj_bias is None or query.dtype != self.in_proj_bias.dtype:
            return False
        if self.in_proj_weight is None or query.dtype != self.in_proj_weight.dtype:
            return False
        if (self.training or not self.batch_first or self.bias_k is not None
                or self.bias_v is not None or self.dropout or self.add_zero_attn
                or attn_mask is not None or self.num_heads % 2 == 1):
            return False
        tensors = (query, self.in_proj_weight, self.in_proj_bias, self.out_proj.weight,
                   self.out_proj.bias)
        return not (torsh.is_grad_enabled()
                    and any(t is not None and t.requires_grad for t in tensors))

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True):
        is_batched = query.dim() == 3
        _functional_attention._check_kpm_dtype(key_padding_mask)
        if (key_padding_mask is not None and key_padding_mask.dtype != torsh.bool
                and self._fast_path(query, key, value, attn_mask)):
            # torch 1.13's fused inference kernel reads a float key_padding_mask as a boolean
            # one (nonzero = padding) instead of adding it.
            key_padding_mask = key_padding_mask != 0
            _warn_mask_conversion()

        if self.batch_first and is_batched:
            # to (L, N, E), keeping which of query / key / value are the same tensor
            if key is value:
                if query is key:
                    query = key = value = query.transpose(1, 0)
                else:
                    query, key = [x.transpose(1, 0) for x in (query, key)]
                    value = key
            else:
                query, key, value = [x.transpose(1, 0) for x in (query, key, value)]

        separate = not self._qkv_same_embed_dim
        attn_output, attn_output_weights = _functional_attention.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads,
            self.in_proj_weight, self.in_proj_bias,
            self.bias_k, self.bias_v, self.add_zero_attn,
            self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training,
            key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, use_separate_proj_weight=separate,
            q_proj_weight=self.q_proj_weight if separate else None,
            k_proj_weight=self.k_proj_weight if separate else None,
            v_proj_weight=self.v_proj_weight if separate else None,
            average_attn_weights=average_attn_weights)
        if self.batch_first and is_batched:
            return attn_output.transpose(1, 0), attn_output_weights
        return attn_output, attn_output_weights

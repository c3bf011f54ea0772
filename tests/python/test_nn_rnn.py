"""torsh.nn.RNN / LSTM / GRU, their cells and torsh.nn.utils.rnn against torch 1.13: parameter
names and order, default initialisation under the same seed, outputs, final states and
gradients (inputs, initial states, parameters), packed sequences, inter-layer dropout and the
argument checks."""
import copy
import warnings

import numpy as np
import pytest
import torch
import torch.nn.utils.rnn as TR

import torsh
from nn_pairs import assert_close, build_pair, raises_like, to_torsh
from torsh.nn.utils import rnn as R

TOL = {torch.float64: dict(rtol=1e-10, atol=1e-12), torch.float32: dict(rtol=2e-5, atol=2e-6)}
def lib_dtype(lib, dtype):
    """The same dtype in lib (torch or torsh), by name."""
    return getattr(lib, str(dtype).split(".")[-1])


def assert_init_same(a, b):
    """Same parameter names and order; values drawn as torch draws them. float32 must be
    bit-identical; float64 may differ by the last bit of uniform_ (see the report: torch's
    AVX2 uniform_ fuses x * (to - from) + from into one FMA, torsh's kernel does not)."""
    pa, pb = list(a.named_parameters()), list(b.named_parameters())
    assert [n for n, _ in pb] == [n for n, _ in pa]
    assert list(b.state_dict()) == list(a.state_dict())
    for (n, x), (_, y) in zip(pa, pb):
        assert tuple(y.shape) == tuple(x.shape), n
        assert str(y.dtype) == str(x.dtype), n
        if x.dtype == torch.float32:
            assert np.array_equal(y.detach().numpy(), x.detach().numpy()), n
        else:
            np.testing.assert_allclose(y.detach().numpy(), x.detach().numpy(), rtol=0,
                                       atol=1e-15, err_msg=n)


def sync(a, b):
    """torch's parameters loaded into the torsh module (through numpy)."""
    b.load_state_dict({k: to_torsh(v) for k, v in a.state_dict().items()})


def flat(out):
    """The tensors of a (nested) RNN result, PackedSequence data included."""
    if isinstance(out, (torch.Tensor, torsh.Tensor)):
        return [out]
    if isinstance(out, (TR.PackedSequence, R.PackedSequence)):
        return [out.data]
    return [t for o in out for t in flat(o)]


def backward_both(outs_a, outs_b, seed=1):
    gen = torch.Generator().manual_seed(seed)
    loss_a, loss_b = 0, 0
    for ya, yb in zip(outs_a, outs_b):
        g = torch.randn(ya.shape, dtype=ya.dtype, generator=gen)
        loss_a = loss_a + (ya * g).sum()
        loss_b = loss_b + (yb * to_torsh(g)).sum()
    loss_a.backward()
    loss_b.backward()


def compare_param_grads(a, b, tol):
    for (n, pa), (_, pb) in zip(a.named_parameters(), b.named_parameters()):
        if pa.grad is None:
            assert pb.grad is None, n
        else:
            assert pb.grad is not None, n
            assert_close(pb.grad, pa.grad, **tol)


def leaf_pair(t):
    return t.detach().clone().requires_grad_(), to_torsh(t).requires_grad_()


def make(name, dtype, **kw):
    def builder(lib, nn):
        if name == "RNN_relu":
            return nn.RNN(4, 6, nonlinearity="relu", dtype=lib_dtype(lib, dtype),
                          **kw)
        return getattr(nn, name)(4, 6, dtype=lib_dtype(lib, dtype), **kw)
    return builder


MODES = ["RNN", "RNN_relu", "LSTM", "GRU"]
CONFIGS = [
    dict(),
    dict(num_layers=2),
    dict(bidirectional=True),
    dict(num_layers=2, bidirectional=True, batch_first=True),
    dict(num_layers=3, bias=False),
    dict(num_layers=2, bidirectional=True, bias=False),
]


def run_module(a, b, x, hx, dtype):
    """Forward both on x (torch tensor) and hx (None, tensor or tuple), compare every output,
    backward a random cotangent, compare the gradients of x, hx and the parameters."""
    tol = TOL[dtype]
    xa, xb = leaf_pair(x)
    if hx is None:
        ha = hb = None
        leaves = []
    elif isinstance(hx, tuple):
        pairs = [leaf_pair(h) for h in hx]
        ha, hb = tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
        leaves = pairs
    else:
        ha, hb = leaf_pair(hx)
        leaves = [(ha, hb)]
    ra, rb = a(xa, ha), b(xb, hb)
    fa, fb = flat(ra), flat(rb)
    assert len(fa) == len(fb)
    for ya, yb in zip(fa, fb):
        assert_close(yb, ya, **tol)
    backward_both(fa, fb)
    assert_close(xb.grad, xa.grad, **tol)
    for la, lb in leaves:
        assert_close(lb.grad, la.grad, **tol)
    compare_param_grads(a, b, tol)
    return ra, rb


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("config", CONFIGS,
                         ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()) or "default")
@pytest.mark.parametrize("name", MODES)
def test_rnn_forward_backward(name, config, dtype):
    a, b = build_pair(make(name, dtype, **config))
    assert_init_same(a, b)
    assert repr(b) == repr(a)
    sync(a, b)
    D = 2 if config.get("bidirectional") else 1
    L = config.get("num_layers", 1)
    shape = (3, 5, 4) if config.get("batch_first") else (5, 3, 4)
    gen = torch.Generator().manual_seed(7)
    x = torch.randn(shape, dtype=dtype, generator=gen)
    h = torch.randn(L * D, 3, 6, dtype=dtype, generator=gen)
    hx = (h, torch.randn(L * D, 3, 6, dtype=dtype, generator=gen)) if name == "LSTM" else h
    run_module(a, b, x, hx, dtype)
    # h0 / (h0, c0) omitted: zeros
    run_module(a, b, x, None, dtype)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("config", [dict(), dict(num_layers=2, bidirectional=True),
                                    dict(bias=False, batch_first=True)])
def test_lstm_projections(config, dtype):
    def builder(lib, nn):
        return nn.LSTM(4, 6, proj_size=3, dtype=lib_dtype(lib, dtype), **config)
    a, b = build_pair(builder)
    assert_init_same(a, b)
    assert repr(b) == repr(a)
    assert [n for n, _ in b.named_parameters()] == [n for n, _ in a.named_parameters()]
    sync(a, b)
    D = 2 if config.get("bidirectional") else 1
    L = config.get("num_layers", 1)
    gen = torch.Generator().manual_seed(3)
    x = torch.randn((2, 5, 4) if config.get("batch_first") else (5, 2, 4), dtype=dtype,
                    generator=gen)
    hx = (torch.randn(L * D, 2, 3, dtype=dtype, generator=gen),
          torch.randn(L * D, 2, 6, dtype=dtype, generator=gen))
    (out_a, (h_a, c_a)), (out_b, (h_b, c_b)) = run_module(a, b, x, hx, dtype)
    assert tuple(out_b.shape) == tuple(out_a.shape) and tuple(h_b.shape) == (L * D, 2, 3)
    run_module(a, b, x, None, dtype)


@pytest.mark.parametrize("name", MODES)
@pytest.mark.parametrize("with_h0", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_unbatched_input(name, with_h0, batch_first):
    a, b = build_pair(make(name, torch.float64, num_layers=2, bidirectional=True,
                           batch_first=batch_first))
    sync(a, b)
    gen = torch.Generator().manual_seed(5)
    x = torch.randn(5, 4, dtype=torch.float64, generator=gen)
    hx = None
    if with_h0:
        h = torch.randn(4, 6, dtype=torch.float64, generator=gen)
        hx = (h, torch.randn(4, 6, dtype=torch.float64, generator=gen)) if name == "LSTM" else h
    ra, rb = run_module(a, b, x, hx, torch.float64)
    assert tuple(rb[0].shape) == tuple(ra[0].shape) == (5, 12)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("name", MODES + ["LSTM_proj"])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packed_sequence_through_rnn(name, enforce_sorted, dtype):
    kw = dict(num_layers=2, bidirectional=True)
    if name == "LSTM_proj":
        a, b = build_pair(lambda lib, nn: nn.LSTM(4, 6, proj_size=2, **kw,
                                                  dtype=lib_dtype(lib, dtype)))
    else:
        a, b = build_pair(make(name, dtype, **kw))
    sync(a, b)
    tol = TOL[dtype]
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    gen = torch.Generator().manual_seed(11)
    x = torch.randn(5, 4, 4, dtype=dtype, generator=gen)
    out_size = 2 if name == "LSTM_proj" else 6
    h = torch.randn(4, 4, out_size, dtype=dtype, generator=gen)
    xa, xb = leaf_pair(x)
    ha, hb = leaf_pair(h)
    pa = TR.pack_padded_sequence(xa, lengths, enforce_sorted=enforce_sorted)
    pb = R.pack_padded_sequence(xb, lengths, enforce_sorted=enforce_sorted)
    assert isinstance(pb, R.PackedSequence)
    assert pb.batch_sizes.tolist() == pa.batch_sizes.tolist()
    assert_close(pb.data, pa.data, 0, 0)
    if name.startswith("LSTM"):
        ca, cb = leaf_pair(torch.randn(4, 4, 6, dtype=dtype, generator=gen))
        out_a, hid_a = a(pa, (ha, ca))
        out_b, hid_b = b(pb, (hb, cb))
    else:
        out_a, hid_a = a(pa, ha)
        out_b, hid_b = b(pb, hb)
    assert isinstance(out_b, R.PackedSequence)
    assert out_b.batch_sizes.tolist() == out_a.batch_sizes.tolist()
    for ia, ib in ((out_a.sorted_indices, out_b.sorted_indices),
                   (out_a.unsorted_indices, out_b.unsorted_indices)):
        assert (ib is None) == (ia is None)
        if ia is not None:
            assert ib.tolist() == ia.tolist()
    padded_a, len_a = TR.pad_packed_sequence(out_a, batch_first=True, total_length=6)
    padded_b, len_b = R.pad_packed_sequence(out_b, batch_first=True, total_length=6)
    assert len_b.tolist() == len_a.tolist() == lengths
    outs_a, outs_b = [padded_a] + flat(hid_a), [padded_b] + flat(hid_b)
    for ya, yb in zip(outs_a, outs_b):
        assert_close(yb, ya, **tol)
    backward_both(outs_a, outs_b)
    assert_close(xb.grad, xa.grad, **tol)
    assert_close(hb.grad, ha.grad, **tol)
    if name.startswith("LSTM"):
        assert_close(cb.grad, ca.grad, **tol)
    compare_param_grads(a, b, tol)


@pytest.mark.parametrize("name", MODES)
@pytest.mark.parametrize("packed", [False, True])
def test_dropout_between_layers_same_seed(name, packed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, b = build_pair(make(name, torch.float64, num_layers=3, dropout=0.4,
                               bidirectional=True))
    sync(a, b)
    assert a.training and b.training
    gen = torch.Generator().manual_seed(2)
    x = torch.randn(4, 3, 4, dtype=torch.float64, generator=gen)
    xa, xb = leaf_pair(x)
    if packed:
        xa_in = TR.pack_padded_sequence(xa, [4, 2, 1])
        xb_in = R.pack_padded_sequence(xb, [4, 2, 1])
    else:
        xa_in, xb_in = xa, xb
    torch.manual_seed(123)
    ra = a(xa_in)
    torsh.manual_seed(123)
    rb = b(xb_in)
    fa, fb = flat(ra), flat(rb)
    for ya, yb in zip(fa, fb):
        assert_close(yb, ya, **TOL[torch.float64])
    backward_both(fa, fb)
    assert_close(xb.grad, xa.grad, **TOL[torch.float64])
    compare_param_grads(a, b, TOL[torch.float64])
    # eval: no dropout, deterministic
    a.eval()
    b.eval()
    with torch.no_grad(), torsh.no_grad():
        for ya, yb in zip(flat(a(xa_in)), flat(b(xb_in))):
            assert_close(yb, ya, **TOL[torch.float64])


CELLS = [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("RNNCell", {"bias": False}),
         ("LSTMCell", {}), ("LSTMCell", {"bias": False}), ("GRUCell", {}),
         ("GRUCell", {"bias": False})]


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("name,kw", CELLS)
def test_cells(name, kw, dtype):
    a, b = build_pair(lambda lib, nn: getattr(nn, name)(
        4, 5, dtype=lib_dtype(lib, dtype), **kw))
    assert_init_same(a, b)
    assert repr(b) == repr(a)
    sync(a, b)
    gen = torch.Generator().manual_seed(4)
    for batch in ((3,), ()):
        x = torch.randn(*batch, 4, dtype=dtype, generator=gen)
        h = torch.randn(*batch, 5, dtype=dtype, generator=gen)
        hx = (h, torch.randn(*batch, 5, dtype=dtype, generator=gen)) if name == "LSTMCell" else h
        run_module(a, b, x, hx, dtype)
        run_module(a, b, x, None, dtype)


def test_cell_steps_match_rnn_layer():
    # unrolling LSTMCell over time in torsh gives torch's nn.LSTM result
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 4).double()
    cell = torsh.nn.LSTMCell(3, 4).double()
    cell.load_state_dict({k[:-3]: to_torsh(v) for k, v in lstm.state_dict().items()})
    x = torch.randn(6, 2, 3, dtype=torch.float64)
    out, (h, c) = lstm(x)
    hb = cb = torsh.zeros(2, 4, dtype=torsh.float64)
    xb = to_torsh(x)
    for t in range(6):
        hb, cb = cell(xb[t], (hb, cb))
        assert_close(hb, out[t], **TOL[torch.float64])
    assert_close(cb, c[0], **TOL[torch.float64])


def test_flat_weights_and_module_api():
    a, b = build_pair(lambda lib, nn: nn.LSTM(3, 5, num_layers=2, bidirectional=True,
                                              proj_size=2))
    assert b._flat_weights_names == a._flat_weights_names
    assert b._all_weights == a._all_weights
    assert all(w is getattr(b, n) for w, n in zip(b._flat_weights, b._flat_weights_names))
    assert [[tuple(w.shape) for w in ws] for ws in b.all_weights] == \
        [[tuple(w.shape) for w in ws] for ws in a.all_weights]
    assert b.flatten_parameters() is None
    # reassigning a weight keeps _flat_weights in step and is used by forward
    new = torsh.nn.Parameter(torsh.zeros(20, 3))
    b.weight_ih_l0 = new
    assert b._flat_weights[0] is new
    # conversion refreshes _flat_weights
    b.double()
    assert all(w.dtype == torsh.float64 for w in b._flat_weights)
    assert all(w is getattr(b, n) for w, n in zip(b._flat_weights, b._flat_weights_names))
    c = copy.deepcopy(b)
    assert all(w is getattr(c, n) for w, n in zip(c._flat_weights, c._flat_weights_names))
    assert c._flat_weights[0] is not b._flat_weights[0]
    for attr in ("mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first",
                 "dropout", "bidirectional", "proj_size"):
        assert getattr(b, attr) == getattr(a, attr), attr
    gru_a, gru_b = build_pair(lambda lib, nn: nn.GRU(3, 4, 2, False, True, 0.25, True))
    assert repr(gru_b) == repr(gru_a)
    assert gru_b.dropout == gru_a.dropout and type(gru_b.dropout) is float
    assert [n for n, _ in gru_b.named_parameters()] == [n for n, _ in gru_a.named_parameters()]
    assert isinstance(torsh.nn.RNN(2, 3), torsh.nn.RNNBase)
    assert isinstance(torsh.nn.LSTMCell(2, 3), torsh.nn.RNNCellBase)


def test_constructor_errors_and_warning():
    cases = [
        lambda nn: nn.RNN(3, 4, nonlinearity="sigmoid"),
        lambda nn: nn.RNN(3, 4, proj_size=2),
        lambda nn: nn.GRU(3, 4, proj_size=2),
        lambda nn: nn.LSTM(3, 4, proj_size=4),
        lambda nn: nn.LSTM(3, 4, proj_size=-1),
        lambda nn: nn.LSTM(3, 4, dropout=1.5),
        lambda nn: nn.LSTM(3, 4, dropout=True),
        lambda nn: nn.GRU(3, 4, dropout="0.1"),
        lambda nn: nn.modules.rnn.RNNBase("FOO", 3, 4),
    ]
    for case in cases:
        raises_like(lambda: case(torch.nn), lambda: case(torsh.nn))
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        torsh.nn.LSTM(3, 4, dropout=0.5)


def _forward_error_cases(lib):
    nn = lib.nn
    lstm = nn.LSTM(3, 4, 2)
    gru = nn.GRU(3, 4, batch_first=True)
    rnn = nn.RNN(3, 4)
    x = lib.zeros(5, 2, 3)
    return [
        lambda: lstm(lib.zeros(5, 2, 7)),
        lambda: lstm(lib.zeros(3)),
        lambda: lstm(lib.zeros(2, 5, 2, 3)),
        lambda: lstm(x, (lib.zeros(2, 2, 4), lib.zeros(2, 3, 4))),
        lambda: lstm(x, (lib.zeros(1, 2, 4), lib.zeros(2, 2, 4))),
        lambda: lstm(x, (lib.zeros(2, 4), lib.zeros(2, 2, 4))),
        lambda: lstm(lib.zeros(5, 3), (lib.zeros(2, 1, 4), lib.zeros(2, 1, 4))),
        lambda: gru(x, lib.zeros(1, 2, 4)),
        lambda: gru(x, lib.zeros(2, 4)),
        lambda: gru(lib.zeros(5, 3), lib.zeros(1, 1, 4)),
        lambda: rnn(x, lib.zeros(1, 3, 4)),
        lambda: rnn(lib.zeros(0, 2, 3)),
    ]


def test_forward_errors_match_torch():
    for fa, fb in zip(_forward_error_cases(torch), _forward_error_cases(torsh)):
        raises_like(fa, fb)


def _cell_error_cases(lib):
    nn = lib.nn
    rnn, lstm, gru = nn.RNNCell(3, 4), nn.LSTMCell(3, 4), nn.GRUCell(3, 4)
    bad = nn.RNNCell(3, 4, nonlinearity="sigmoid")
    return [
        lambda: rnn(lib.zeros(2, 5)),
        lambda: rnn(lib.zeros(2, 3), lib.zeros(3, 4)),
        lambda: gru(lib.zeros(2, 3), lib.zeros(2, 6)),
        lambda: gru(lib.zeros(2, 2, 3)),
        lambda: lstm(lib.zeros(2, 3), (lib.zeros(2, 4), lib.zeros(2, 5))),
        lambda: lstm(lib.zeros(2, 3), (lib.zeros(1, 4), lib.zeros(2, 4))),
        lambda: lstm(lib.zeros(1, 1, 1, 3)),
        lambda: bad(lib.zeros(3)),
    ]


def test_cell_errors_match_torch():
    for fa, fb in zip(_cell_error_cases(torch), _cell_error_cases(torsh)):
        raises_like(fa, fb)


# torsh.nn.utils.rnn

def test_pad_sequence():
    gen = torch.Generator().manual_seed(0)
    seqs = [torch.randn(n, 2, 3, dtype=torch.float64, generator=gen) for n in (2, 5, 3)]
    for batch_first in (False, True):
        for padding_value in (0.0, -1.5):
            la = [s.detach().clone().requires_grad_() for s in seqs]
            lb = [to_torsh(s).requires_grad_() for s in seqs]
            ya = TR.pad_sequence(la, batch_first, padding_value)
            yb = R.pad_sequence(lb, batch_first, padding_value)
            assert_close(yb, ya, 0, 0)
            backward_both([ya], [yb])
            for sa, sb in zip(la, lb):
                assert_close(sb.grad, sa.grad, 0, 0)
    ints_a = [torch.tensor([1, 2, 3]), torch.tensor([4])]
    ints_b = [torsh.tensor([1, 2, 3]), torsh.tensor([4])]
    assert_close(R.pad_sequence(ints_b, True, 9), TR.pad_sequence(ints_a, True, 9), 0, 0)
    raises_like(lambda: TR.pad_sequence([]), lambda: R.pad_sequence([]))
    raises_like(lambda: TR.pad_sequence(3), lambda: R.pad_sequence(3))


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths", [[4, 4, 2, 1], [1, 4, 2, 3], [3, 3, 3, 3]])
def test_pack_pad_roundtrip_and_grad(lengths, batch_first):
    gen = torch.Generator().manual_seed(1)
    shape = (4, 4, 3) if batch_first else (4, 4, 3)
    x = torch.randn(*shape, 2, dtype=torch.float64, generator=gen)
    xa, xb = leaf_pair(x)
    enforce = lengths == sorted(lengths, reverse=True)
    lens_b = torsh.tensor(lengths) if enforce else lengths
    pa = TR.pack_padded_sequence(xa, torch.tensor(lengths), batch_first, enforce)
    pb = R.pack_padded_sequence(xb, lens_b, batch_first, enforce)
    assert_close(pb.data, pa.data, 0, 0)
    assert pb.batch_sizes.tolist() == pa.batch_sizes.tolist()
    assert pb.batch_sizes.dtype == torsh.int64
    for total in (None, 6):
        ya, la = TR.pad_packed_sequence(pa, batch_first, padding_value=-2.0, total_length=total)
        yb, lb = R.pad_packed_sequence(pb, batch_first, padding_value=-2.0, total_length=total)
        assert_close(yb, ya, 0, 0)
        assert lb.tolist() == la.tolist() and lb.dtype == torsh.int64
    backward_both([ya, pa.data], [yb, pb.data])
    assert_close(xb.grad, xa.grad, 0, 0)


def test_pack_sequence_unpack_and_permutations():
    gen = torch.Generator().manual_seed(2)
    seqs = [torch.randn(n, 3, generator=gen) for n in (2, 4, 1, 4)]
    sb = [to_torsh(s) for s in seqs]
    pa = TR.pack_sequence(seqs, enforce_sorted=False)
    pb = R.pack_sequence(sb, enforce_sorted=False)
    assert_close(pb.data, pa.data, 0, 0)
    assert pb.sorted_indices.tolist() == pa.sorted_indices.tolist()
    assert pb.unsorted_indices.tolist() == pa.unsorted_indices.tolist()
    for ua, ub in zip(TR.unpack_sequence(pa), R.unpack_sequence(pb)):
        assert_close(ub, ua, 0, 0)
    sorted_seqs = sorted(seqs, key=len, reverse=True)
    pa = TR.pack_sequence(sorted_seqs)
    pb = R.pack_sequence([to_torsh(s) for s in sorted_seqs])
    assert pb.sorted_indices is None and pb.unsorted_indices is None
    assert_close(pb.data, pa.data, 0, 0)
    perm = [2, 0, 3, 1]
    assert R.invert_permutation(torsh.tensor(perm)).tolist() == \
        TR.invert_permutation(torch.tensor(perm)).tolist()
    assert R.invert_permutation(None) is None
    # namedtuple behaviour and conversion
    data, batch_sizes, s_idx, u_idx = pb
    assert data is pb.data and batch_sizes is pb.batch_sizes
    pd = pb.double()
    assert pd.data.dtype == torsh.float64 and pd.batch_sizes is pb.batch_sizes
    assert pb.to(torsh.float32) is pb
    padded = TR.pad_sequence(seqs, batch_first=True)
    lens = torch.tensor([2, 4, 1, 4])
    for ua, ub in zip(TR.unpad_sequence(padded, lens, batch_first=True),
                      R.unpad_sequence(to_torsh(padded), torsh.tensor([2, 4, 1, 4]),
                                       batch_first=True)):
        assert_close(ub, ua, 0, 0)


def test_pack_errors_match_torch():
    def cases(lib, mod):
        x = lib.zeros(3, 2, 4)
        return [
            lambda: mod.pack_padded_sequence(x, [2, 3]),
            lambda: mod.pack_padded_sequence(x, [3, 0]),
            lambda: mod.pack_padded_sequence(x, [3, 2, 1]),
            lambda: mod.pack_padded_sequence(lib.zeros(3, 0, 4), []),
            lambda: mod.pack_padded_sequence(x, [[3, 2]]),
            lambda: mod.pad_packed_sequence(mod.pack_sequence([lib.zeros(3)]), total_length=2),
        ]
    for fa, fb in zip(cases(torch, TR), cases(torsh, R)):
        raises_like(fa, fb)


def _signature(f):
    import inspect
    return [(p.name, p.kind, p.default) for p in inspect.signature(f).parameters.values()]


def test_signatures_match_torch():
    for n in ("RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"):
        for m in ("__init__", "forward"):
            assert _signature(getattr(getattr(torsh.nn, n), m)) == \
                _signature(getattr(getattr(torch.nn, n), m)), (n, m)
    for n in TR.__all__:
        if n != "PackedSequence":
            assert _signature(getattr(R, n)) == _signature(getattr(TR, n)), n
    assert R.PackedSequence._fields == TR.PackedSequence._fields

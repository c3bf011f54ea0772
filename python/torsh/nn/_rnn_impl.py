"""The recurrences behind torch.nn.RNN / LSTM / GRU and their cells, composed from torsh ops
(linear, sigmoid, tanh, relu, chunk, cat, stack) so that autograd differentiates them.

Layout follows ATen's CPU implementation: each layer first projects its whole input with
(weight_ih, bias_ih), then steps through time adding the hidden projection; a bidirectional
layer concatenates its forward and reverse outputs on the feature dim; dropout (the same
Bernoulli draw as torch.dropout) is applied to every layer's output but the last's when
training. A packed sequence is processed step by step with the batch shrinking (forward) or
growing (reverse) as ``batch_sizes`` says.
"""
import torsh

__all__ = ["rnn_forward", "rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell"]


def _simple_step(nonlinearity):
    def step(gi, h, w_hh, b_hh, w_hr):
        return nonlinearity(torsh.linear(h, w_hh, b_hh) + gi)
    return step


def _lstm_step(gi, state, w_hh, b_hh, w_hr):
    h, c = state
    hg = torsh.linear(h, w_hh, b_hh)
    if gi.dtype in (torsh.float32, torsh.float64) and hg.dtype == gi.dtype == c.dtype:
        # the fused step (the same activations as below, one kernel each way)
        hy, cy, _ = torsh._C._thnn_fused_lstm_cell(gi, hg, c)
        if w_hr is not None:
            hy = torsh.matmul(hy, w_hr.t())
        return hy, cy
    gates = hg + gi
    ingate, forgetgate, cellgate, outgate = gates.chunk(4, -1)
    ingate = torsh.sigmoid(ingate)
    forgetgate = torsh.sigmoid(forgetgate)
    cellgate = torsh.tanh(cellgate)
    outgate = torsh.sigmoid(outgate)
    cy = forgetgate * c + ingate * cellgate
    hy = outgate * torsh.tanh(cy)
    if w_hr is not None:
        hy = torsh.matmul(hy, w_hr.t())
    return hy, cy


def _gru_step(gi, h, w_hh, b_hh, w_hr):
    gh = torsh.linear(h, w_hh, b_hh)
    i_r, i_z, i_n = gi.chunk(3, -1)
    h_r, h_z, h_n = gh.chunk(3, -1)
    resetgate = torsh.sigmoid(h_r + i_r)
    inputgate = torsh.sigmoid(h_z + i_z)
    newgate = torsh.tanh(i_n + h_n * resetgate)
    return (h - newgate) * inputgate + newgate


_STEPS = {
    "RNN_TANH": _simple_step(torsh.tanh),
    "RNN_RELU": _simple_step(torsh.relu),
    "LSTM": _lstm_step,
    "GRU": _gru_step,
}


def _rows(state, n, is_lstm):
    if is_lstm:
        return state[0][:n], state[1][:n]
    return state[:n]


def _merge(new, state, n, is_lstm):
    # The first n rows are updated; the others keep their state (sequences that have ended,
    # or, going backwards, that have not started yet).
    if is_lstm:
        return (torsh.cat([new[0], state[0][n:]], 0), torsh.cat([new[1], state[1][n:]], 0))
    return torsh.cat([new, state[n:]], 0)


def _run_direction(mode, gi_steps, state, w_hh, b_hh, w_hr, reverse):
    """Runs one direction of one layer. gi_steps: the input projection of each time step
    (batch_t, gates), in time order. Returns the per-step outputs (time order) and the final
    state."""
    step = _STEPS[mode]
    is_lstm = mode == "LSTM"
    n_steps = len(gi_steps)
    outputs = [None] * n_steps
    order = range(n_steps - 1, -1, -1) if reverse else range(n_steps)
    for t in order:
        gi = gi_steps[t]
        n = gi.size(0)
        full = (state[0] if is_lstm else state).size(0)
        if n == full:
            state = step(gi, state, w_hh, b_hh, w_hr)
            outputs[t] = state[0] if is_lstm else state
        else:
            new = step(gi, _rows(state, n, is_lstm), w_hh, b_hh, w_hr)
            outputs[t] = new[0] if is_lstm else new
            state = _merge(new, state, n, is_lstm)
    return outputs, state


def _fused_layer(layer_input, state, w_hh):
    dtype = layer_input.dtype
    return dtype in (torsh.float32, torsh.float64) and all(
        t.dtype == dtype for t in (state[0], state[1], w_hh))


def rnn_forward(mode, input, batch_sizes, hx, weights, has_biases, num_layers, dropout, train,
                bidirectional, batch_first, has_projections=False):
    """The multi-layer recurrence (ATen's rnn_tanh / rnn_relu / lstm / gru).

    input: (T, B, I) ((B, T, I) with batch_first), or the (N, I) data of a packed sequence
    when ``batch_sizes`` (a list of ints) is given. hx: (L*D, B, H) tensor, or (h0, c0) for
    LSTM. weights: the module's flat weight list. Returns (output, h_n) or, for LSTM,
    (output, h_n, c_n).
    """
    is_lstm = mode == "LSTM"
    packed = batch_sizes is not None
    num_directions = 2 if bidirectional else 1
    per_group = 2 + (2 if has_biases else 0) + (1 if has_projections else 0)
    if not packed:
        if batch_first:
            input = input.transpose(0, 1)
        if input.size(0) == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
    if is_lstm:
        h0, c0 = hx
    layer_input = input
    final_h, final_c = [], []
    for layer in range(num_layers):
        dir_outputs = []
        for direction in range(num_directions):
            idx = layer * num_directions + direction
            group = weights[idx * per_group:(idx + 1) * per_group]
            w_ih, w_hh = group[0], group[1]
            b_ih, b_hh = (group[2], group[3]) if has_biases else (None, None)
            w_hr = group[-1] if has_projections else None
            state = (h0[idx], c0[idx]) if is_lstm else hx[idx]
            if is_lstm and not packed and w_hr is None and _fused_layer(layer_input, state,
                                                                        w_hh):
                # the whole direction in one op: one GEMM for w_hh's gradient over all steps;
                # both biases go into the input projection (the op saves no bias)
                bias = None if b_ih is None else b_ih + b_hh
                gi = torsh.linear(layer_input, w_ih, bias)
                out, h_last, c_last, _, _ = torsh._C._lstm_layer(gi, state[0], state[1], w_hh,
                                                                 None, direction == 1)
                dir_outputs.append(out)
                final_h.append(h_last)
                final_c.append(c_last)
                continue
            gi = torsh.linear(layer_input, w_ih, b_ih)
            gi_steps = gi.split(batch_sizes, 0) if packed else gi.unbind(0)
            outputs, state = _run_direction(mode, gi_steps, state, w_hh, b_hh, w_hr,
                                            reverse=direction == 1)
            dir_outputs.append(torsh.cat(outputs, 0) if packed else torsh.stack(outputs, 0))
            if is_lstm:
                final_h.append(state[0])
                final_c.append(state[1])
            else:
                final_h.append(state)
        layer_output = dir_outputs[0] if num_directions == 1 else torsh.cat(dir_outputs, -1)
        if dropout != 0 and train and layer < num_layers - 1:
            layer_output = torsh.dropout(layer_output, dropout, True)
        layer_input = layer_output
    output = layer_input
    if not packed and batch_first:
        output = output.transpose(0, 1)
    h_n = torsh.stack(final_h, 0)
    if is_lstm:
        return output, h_n, torsh.stack(final_c, 0)
    return output, h_n


# Single cells (ATen's rnn_tanh_cell, rnn_relu_cell, lstm_cell, gru_cell): argument checks,
# then one step with the input projected here.

def _check_cell_input(input, input_size):
    if input.size(1) != input_size:
        raise RuntimeError("input has inconsistent input_size: got {} expected {}".format(
            input.size(1), input_size))


def _check_cell_hidden(input, hx, hidden_size, label):
    if input.size(0) != hx.size(0):
        raise RuntimeError("Input batch size {} doesn't match hidden{} batch size {}".format(
            input.size(0), label, hx.size(0)))
    if hx.size(1) != hidden_size:
        raise RuntimeError("hidden{} has inconsistent hidden_size: got {}, expected {}".format(
            label, hx.size(1), hidden_size))


def _cell(mode, input, hx, w_ih, w_hh, b_ih, b_hh):
    return _STEPS[mode](torsh.linear(input, w_ih, b_ih), hx, w_hh, b_hh, None)


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    _check_cell_input(input, w_ih.size(1))
    _check_cell_hidden(input, hx, w_hh.size(1), 0)
    return _cell("RNN_TANH", input, hx, w_ih, w_hh, b_ih, b_hh)


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    _check_cell_input(input, w_ih.size(1))
    _check_cell_hidden(input, hx, w_hh.size(1), 0)
    return _cell("RNN_RELU", input, hx, w_ih, w_hh, b_ih, b_hh)


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    if len(hx) != 2:
        raise RuntimeError("lstm_cell expects two hidden states")
    _check_cell_input(input, w_ih.size(1))
    hidden_size = w_hh.size(1)
    _check_cell_hidden(input, hx[0], hidden_size, 0)
    _check_cell_hidden(input, hx[1], hidden_size, 0)
    return _cell("LSTM", input, tuple(hx), w_ih, w_hh, b_ih, b_hh)


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    _check_cell_input(input, w_ih.size(1))
    _check_cell_hidden(input, hx, w_hh.size(1), 0)
    return _cell("GRU", input, hx, w_ih, w_hh, b_ih, b_hh)

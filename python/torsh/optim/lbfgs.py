"""torch.optim.LBFGS (torch 1.13 semantics): limited-memory BFGS over all parameters flattened
into one vector, with a fixed step or a strong-Wolfe line search (cubic interpolation and
zoom, after minFunc / torch/optim's lswolfe.lua).

The scalars the algorithm keeps (directional derivatives, curvature products, often the step
`t`) are 0-dim tensors of the parameters' dtype, mixed with Python floats exactly where torch
mixes them, so float32 runs round as torch's do and the state_dict holds the same types."""
import math
from functools import reduce

import torsh
from torsh import Tensor
from torsh.optim.optimizer import Optimizer, _is_sparse

__all__ = ["LBFGS"]


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimizer of the cubic through two points with values f and slopes g, clamped to
    `bounds` (default: the interval between the points); the interval's midpoint when the
    cubic has no real minimizer."""
    if bounds is not None:
        low, high = bounds
    else:
        low, high = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    disc = d1 ** 2 - g1 * g2
    if not disc >= 0:  # also the NaN case
        return (low + high) / 2.
    d2 = disc.sqrt() if isinstance(disc, Tensor) else math.sqrt(disc)
    # measured from the farther point, so the formula is the same either way round
    if x1 <= x2:
        argmin = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        argmin = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(argmin, low), high)


class _Point:
    """A trial step of the line search: step length, loss, flat gradient, directional
    derivative."""
    __slots__ = ("t", "f", "g", "gtd")

    def __init__(self, t, f, g, gtd=None):
        self.t, self.f, self.g, self.gtd = t, f, g, gtd


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9,
                  max_ls=25):
    """Line search along `d` from the parameters `x` (loss f, gradient g, slope gtd) for a
    step satisfying the strong Wolfe conditions. Returns (loss, flat gradient, step, number of
    evaluations)."""
    d_norm = d.abs().max()
    g = g.clone()
    f_new, g_new = obj_func(x, t, d)
    evals = 1
    gtd_new = g_new.dot(d)

    # bracketing: grow the step until an interval is known to hold an acceptable point
    prev = _Point(0, f, g, gtd)
    done = False
    ls_iter = 0
    bracket = None
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= prev.f):
            bracket = [prev, _Point(t, f_new, g_new.clone(), gtd_new)]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket = [_Point(t, f_new, g_new)]
            done = True
            break
        if gtd_new >= 0:
            bracket = [prev, _Point(t, f_new, g_new.clone(), gtd_new)]
            break
        # extrapolate, at least 1% beyond t and at most 10x
        t_next = _cubic_interpolate(prev.t, prev.f, prev.gtd, t, f_new, gtd_new,
                                    bounds=(t + 0.01 * (t - prev.t), t * 10))
        prev = _Point(t, f_new, g_new.clone(), gtd_new)
        t = t_next
        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket = [_Point(0, f, g), _Point(t, f_new, g_new)]

    # zoom: shrink the bracket until its low end satisfies the conditions
    insufficient_progress = False
    low, high = (0, 1) if bracket[0].f <= bracket[-1].f else (1, 0)
    while not done and ls_iter < max_ls:
        a, b = bracket
        if abs(b.t - a.t) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(a.t, a.f, a.gtd, b.t, b.f, b.gtd)
        top, bottom = max(a.t, b.t), min(a.t, b.t)
        eps = 0.1 * (top - bottom)
        # a trial too close to an end twice in a row (or outside) moves 10% inside
        if min(top - t, t - bottom) < eps:
            if insufficient_progress or t >= top or t <= bottom:
                t = top - eps if abs(t - top) < abs(t - bottom) else bottom + eps
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False

        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        trial = _Point(t, f_new, g_new.clone(), gtd_new)
        if f_new > (f + c1 * t * gtd) or f_new >= bracket[low].f:
            bracket[high] = trial
            low, high = (0, 1) if bracket[0].f <= bracket[1].f else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high].t - bracket[low].t) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = trial

    best = bracket[low]
    return best.f, best.g, best.t, evals


class LBFGS(Optimizer):
    """Implements the L-BFGS algorithm, heavily inspired by `minFunc
    <https://www.cs.ubc.ca/~schmidtm/Software/minFunc.html>`_.

    Only one parameter group is supported, all parameters on one device. Memory:
    ``param_bytes * (history_size + 1)`` more.

    Args:
        params (iterable): parameters to optimize
        lr (float): learning rate (default: 1)
        max_iter (int): maximal number of iterations per optimization step (default: 20)
        max_eval (int): maximal number of function evaluations per optimization step
            (default: max_iter * 1.25)
        tolerance_grad (float): termination tolerance on first order optimality (default: 1e-7)
        tolerance_change (float): termination tolerance on function value/parameter changes
            (default: 1e-9)
        history_size (int): update history size (default: 100)
        line_search_fn (str): either 'strong_wolfe' or None (default: None)
    """

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7,
                 tolerance_change=1e-9, history_size=100, line_search_fn=None):
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                        tolerance_grad=tolerance_grad, tolerance_change=tolerance_change,
                        history_size=history_size, line_search_fn=line_search_fn)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]
        self._numel_cache = None

    def _numel(self):
        if self._numel_cache is None:
            self._numel_cache = reduce(lambda total, p: total + p.numel(), self._params, 0)
        return self._numel_cache

    def _gather_flat_grad(self):
        """All gradients as one vector (zeros for parameters without a gradient)."""
        pieces = []
        for p in self._params:
            if p.grad is None:
                pieces.append(p.new_zeros(p.numel()))
            elif _is_sparse(p.grad):
                pieces.append(p.grad.to_dense().view(-1))
            else:
                pieces.append(p.grad.view(-1))
        return torsh.cat(pieces, 0)

    def _add_grad(self, step_size, update):
        """params += step_size * update, `update` being a flat vector."""
        offset = 0
        for p in self._params:
            n = p.numel()
            p.add_(update[offset:offset + n].view_as(p), alpha=step_size)
            offset += n
        assert offset == self._numel()

    def _clone_param(self):
        return [p.clone() for p in self._params]

    def _set_param(self, params_data):
        for p, data in zip(self._params, params_data):
            p.copy_(data)

    def _directional_evaluate(self, closure, x, t, d):
        """Loss and flat gradient at x + t * d (the parameters are restored to x after)."""
        self._add_grad(t, d)
        loss = float(closure())
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    @staticmethod
    def _two_loop(state, flat_grad, old_dirs, old_stps, ro, H_diag, history_size):
        """The L-BFGS direction -H * grad from the stored curvature pairs (the two-loop
        recursion, with one buffer)."""
        if "al" not in state:
            state["al"] = [None] * history_size
        al = state["al"]
        count = len(old_dirs)
        q = flat_grad.neg()
        for i in reversed(range(count)):
            al[i] = old_stps[i].dot(q) * ro[i]
            q.add_(old_dirs[i], alpha=-al[i])
        r = torsh.mul(q, H_diag)
        for i in range(count):
            be_i = old_dirs[i].dot(r) * ro[i]
            r.add_(old_stps[i], alpha=al[i] - be_i)
        return r

    @torsh.no_grad()
    def step(self, closure):
        """Performs a single optimization step (up to max_iter L-BFGS iterations).

        Args:
            closure (Callable): a closure that reevaluates the model and returns the loss;
                it is always run with grad enabled.
        """
        assert len(self.param_groups) == 1
        closure = torsh.enable_grad()(closure)
        group = self.param_groups[0]
        lr = group["lr"]
        max_iter = group["max_iter"]
        max_eval = group["max_eval"]
        tolerance_grad = group["tolerance_grad"]
        tolerance_change = group["tolerance_change"]
        line_search_fn = group["line_search_fn"]
        history_size = group["history_size"]

        # the state is global, kept under the first parameter (so load_state_dict casts it)
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if flat_grad.abs().max() <= tolerance_grad:
            return orig_loss

        d = state.get("d")
        t = state.get("t")
        old_dirs = state.get("old_dirs")
        old_stps = state.get("old_stps")
        ro = state.get("ro")
        H_diag = state.get("H_diag")
        prev_flat_grad = state.get("prev_flat_grad")
        prev_loss = state.get("prev_loss")

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1

            # descent direction
            if state["n_iter"] == 1:
                d = flat_grad.neg()
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = flat_grad.sub(prev_flat_grad)
                s = d.mul(t)
                ys = y.dot(s)
                if ys > 1e-10:  # keep the pair only when the curvature is positive
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1. / ys)
                    H_diag = ys / y.dot(y)
                d = self._two_loop(state, flat_grad, old_dirs, old_stps, ro, H_diag,
                                   history_size)

            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.clone()
            else:
                prev_flat_grad.copy_(flat_grad)
            prev_loss = loss

            # step length: the first iteration ever is scaled by the gradient's size
            if state["n_iter"] == 1:
                t = min(1., 1. / flat_grad.abs().sum()) * lr
            else:
                t = lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:
                break

            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = self._clone_param()

                def obj_func(x, t, d):
                    return self._directional_evaluate(closure, x, t, d)

                loss, flat_grad, t, ls_func_evals = _strong_wolfe(obj_func, x_init, t, d, loss,
                                                                  flat_grad, gtd)
                self._add_grad(t, d)
                opt_cond = flat_grad.abs().max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                # the last iteration skips the re-evaluation (useless in a stochastic setting)
                if n_iter != max_iter:
                    with torsh.enable_grad():
                        loss = float(closure())
                    flat_grad = self._gather_flat_grad()
                    opt_cond = flat_grad.abs().max() <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            if n_iter == max_iter or current_evals >= max_eval:
                break
            if opt_cond:
                break
            if d.mul(t).abs().max() <= tolerance_change:  # no progress in the parameters
                break
            if abs(loss - prev_loss) < tolerance_change:  # nor in the loss
                break

        state["d"] = d
        state["t"] = t
        state["old_dirs"] = old_dirs
        state["old_stps"] = old_stps
        state["ro"] = ro
        state["H_diag"] = H_diag
        state["prev_flat_grad"] = prev_flat_grad
        state["prev_loss"] = prev_loss
        return orig_loss

"""Python side of bench/: per-op overhead of `a + b` on 1-element tensors, and a few ops; RSS
held after freeing 1 GiB. Usage: bench_py.py torsh|torch [breadth|pointwise|nn|attention|optim]
(prints "workload median_ns" lines, and "py_rss_<phase>_MiB value" lines)."""
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))


def run(name, fn, iters, samples=15):
    for _ in range(max(1, iters // 4)):
        fn()
    ts = []
    for _ in range(samples):
        t0 = time.perf_counter_ns()
        for _ in range(iters):
            fn()
        ts.append((time.perf_counter_ns() - t0) / iters)
    print(f"{name} {statistics.median(ts):.1f}", flush=True)


def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def rss_after_free(lib):
    """RSS before, at the peak and after freeing 1 GiB held in tensors of 256, 128, 64 and
    4 MiB (half of them op outputs): memory held after use."""
    before = rss_mib()
    keep = [lib.rand(n) if i % 2 == 0 else lib.rand(n) + 1
            for n, k in ((1 << 26, 2), (1 << 25, 2), (1 << 24, 3), (1 << 20, 16))
            for i in range(k)]
    peak = rss_mib()
    del keep
    for phase, v in (("before", before), ("peak", peak), ("after_free", rss_mib())):
        print(f"py_rss_{phase}_MiB {v:.1f}", flush=True)


def main():
    lib = __import__(sys.argv[1])
    threads = int(os.environ.get("OMP_NUM_THREADS", "1"))
    lib.set_num_threads(threads)
    if sys.argv[2:] == ["breadth"]:  # only the operator-breadth workloads
        return breadth(lib)
    if sys.argv[2:] == ["pointwise"]:  # only the comparison/where/clamp/pow/div workloads
        return pointwise(lib)
    if sys.argv[2:] == ["nn"]:  # only the neural-network layer workloads
        return nn(lib)
    if sys.argv[2:] == ["attention"]:  # scaled dot-product attention: time and peak memory
        return attention(lib)
    if sys.argv[2:] == ["vision"]:  # grid_sample: time and the memory a call adds
        return vision(lib)
    if sys.argv[2:] == ["optim"]:  # one optimizer step per optimizer on the MLP's parameters
        return optim(lib)
    rss_after_free(lib)  # first: a clean process to measure
    a, b = lib.ones(1), lib.ones(1)
    run("py_overhead_add_1elem", lambda: a + b, 20000)
    run("py_overhead_add_scalar_1elem", lambda: a + 1.0, 20000)
    # Per-call overhead of other calls on 1-element tensors (DESIGN §7: each under half of torch).
    m1 = lib.ones(1, 1)
    run("py_overhead_exp_fn", lambda: lib.exp(a), 20000)
    run("py_overhead_exp_method", lambda: a.exp(), 20000)
    run("py_overhead_sum", lambda: a.sum(), 20000)
    run("py_overhead_sum_dim", lambda: a.sum(0), 20000)
    run("py_overhead_view", lambda: a.view(-1), 20000)
    run("py_overhead_getitem_int", lambda: a[0], 20000)
    run("py_overhead_cat", lambda: lib.cat([a, b]), 20000)
    run("py_overhead_zeros", lambda: lib.zeros(4), 20000)
    run("py_overhead_add_alpha", lambda: a.add(b, alpha=2), 20000)
    run("py_overhead_add_", lambda: a.add_(b), 20000)
    run("py_overhead_matmul_1x1", lambda: lib.matmul(m1, m1), 20000)
    w = lib.ones(1, requires_grad=True)

    def chain():
        h = w
        for _ in range(10):
            h = h * 1.0 + 0.0
        h.sum().backward()
    run("py_overhead_chain10_autograd", chain, 2000)
    # Indexing on 2^22 elements: a masked fill and an accumulating index update.
    n = 1 << 22
    big = lib.rand(n)
    mask = big < 0.5
    idx = lib.randint(0, n, (n // 4,))
    vals = lib.rand(n // 4)

    def mask_fill():
        big[mask] = 0.0
    run("py_index_mask_fill_2^22", mask_fill, 3, 7)

    def idx_add():
        big[idx] += vals
    run("py_index_idx_add_2^22", idx_add, 3, 7)
    wg = lib.rand(n, requires_grad=True)

    def mask_fill_grad():
        y = wg * 1.0
        y[mask] = 0.0
        y.sum().backward()
    run("py_index_mask_fill_grad_2^22", mask_fill_grad, 2, 5)

    def idx_add_grad():
        y = wg * 1.0
        y[idx] += vals
        y.sum().backward()
    run("py_index_idx_add_grad_2^22", idx_add_grad, 2, 5)
    # gather/scatter_add along the last dim and index_add of 2048 rows, on 2^22 elements.
    src = lib.rand(2048, 2048)
    gidx = (lib.rand(2048, 2048) * 2048).long()
    rows = (lib.rand(2048) * 2048).long()
    run("py_gather_2^22", lambda: src.gather(1, gidx), 5, 9)
    run("py_scatter_add_2^22", lambda: src.scatter_add(1, gidx, src), 5, 9)
    run("py_index_add_2^22", lambda: src.index_add(0, rows, src), 5, 9)
    srt = lib.rand(1024, 4096)
    run("py_sort_lastdim_1024x4096", lambda: srt.sort(-1), 2, 9)
    run("py_topk10_lastdim_1024x4096", lambda: srt.topk(10, -1), 5, 9)
    x = lib.rand(1 << 24)
    y = lib.rand(1 << 24)
    run("py_add_2^24", lambda: x + y, 10, 9)
    m = lib.rand(256, 256)
    run("py_matmul_256", lambda: m @ m, 50, 9)
    ea, eb = lib.rand(64, 128, 128), lib.rand(64, 128, 128)
    run("py_einsum_bij_bjk_64x128x128", lambda: lib.einsum("bij,bjk->bik", ea, eb), 10, 9)
    q, k = lib.rand(8, 8, 256, 64), lib.rand(8, 8, 256, 64)
    run("py_einsum_bhqd_bhkd_8x8x256x64", lambda: lib.einsum("bhqd,bhkd->bhqk", q, k), 10, 9)
    breadth(lib)
    pointwise(lib)
    nn(lib)


def breadth(lib):
    """The operator-breadth workloads (gather/index_select, cumsum, cat, mask getitem, var,
    transcendentals, 16-bit arithmetic)."""
    t = lib.rand(4096, 1024)
    gi = (lib.rand(4096, 1024) * 1024).long()
    ri = (lib.rand(4096) * 4096).long()
    run("py_gather_dim1_4096x1024", lambda: t.gather(1, gi), 5, 9)
    run("py_index_select_dim0_4096x1024", lambda: t.index_select(0, ri), 5, 9)
    c = lib.rand(1 << 22)
    run("py_cumsum_2^22", lambda: c.cumsum(0), 5, 9)
    parts = [lib.rand(512, 1024) for _ in range(8)]
    run("py_cat_8x512x1024", lambda: lib.cat(parts), 5, 9)
    mask = c < 0.5
    run("py_mask_getitem_2^22", lambda: c[mask], 5, 9)
    v = lib.rand(4096, 4096)
    run("py_var_dim1_4096x4096", lambda: v.var(1), 3, 9)
    del v, t, gi
    x = lib.rand(1 << 24)
    for name in ("sin", "erf", "log1p"):
        run(f"py_{name}_2^24", lambda f=getattr(lib, name): f(x), 3, 9)
    for dt in ("float16", "bfloat16"):
        h, g = x.to(getattr(lib, dt)), lib.rand(1 << 24).to(getattr(lib, dt))
        run(f"py_add_{dt}_2^24", lambda: h + g, 3, 9)
        try:
            h.exp()
        except RuntimeError:  # torch 1.13 has no float16 exp on CPU: no figure for it
            continue
        run(f"py_exp_{dt}_2^24", lambda: h.exp(), 3, 9)


def pointwise(lib):
    """Comparisons, where, clamp, pow and div's rounding modes on 2^22 elements (float32 unless
    named): the pointwise ops outside the unary/binary functor families."""
    n = 1 << 22
    x, y = lib.rand(n) * 4 - 2, lib.rand(n) * 4 - 2
    xd, yd = x.double(), y.double()
    xi, yi = (x * 100).int(), (y * 100).int() + 300
    m = x > 0
    lo, hi = y - 1, y + 1
    work = [
        ("gt", lambda: x > y), ("eq_scalar", lambda: x == 0.5), ("lt_float64", lambda: xd < yd),
        ("ge_int32", lambda: xi >= yi), ("where", lambda: lib.where(m, x, y)),
        ("where_scalar", lambda: lib.where(m, x, 0.0)), ("clamp_scalar", lambda: x.clamp(-1, 1)),
        ("clamp_tensor", lambda: x.clamp(lo, hi)), ("clamp_min", lambda: x.clamp_min(0)),
        ("pow_2", lambda: x.pow(2)), ("pow_3", lambda: x.pow(3)), ("pow_half", lambda: y.abs().pow(0.5)),
        ("pow_tensor", lambda: x.abs().pow(y)), ("pow_float64", lambda: xd.abs().pow(yd)),
        ("div_floor", lambda: lib.div(x, y, rounding_mode="floor")),
        ("div_trunc", lambda: lib.div(x, y, rounding_mode="trunc")),
        ("div_floor_int32", lambda: lib.div(xi, yi, rounding_mode="floor")),
    ]
    for name, fn in work:
        run(f"py_{name}_2^22", fn, 5, 9)


def nn(lib):
    """The neural-network layers of the nn issue: conv2d, max_pool2d, batch_norm and layer_norm
    (forward, and forward + backward), softmax, cross_entropy."""
    F = lib.nn.functional
    x = lib.rand(32, 64, 56, 56)
    w = lib.rand(64, 64, 3, 3) - 0.5
    run("py_conv2d_fwd_32x64x56x56_k3", lambda: F.conv2d(x, w, padding=1), 1, 5)
    xg, wg = x.clone().requires_grad_(), w.clone().requires_grad_()
    run("py_conv2d_fwdbwd_32x64x56x56_k3", lambda: F.conv2d(xg, wg, padding=1).sum().backward(),
        1, 5)
    run("py_max_pool2d_2x2_32x64x56x56", lambda: F.max_pool2d(x, 2), 3, 9)
    bw, bb = lib.ones(64, requires_grad=True), lib.zeros(64, requires_grad=True)
    rm, rv = lib.zeros(64), lib.ones(64)
    run("py_batch_norm_fwd_32x64x56x56", lambda: F.batch_norm(x, rm, rv, bw, bb, training=True),
        3, 9)
    run("py_batch_norm_fwdbwd_32x64x56x56",
        lambda: F.batch_norm(xg, rm, rv, bw, bb, training=True).sum().backward(), 2, 9)
    del xg, wg
    h = lib.rand(8192, 1024)
    hg = h.clone().requires_grad_()
    lw, lb = lib.ones(1024, requires_grad=True), lib.zeros(1024, requires_grad=True)
    run("py_layer_norm_fwd_8192x1024", lambda: F.layer_norm(h, (1024,), lw, lb), 3, 9)
    run("py_layer_norm_fwdbwd_8192x1024",
        lambda: F.layer_norm(hg, (1024,), lw, lb).sum().backward(), 2, 9)
    sm = lib.rand(4096, 4096)
    run("py_softmax_lastdim_4096x4096", lambda: lib.softmax(sm, -1), 3, 9)
    logits = lib.rand(4096, 1000)
    target = (lib.rand(4096) * 1000).long()
    run("py_cross_entropy_4096x1000", lambda: F.cross_entropy(logits, target), 5, 9)
    lg = logits.clone().requires_grad_()
    run("py_cross_entropy_fwdbwd_4096x1000", lambda: F.cross_entropy(lg, target).backward(), 3, 9)
    lib.manual_seed(0)
    lstm = lib.nn.LSTM(256, 256, num_layers=2)
    seq = lib.randn(64, 32, 256)
    run("py_lstm_fwdbwd_2x256_seq64_b32", lambda: lstm(seq)[0].sum().backward(), 1, 5)


def vision(lib):
    """grid_sample as a spatial transformer uses it: [32, 16, 64, 64] sampled at an affine grid
    of the same size (bilinear forward, forward + backward w.r.t. input and grid; bicubic
    forward), a 3-D [4, 8, 32, 32, 32] volume, and the peak RSS one forward + backward adds."""
    F = lib.nn.functional
    lib.manual_seed(0)
    theta = lib.eye(2, 3).repeat(32, 1, 1) + 0.1 * lib.randn(32, 2, 3)
    x = lib.randn(32, 16, 64, 64)
    g = F.affine_grid(theta, (32, 16, 64, 64), align_corners=False)
    run("py_grid_sample_bilinear_fwd_32x16x64x64",
        lambda: F.grid_sample(x, g, align_corners=False), 3, 9)
    run("py_grid_sample_bicubic_fwd_32x16x64x64",
        lambda: F.grid_sample(x, g, mode="bicubic", align_corners=False), 2, 9)
    xg, gg = x.clone().requires_grad_(), g.clone().requires_grad_()
    rss0 = rss_mib()
    run("py_grid_sample_bilinear_fwdbwd_32x16x64x64",
        lambda: F.grid_sample(xg, gg, align_corners=False).sum().backward(), 2, 9)
    with open("/proc/self/status") as f:
        hwm = [int(line.split()[1]) / 1024 for line in f if line.startswith("VmHWM")][0]
    print(f"py_grid_sample_fwdbwd_peak_added_MiB {hwm - rss0:.1f}", flush=True)
    theta3 = lib.eye(3, 4).repeat(4, 1, 1) + 0.1 * lib.randn(4, 3, 4)
    v = lib.randn(4, 8, 32, 32, 32)
    g3 = F.affine_grid(theta3, (4, 8, 32, 32, 32), align_corners=False)
    run("py_grid_sample_3d_fwd_4x8x32x32x32",
        lambda: F.grid_sample(v, g3, align_corners=False), 2, 9)


def attention(lib):
    """Causal scaled dot-product attention on [8, 8, 512, 64] float32: forward, and forward +
    backward; first the peak RSS a forward + backward adds (from a fresh process). torch 1.13 has
    no public scaled_dot_product_attention: its side runs the formula a 1.13 user writes,
    F._scaled_dot_product_attention (softmax(q k^T / sqrt(E) + causal mask) v, its own math)."""
    import resource
    F = lib.nn.functional
    lib.manual_seed(0)
    q, k, v = (lib.randn(8, 8, 512, 64) for _ in range(3))
    if lib.__name__ == "torsh":
        def sdpa(a, b, c):
            return F.scaled_dot_product_attention(a, b, c, is_causal=True)
    else:
        def sdpa(a, b, c):
            return F._scaled_dot_product_attention(a, b, c, None, 0.0, False, True)[0]
    qg, kg, vg = (t.clone().requires_grad_() for t in (q, k, v))
    base = rss_mib()
    sdpa(qg, kg, vg).sum().backward()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"py_sdpa_fwdbwd_peak_added_MiB {peak - base:.1f}", flush=True)
    run("py_sdpa_causal_fwd_8x8x512x64", lambda: sdpa(q, k, v), 3, 9)
    run("py_sdpa_causal_fwdbwd_8x8x512x64", lambda: sdpa(qg, kg, vg).sum().backward(), 2, 9)


def optim(lib):
    """One step of each optimizer over the parameters of the MLP 784-512-256-10 (535,818
    float32 values in 6 tensors), gradients set; torch runs its default (foreach) path."""
    lib.manual_seed(0)
    shapes = ((512, 784), (512,), (256, 512), (256,), (10, 256), (10,))
    cases = (("SGD", dict(lr=0.01, momentum=0.9)), ("Adam", dict(lr=1e-3)),
             ("AdamW", dict(lr=1e-3)), ("Adagrad", dict(lr=0.01)),
             ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True)),
             ("Adadelta", dict()), ("Adamax", dict()), ("NAdam", dict()), ("RAdam", dict()),
             ("ASGD", dict()), ("Rprop", dict()))
    for name, kw in cases:
        ps = [lib.randn(*s).requires_grad_() for s in shapes]
        for p in ps:
            p.grad = lib.randn(*p.shape) * 1e-3
        opt = getattr(lib.optim, name)(ps, **kw)
        run(f"py_optim_step_{name}_mlp", opt.step, 20, 9)


if __name__ == "__main__":
    main()

"""Memory: freed tensors give their pages back (RSS from /proc/self/statm) while a loop's
recurring temporaries stay cached; memory torsh did not allocate (numpy arrays) is never freed
or reused by torsh. The ownership checks also run on torch, which must pass them too (the RSS
bound is torsh's own: glibc can keep ~80 MiB of torch's freed 4 MiB blocks in its heap; see
bench/ for both libraries' figures)."""
import gc
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import ROOT

LIBS = ["torsh", "torch"]


def run_script(lib, body, env=None):
    """Runs body in a fresh interpreter (clean RSS) with `lib` imported and rss() in MiB;
    returns the dict the script prints last."""
    src = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {os.path.join(ROOT, 'python')!r})
        import {lib} as lib
        lib.set_num_threads(1)
        PAGE = os.sysconf("SC_PAGE_SIZE")
        def rss():
            with open("/proc/self/statm") as f:
                return int(f.read().split()[1]) * PAGE / 2**20
        """) + textwrap.dedent(body)
    out = subprocess.run([sys.executable, "-c", src], capture_output=True, text=True,
                         env=dict(os.environ, **(env or {})), timeout=300)
    assert out.returncode == 0, out.stderr
    return eval(out.stdout.strip().splitlines()[-1])


# 1 GiB in tensors of 256, 128, 64 and 4 MiB, half of them op results; all freed.
ONE_GIB_THEN_FREE = """
    r0 = rss()
    ts = []
    for n, k in ((2**26, 2), (2**25, 2), (2**24, 3), (2**20, 16)):
        for i in range(k):
            ts.append(lib.ones(n) if i % 2 == 0 else lib.zeros(n) + 1)
    peak = rss()
    assert sum(t.numel() for t in ts) == 2**28
    del ts
    print(dict(before=r0, peak=peak, after=rss()))
"""


def test_rss_returns_after_every_tensor_is_freed():
    r = run_script("torsh", ONE_GIB_THEN_FREE)
    assert r["peak"] - r["before"] >= 1000, r  # the 1 GiB was really touched
    assert r["after"] - r["before"] <= 64, r


# A loop's temporary of the size of what it keeps alive stays cached (resident) between steps.
RECURRING = """
    r0 = rss()
    x = lib.ones(2**24)
    with_x = rss()
    for _ in range(3):
        y = x + 1
        del y
    kept = rss()
    del x
    print(dict(start=r0, with_x=with_x, kept=kept, after=rss()))
"""


def test_recurring_temporary_stays_cached_then_goes_with_the_last_tensor():
    r = run_script("torsh", RECURRING)
    assert r["kept"] - r["with_x"] >= 60, r  # the 64 MiB block stays for the next step
    assert r["after"] - r["start"] <= 16, r  # x and the cached block are gone


def test_cache_environment_variables():
    # Ratio 0 and floor 0: nothing over 4 KiB is cached, so the temporary goes back at once.
    r = run_script("torsh", RECURRING, env={"TORSH_CACHE_RATIO": "0", "TORSH_CACHE_FLOOR": "0"})
    assert r["kept"] - r["with_x"] <= 8, r
    # A floor above everything allocated keeps even the blocks of a finished step.
    r = run_script("torsh", ONE_GIB_THEN_FREE, env={"TORSH_CACHE_FLOOR": "2G"})
    assert r["after"] - r["before"] >= 900, r
    # A limit caps it again.
    r = run_script("torsh", ONE_GIB_THEN_FREE,
                   env={"TORSH_CACHE_FLOOR": "2G", "TORSH_CACHE_LIMIT": "300M"})
    assert 200 <= r["after"] - r["before"] <= 300 + 16, r


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("n", [1024, 2**20])  # a thread's small-block cache, the shared cache
def test_from_numpy_memory_is_never_freed_nor_reused(lib, n):
    m = __import__(lib)
    a = np.arange(n, dtype=np.float32)
    expected = a.copy()
    refs = sys.getrefcount(a)
    t = m.from_numpy(a)
    assert t.data_ptr() == a.ctypes.data
    view = t[1:]
    del t
    assert sys.getrefcount(a) > refs  # the view still holds the array
    del view
    gc.collect()
    assert sys.getrefcount(a) == refs  # released exactly once
    keep = [m.zeros(n) for _ in range(40)] + [m.ones(n) + 1 for _ in range(40)]
    assert all(k.data_ptr() != a.ctypes.data for k in keep)
    np.testing.assert_array_equal(a, expected)


@pytest.mark.parametrize("lib", LIBS)
def test_from_numpy_keeps_the_array_alive(lib):
    m = __import__(lib)
    a = np.arange(2**20, dtype=np.float64)
    expected = a.copy()
    t = m.from_numpy(a)
    del a
    gc.collect()
    keep = [m.zeros(2**20, dtype=m.float64) for _ in range(8)]
    np.testing.assert_array_equal(t.numpy(), expected)
    assert all(k.data_ptr() != t.data_ptr() for k in keep)


@pytest.mark.parametrize("lib", LIBS)
def test_tensor_from_numpy_copies_and_holds_no_reference(lib):
    m = __import__(lib)
    a = np.arange(4096, dtype=np.float32)
    refs = sys.getrefcount(a)
    t = m.tensor(a)
    assert t.data_ptr() != a.ctypes.data
    assert sys.getrefcount(a) == refs
    a[:] = -1
    np.testing.assert_array_equal(t.numpy(), np.arange(4096, dtype=np.float32))


@pytest.mark.parametrize("lib", LIBS)
def test_numpy_view_keeps_torsh_memory_out_of_the_cache(lib):
    m = __import__(lib)
    arr = (m.zeros(2**20) + 3).numpy()  # the tensor dies; the array owns its storage
    expected = np.full(2**20, 3, dtype=np.float32)
    keep = [m.zeros(2**20) for _ in range(8)]
    assert all(k.data_ptr() != arr.ctypes.data for k in keep)
    np.testing.assert_array_equal(arr, expected)

"""Run under mpirun -np N (2 or 3): torsh.distributed's batch_isend_irecv, coalesced
collectives, Work.get_future, monitored_barrier and new_subgroups(_by_enumeration), each
checked against values worked out by hand for this rank; prints "rank r of n: extra apis ok".
A failed check raises, which ends the job with a non-zero status.

usage: extra_apis.py DIR            (DIR: a scratch folder shared by the ranks)
       extra_apis.py --mb-fail [all] (ranks other than 0 never reach monitored_barrier: rank 0
                                      must raise and end the job)"""
import datetime
import os
import sys
import time
import warnings

import torsh as torch
import torsh.distributed as dist

warnings.simplefilter("ignore")  # the coalesced collectives' deprecation notes
dist.init_process_group("mpi")
R, W = dist.get_rank(), dist.get_world_size()


def check(cond, what):
    if not cond:
        raise AssertionError(f"rank {R}: {what}")


def equal(t, values, what):
    check(t.tolist() == values, f"{what}: {t.tolist()} != {values}")


def raises(kind, text, fn):
    try:
        fn()
    except kind as e:
        check(text in str(e), f"{text!r} not in {str(e)!r}")
        return
    raise AssertionError(f"rank {R}: expected {kind.__name__} ({text})")


if sys.argv[1] == "--mb-fail":
    if R != 0:
        time.sleep(30)  # never arrives; ended by rank 0's failure
    dist.monitored_barrier(timeout=datetime.timedelta(seconds=1),
                           wait_all_ranks=sys.argv[2:] == ["all"])
    print(f"rank {R} passed the monitored barrier", flush=True)
    sys.exit(0)
scratch = sys.argv[1]

# ---- batch_isend_irecv: a ring one way (tag 0) and the other way (tag 5) ----
nxt, prv = (R + 1) % W, (R - 1) % W
got_prev, got_next = torch.zeros(3), torch.zeros(2, dtype=torch.int64)
ops = [dist.P2POp(dist.isend, torch.arange(3.0) + 10 * R, nxt),
       dist.P2POp(dist.irecv, got_prev, prv),
       dist.P2POp(dist.isend, torch.tensor([R, -R]), prv, tag=5),
       dist.P2POp(dist.irecv, got_next, nxt, tag=5)]
works = dist.batch_isend_irecv(ops)
check(len(works) == 4 and all(isinstance(w, dist.Work) for w in works), "one Work per op")
for w in works:
    w.wait()
equal(got_prev, [10.0 * prv, 10.0 * prv + 1, 10.0 * prv + 2], "ring from the previous rank")
equal(got_next, [nxt, -nxt], "ring from the next rank, tag 5")
check(ops[0].peer == nxt and ops[2].tag == 5 and ops[1].group is None, "P2POp fields")
raises(RuntimeError, "Invalid ``op``", lambda: dist.P2POp(dist.send, torch.ones(1), 0))
raises(RuntimeError, "Expected parameter `tensor`", lambda: dist.P2POp(dist.isend, [1.0], 0))
raises(RuntimeError, "Invalid ``p2p_op_list``", lambda: dist.batch_isend_irecv([ops[0], 1]))
raises(IndexError, "", lambda: dist.batch_isend_irecv([]))
everyone = dist.new_group(list(range(W)))
raises(RuntimeError, "All ops need to use the same group.", lambda: dist.batch_isend_irecv(
    [ops[0], dist.P2POp(dist.irecv, got_prev, prv, group=everyone)]))

# ---- all_reduce_coalesced ----
tri = W * (W + 1) // 2  # sum over ranks of (rank + 1)
a, b = torch.full((2, 2), R + 1.0), torch.arange(3) * (R + 1)
check(dist.all_reduce_coalesced([a, b.float()]) is None, "sync returns None")
equal(a, [[float(tri)] * 2] * 2, "all_reduce_coalesced sum (2x2)")
a, b = torch.full((2, 2), R + 1.0), torch.tensor([R * 1.0, 7.0 - R])
fut = dist.all_reduce_coalesced([a, b], op=dist.ReduceOp.MAX, async_op=True)
value = fut.wait()
check(isinstance(fut, torch.futures.Future) and value[0] is a and value[1] is b, "future value")
equal(a, [[float(W)] * 2] * 2, "all_reduce_coalesced max (a)")
equal(b, [W - 1.0, 7.0], "all_reduce_coalesced max (b)")
c = torch.tensor([1 + 2j, -1j], dtype=torch.complex64) * (R + 1)
dist.all_reduce_coalesced([c, torch.ones(2)])
check(c.tolist() == [complex(tri, 2 * tri), complex(0, -tri)], f"complex sum {c.tolist()}")
raises(RuntimeError, "on complex tensors",
       lambda: dist.all_reduce_coalesced([c], op=dist.ReduceOp.MAX))
raises(RuntimeError, "Invalid usage of tensors with different dtypes",
       lambda: dist.all_reduce_coalesced([torch.ones(1), torch.ones(1, dtype=torch.int64)]))

# ---- all_gather_coalesced ----
outs = [[torch.zeros(2, 2), torch.zeros(1)] for _ in range(W)]
dist.all_gather_coalesced(outs, [torch.full((2, 2), R + 1.0), torch.tensor([R * 5.0])])
for r in range(W):
    equal(outs[r][0], [[r + 1.0] * 2] * 2, f"all_gather_coalesced [{r}][0]")
    equal(outs[r][1], [r * 5.0], f"all_gather_coalesced [{r}][1]")
outs = [[torch.zeros(3, dtype=torch.int32)] for _ in range(W)]
fut = dist.all_gather_coalesced(outs, [torch.tensor([R, R, -R], dtype=torch.int32)],
                                async_op=True)
check(fut.wait() is outs, "all_gather_coalesced future holds the output lists")
check([o[0].tolist() for o in outs] == [[r, r, -r] for r in range(W)], "int gather")
raises(RuntimeError, "output lists should be equal to world size",
       lambda: dist.all_gather_coalesced([[torch.zeros(1)]] * (W + 1), [torch.zeros(1)]))

# ---- Work.get_future ----
t = torch.tensor([R + 1.0, 2.0])
fut = dist.all_reduce(t, async_op=True).get_future()
doubled = fut.then(lambda f: f.value()[0] * 2)
equal(doubled.wait(), [2.0 * tri, 4.0 * W], "get_future().then")
check(fut.done() and len(fut.wait()) == 1 and fut.wait()[0].data_ptr() == t.data_ptr(),
      "the future's value is [the reduced tensor]")
equal(torch.futures.wait_all([fut, doubled])[1], [2.0 * tri, 4.0 * W], "wait_all")

# ---- monitored_barrier: no rank leaves before every rank arrived ----
for wait_all in (False, True):
    if R != 0:
        time.sleep(0.2)
        open(os.path.join(scratch, f"arrived{R}.{wait_all}"), "w").close()
    check(dist.monitored_barrier(timeout=datetime.timedelta(seconds=30),
                                 wait_all_ranks=wait_all) is None, "returns None")
    for r in range(1, W):
        check(os.path.exists(os.path.join(scratch, f"arrived{r}.{wait_all}")),
              f"rank {r} arrived before the barrier let rank {R} go")
dist.monitored_barrier(group=everyone)

# ---- new_subgroups / new_subgroups_by_enumeration ----
mine = torch.tensor([R + 1])
cur, groups = dist.new_subgroups(group_size=1)
check(len(groups) == W and cur is groups[R], "one subgroup per rank")
check(all(g is dist.GroupMember.NON_GROUP_MEMBER for i, g in enumerate(groups) if i != R),
      "the other subgroups are NON_GROUP_MEMBER here")
x = mine.clone()
dist.all_reduce(x, group=cur)
equal(x, [R + 1], "all_reduce in a one-rank subgroup")
cur, groups = dist.new_subgroups()  # one machine: all its ranks
check(len(groups) == 1 and dist.get_world_size(cur) == W, "default: the machine's ranks")
x = mine.clone()
dist.all_reduce(x, group=cur)
equal(x, [tri], "all_reduce in the machine's subgroup")
raises(ValueError, "The arg 'group_size' must not exceed the world size",
       lambda: dist.new_subgroups(group_size=W + 1))
if W == 3:
    raises(ValueError, "The world size must be divisible by 'group_size'",
           lambda: dist.new_subgroups(group_size=2))
    lists = [[0, 2], [1]]
    expect = {0: 4, 1: 2, 2: 4}
else:
    lists = [[1], [0]]
    expect = {0: 1, 1: 2}
cur, groups = dist.new_subgroups_by_enumeration(lists)
check(len(groups) == 2 and cur is groups[[R in ranks for ranks in lists].index(True)],
      "by_enumeration: this rank's subgroup")
check(dist.get_process_group_ranks(cur) == next(r for r in lists if R in r), "its ranks")
x = mine.clone()
dist.all_reduce(x, group=cur)
equal(x, [expect[R]], "all_reduce in the enumerated subgroup")
raises(ValueError, "Rank 1 has appeared in both subgroup [0, 1] and [1]",
       lambda: dist.new_subgroups_by_enumeration([[0, 1], [1]]))
raises(ValueError, "The arg 'ranks_per_subgroup_list' cannot be empty",
       lambda: dist.new_subgroups_by_enumeration([]))

dist.barrier()
print(f"rank {R} of {W}: extra apis ok", flush=True)

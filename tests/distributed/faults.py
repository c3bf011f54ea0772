"""Run under mpirun -np 2 with one argument: how rank 1 fails while rank 0 waits in a collective.
'raise': rank 1 raises; 'exit': rank 1 exits with status 3 without finishing; 'timeout': rank 1
skips the collective, so rank 0's all_reduce times out (1 s) and raises. In every case the job
must end (mpirun returns non-zero) instead of hanging."""
import datetime
import os
import sys
import time

import torsh as torch
import torsh.distributed as dist

how = sys.argv[1]
dist.init_process_group("mpi", timeout=datetime.timedelta(seconds=1))
rank = dist.get_rank()
if rank == 1:
    if how == "raise":
        raise ValueError("rank 1 failed on purpose")
    if how == "exit":
        sys.stdout.flush()
        os._exit(3)
    time.sleep(30)  # timeout: never joins the collective
dist.all_reduce(torch.ones(4))
print("rank", rank, "was not stopped", flush=True)

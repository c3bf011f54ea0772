"""python3 -m torsh.distributed.run --nproc-per-node N train.py [args]: torchrun's spelling for
torsh, which starts the N processes with OpenMPI's mpirun on this machine. Each process gets
torchrun's environment (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR,
MASTER_PORT) and OMP_NUM_THREADS=1 unless set, and the script calls
``init_process_group("mpi")``. For several machines, call mpirun yourself (docs/distributed.md)."""
import argparse
import os
import shutil
import sys


def build_command(argv):
    parser = argparse.ArgumentParser(prog="python3 -m torsh.distributed.run",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--nproc-per-node", "--nproc_per_node", dest="nproc", type=int, default=1,
                        help="processes to start (default 1)")
    parser.add_argument("--nnodes", type=str, default="1",
                        help="only 1: use mpirun -H for several machines")
    parser.add_argument("--master-addr", "--master_addr", dest="master_addr",
                        default="127.0.0.1")
    parser.add_argument("--master-port", "--master_port", dest="master_port", type=int,
                        default=29500)
    parser.add_argument("-m", "--module", action="store_true",
                        help="run training_script as a module (python -m)")
    parser.add_argument("--no-python", "--no_python", dest="no_python", action="store_true",
                        help="run training_script as a program, not with Python")
    parser.add_argument("training_script")
    parser.add_argument("training_script_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.nnodes != "1":
        parser.error("--nnodes other than 1: launch with mpirun -H host1,host2 instead "
                     "(docs/distributed.md)")
    if args.nproc < 1:
        parser.error("--nproc-per-node must be at least 1")
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        raise SystemExit("torsh.distributed.run: mpirun not found (install Debian's openmpi-bin)")
    cmd = [mpirun, "-np", str(args.nproc), "--oversubscribe", "--bind-to", "none"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    for name, value in (("MASTER_ADDR", args.master_addr), ("MASTER_PORT", args.master_port)):
        cmd += ["-x", f"{name}={value}"]
    if args.no_python:
        target = [args.training_script]
    else:
        target = [sys.executable, "-m", "torsh.distributed._worker"]
        target += ["-m", args.training_script] if args.module else [args.training_script]
    return cmd + target + args.training_script_args, args.nproc


def main(argv=None):
    cmd, nproc = build_command(sys.argv[1:] if argv is None else argv)
    if nproc > 1:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()

"""torch.distributed.algorithms for torsh: the DDP communication hooks (ddp_comm_hooks)."""

"""A byte-level GPT trained on a text file: token and position embeddings, a stack of pre-norm
causal Transformer encoder layers, a final LayerNorm and a linear head over the 256 byte
values; AdamW. Written against torch's API: it runs on torsh (the default) and, with
--lib torch, on PyTorch, so bench/bench_gpt.py can time the same program on both.

usage: /usr/bin/python3 examples/gpt.py [--lib torsh|torch] [--text FILE] [--steps N]
       [--layers 4] [--d-model 256] [--heads 4] [--seq 128] [--batch 16] [--lr 3e-4]
       [--threads T] [--sample N]
Prints the loss every 10 steps, the median step time, peak RSS, and (with --sample) N bytes
generated greedily from the start of the text."""
import argparse
import os
import resource
import sys
import time


def build(torch, vocab, d_model, heads, layers, seq):
    nn = torch.nn

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(vocab, d_model)
            self.pos = nn.Embedding(seq, d_model)
            layer = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=4 * d_model,
                                               dropout=0.0, activation="gelu",
                                               batch_first=True, norm_first=True)
            self.blocks = nn.TransformerEncoder(layer, layers)
            self.norm = nn.LayerNorm(d_model)
            self.head = nn.Linear(d_model, vocab, bias=False)
            mask = torch.full((seq, seq), float("-inf")).triu(1)
            self.register_buffer("mask", mask, persistent=False)

        def forward(self, idx):
            t = idx.size(1)
            x = self.tok(idx) + self.pos(torch.arange(t))
            x = self.blocks(x, mask=self.mask[:t, :t])
            return self.head(self.norm(x))

    return GPT()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lib", default="torsh", choices=["torsh", "torch"])
    p.add_argument("--text", default="/usr/share/common-licenses/GPL-3")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--d-model", type=int, default=256)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--seq", type=int, default=128)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "1")))
    p.add_argument("--sample", type=int, default=0)
    a = p.parse_args()
    if a.lib == "torsh":
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                        "python"))
    torch = __import__(a.lib)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    with open(a.text, "rb") as f:
        data = torch.tensor(list(f.read()), dtype=torch.long)
    if data.numel() <= a.seq + 1:
        sys.exit(f"{a.text}: needs more than {a.seq + 1} bytes")
    model = build(torch, 256, a.d_model, a.heads, a.layers, a.seq)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr)
    F = torch.nn.functional
    times = []
    for step in range(a.steps):
        starts = torch.randint(0, data.numel() - a.seq - 1, (a.batch,))
        x = torch.stack([data[s:s + a.seq] for s in starts.tolist()])
        y = torch.stack([data[s + 1:s + 1 + a.seq] for s in starts.tolist()])
        t0 = time.perf_counter()
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, 256), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - t0)
        if step % 10 == 0 or step == a.steps - 1:
            print(f"step {step} loss {loss.item():.4f}", flush=True)
    times.sort()
    print(f"gpt_step_ms {times[len(times) // 2] * 1e3:.2f}")
    print(f"gpt_peak_rss_MiB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
    if a.sample > 0:
        model.eval()
        ctx = data[:16].tolist()
        with torch.no_grad():
            for _ in range(a.sample):
                idx = torch.tensor([ctx[-a.seq:]])
                ctx.append(int(model(idx)[0, -1].argmax()))
        print(bytes(ctx).decode("latin-1"))


if __name__ == "__main__":
    main()

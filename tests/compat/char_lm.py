"""A character-level language model on a short text: Embedding + 2-layer LSTM + Linear, trained
with Adam, gradient clipping and a StepLR schedule, then greedy generation; and the same task
with a tiny causal TransformerEncoder."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import clip_grad_norm_
from torch.optim.lr_scheduler import StepLR

TEXT = (
    "It was the best of times, it was the worst of times, it was the age of wisdom, "
    "it was the age of foolishness, it was the epoch of belief, it was the epoch of "
    "incredulity, it was the season of Light, it was the season of Darkness, it was the "
    "spring of hope, it was the winter of despair, we had everything before us, we had "
    "nothing before us, we were all going direct to Heaven, we were all going direct "
    "the other way."
)

chars = sorted(set(TEXT))
stoi = {ch: i for i, ch in enumerate(chars)}
itos = {i: ch for ch, i in stoi.items()}
data = torch.tensor([stoi[ch] for ch in TEXT], dtype=torch.long)
vocab_size = len(chars)
print(f"text: {len(TEXT)} chars, vocab {vocab_size}")

SEQ_LEN = 32
BATCH = 16


def get_batch(generator):
    starts = torch.randint(0, len(data) - SEQ_LEN - 1, (BATCH,), generator=generator)
    x = torch.stack([data[s:s + SEQ_LEN] for s in starts.tolist()])
    y = torch.stack([data[s + 1:s + SEQ_LEN + 1] for s in starts.tolist()])
    return x, y


def encode(s):
    return torch.tensor([[stoi[c] for c in s]], dtype=torch.long)


class CharLSTM(nn.Module):
    def __init__(self, vocab_size, embed_dim=16, hidden_size=64, num_layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True,
                            dropout=0.1)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


class CharTransformer(nn.Module):
    def __init__(self, vocab_size, d_model=32, nhead=4, num_layers=2, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=64, dropout=0.1,
                                           activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=num_layers)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, x):
        t = x.size(1)
        positions = torch.arange(t).unsqueeze(0)
        h = self.tok(x) * math.sqrt(self.tok.embedding_dim) + self.pos(positions)
        mask = nn.Transformer.generate_square_subsequent_mask(t)
        h = self.encoder(h, mask=mask)
        return self.head(self.norm(h))


def train(model, name, steps, lr, seed, show_grad_norm=True):
    gen = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = StepLR(optimizer, step_size=15, gamma=0.5)
    model.train()
    for step in range(1, steps + 1):
        x, y = get_batch(gen)
        logits = model(x)
        if isinstance(logits, tuple):
            logits = logits[0]
        loss = F.cross_entropy(logits.reshape(-1, vocab_size), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        total_norm = clip_grad_norm_(model.parameters(), max_norm=0.25)
        optimizer.step()
        scheduler.step()
        if step % 5 == 0:
            norm = f" grad norm {total_norm.item():.4f}" if show_grad_norm else ""
            print(f"{name} step {step:3d} loss {loss.item():.4f}{norm} "
                  f"lr {scheduler.get_last_lr()[0]:.5f}")
    n = sum(p.numel() for p in model.parameters())
    s = sum(p.detach().abs().sum().item() for p in model.parameters())
    print(f"{name} parameters {n} abs sum {s:.5g}")


@torch.no_grad()
def evaluate(model, name):
    model.eval()
    x = data[:-1].unsqueeze(0)[:, :64]
    y = data[1:].unsqueeze(0)[:, :64]
    logits = model(x)
    if isinstance(logits, tuple):
        logits = logits[0]
    loss = F.cross_entropy(logits.reshape(-1, vocab_size), y.reshape(-1))
    acc = (logits.argmax(-1) == y).sum().item()
    print(f"{name} eval loss {loss.item():.4f} next-char hits {acc}/{y.numel()}")


@torch.no_grad()
def generate_lstm(model, prompt, n):
    model.eval()
    logits, state = model(encode(prompt))
    out = prompt
    for _ in range(n):
        probs = F.softmax(logits[0, -1], dim=-1)
        idx = int(torch.argmax(probs))
        out += itos[idx]
        logits, state = model(torch.tensor([[idx]]), state)
    return out


@torch.no_grad()
def generate_transformer(model, prompt, n, max_len=64):
    model.eval()
    ids = encode(prompt)
    for _ in range(n):
        logits = model(ids[:, -max_len:])
        idx = logits[0, -1].argmax().view(1, 1)
        ids = torch.cat([ids, idx], dim=1)
    return "".join(itos[i] for i in ids[0].tolist())


torch.manual_seed(0)
lstm = CharLSTM(vocab_size)
print(lstm)
train(lstm, "lstm", steps=40, lr=0.01, seed=1)
evaluate(lstm, "lstm")
print("lstm sample:", repr(generate_lstm(lstm, "it was the ", 50)))

torch.manual_seed(0)
transformer = CharTransformer(vocab_size)
# (the gradient norm of this model is too sensitive to rounding to print: Adam turns the
# rounding noise in gradients that are zero in exact arithmetic into full-size steps)
train(transformer, "transformer", steps=20, lr=0.005, seed=2, show_grad_norm=False)
evaluate(transformer, "transformer")
print("transformer sample:", repr(generate_transformer(transformer, "it was the ", 50)))

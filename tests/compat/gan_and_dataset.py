"""A custom Dataset of generated 8x8 "images" feeding a small GAN (BatchNorm1d, LeakyReLU, Tanh,
BCEWithLogitsLoss, two Adams with betas=(0.5, 0.999)), then the autograd tutorial's basics:
requires_grad, retain_graph, torch.autograd.grad with create_graph, hooks, no_grad, detach."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


class BarsDataset(Dataset):
    """8x8 images, each a horizontal or vertical bar at a random position plus a little noise,
    scaled to [-1, 1]. Item i is drawn from its own seeded generator, so the dataset is the
    same whatever order it is read in."""

    def __init__(self, size, seed=0):
        self.size = size
        self.seed = seed

    def __len__(self):
        return self.size

    def __getitem__(self, idx):
        g = torch.Generator()
        g.manual_seed(self.seed * 100003 + idx)
        img = torch.full((1, 8, 8), -1.0)
        pos = int(torch.randint(0, 8, (1,), generator=g))
        vertical = bool(torch.rand(1, generator=g) < 0.5)
        if vertical:
            img[0, :, pos] = 1.0
        else:
            img[0, pos, :] = 1.0
        img = img + 0.1 * torch.randn(1, 8, 8, generator=g)
        return img.clamp(-1, 1), int(vertical)


LATENT = 16


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(LATENT, 64, bias=False),
            nn.BatchNorm1d(64),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(64, 128, bias=False),
            nn.BatchNorm1d(128),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(128, 64),
            nn.Tanh(),
        )

    def forward(self, z):
        return self.net(z).view(-1, 1, 8, 8)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, stride=2, padding=1),   # 8 x 4 x 4
            nn.LeakyReLU(0.2),
            nn.Flatten(),
        )
        self.classifier = nn.Sequential(
            nn.Linear(8 * 4 * 4, 32),
            nn.LeakyReLU(0.2),
            nn.Linear(32, 1),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def weights_init(m):
    if isinstance(m, (nn.Linear, nn.Conv2d)):
        nn.init.normal_(m.weight, 0.0, 0.05)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm1d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def run_gan():
    torch.manual_seed(0)
    dataset = BarsDataset(256, seed=7)
    img, label = dataset[3]
    print("dataset:", len(dataset), "item", tuple(img.shape), img.dtype, "label", label)
    print(f"item 3 sum {img.sum().item():.4f} min {img.min().item():.4f} "
          f"max {img.max().item():.4f}")
    loader = DataLoader(dataset, batch_size=32, shuffle=True, drop_last=True)
    batch, labels = next(iter(loader))
    print("batch:", tuple(batch.shape), "labels", labels.tolist()[:8], labels.dtype)

    netG = Generator()
    netD = Discriminator()
    netG.apply(weights_init)
    netD.apply(weights_init)
    criterion = nn.BCEWithLogitsLoss()
    optD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
    fixed_noise = torch.randn(8, LATENT)
    real_label, fake_label = 1.0, 0.0

    step = 0
    for epoch in range(6):
        for real, _ in loader:
            b = real.size(0)
            # (1) update D: maximize log(D(x)) + log(1 - D(G(z)))
            netD.zero_grad()
            label = torch.full((b,), real_label)
            out_real = netD(real).view(-1)
            errD_real = criterion(out_real, label)
            errD_real.backward()
            D_x = torch.sigmoid(out_real).mean().item()
            noise = torch.randn(b, LATENT)
            fake = netG(noise)
            label.fill_(fake_label)
            out_fake = netD(fake.detach()).view(-1)
            errD_fake = criterion(out_fake, label)
            errD_fake.backward()
            errD = errD_real + errD_fake
            optD.step()
            # (2) update G: maximize log(D(G(z)))
            netG.zero_grad()
            label.fill_(real_label)
            out = netD(fake).view(-1)
            errG = criterion(out, label)
            errG.backward()
            D_G_z = torch.sigmoid(out).mean().item()
            optG.step()
            step += 1
            if step % 8 == 0:
                print(f"[{epoch}][{step:2d}] Loss_D {errD.item():.4f} Loss_G {errG.item():.4f} "
                      f"D(x) {D_x:.4f} D(G(z)) {D_G_z:.4f}")

    netG.eval()
    with torch.no_grad():
        samples = netG(fixed_noise)
    print("samples:", tuple(samples.shape), f"mean {samples.mean().item():.4f} "
          f"std {samples.std().item():.4f}")
    bn = netG.net[1]
    print(f"bn running_mean abs sum {bn.running_mean.abs().sum().item():.5g} running_var sum "
          f"{bn.running_var.sum().item():.5g} batches tracked {bn.num_batches_tracked.item()}")
    for name, net in (("G", netG), ("D", netD)):
        total = sum(p.detach().abs().sum().item() for p in net.parameters())
        print(f"{name} parameters {sum(p.numel() for p in net.parameters())} "
              f"abs sum {total:.5g}")


def run_autograd():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    print("x:", x)
    y = x * x * x
    z = y.sum()
    print("requires_grad:", x.requires_grad, y.requires_grad, "leaf:", x.is_leaf, y.is_leaf)
    print("grad_fn:", type(z.grad_fn).__name__, type(y.grad_fn).__name__)
    z.backward(retain_graph=True)
    print("x.grad after one backward:", x.grad)
    z.backward()
    print("x.grad after two (accumulated):", x.grad)
    x.grad.zero_()

    # first and second derivative of sum(x^3 + 2 x^2)
    f = (x ** 3 + 2 * x ** 2).sum()
    (df,) = torch.autograd.grad(f, x, create_graph=True)
    print("df/dx:", df, "requires_grad", df.requires_grad)
    (d2f,) = torch.autograd.grad(df.sum(), x)
    print("d2f/dx2:", d2f)

    # a hook on an intermediate tensor doubles the gradient flowing through it
    w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    h = w * 3
    seen = []
    handle = h.register_hook(lambda grad: seen.append(grad.clone()) or grad * 2)
    (h ** 2).sum().backward()
    print("hook saw:", seen[0])
    print("w.grad with the hook:", w.grad)
    handle.remove()
    w.grad = None
    h = w * 3
    (h ** 2).sum().backward()
    print("w.grad without it:", w.grad)
    w.grad = None
    w.register_hook(lambda grad: grad + 1)
    (w * w).sum().backward()
    print("leaf hook:", w.grad)

    # no_grad and detach
    with torch.no_grad():
        u = x * 2
    print("under no_grad:", u.requires_grad, u.grad_fn)
    v = x.detach()
    print("detached:", v.requires_grad, v.is_leaf, "shares storage", v.data_ptr() == x.data_ptr())
    a = torch.randn(4, 3, requires_grad=True)
    b = (a @ a.t()).relu().sum()
    b.backward()
    print(f"matmul grad sum {a.grad.sum().item():.5f} norm {a.grad.norm().item():.5f}")
    # backward through a graph a second time without retain_graph is an error
    c = (x.exp() * 2).sum()
    c.backward()
    try:
        c.backward()
        print("second backward: no error")
    except RuntimeError as e:
        print("second backward: RuntimeError", "retain_graph=True" in str(e))


torch.manual_seed(0)
run_gan()
run_autograd()

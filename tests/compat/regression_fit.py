"""Fit a third-order polynomial to sin(x): the "Learning PyTorch with Examples" progression
(raw tensors with hand-written gradients, autograd, a custom autograd.Function, nn + manual
updates, nn + optim, a custom nn.Module, and a dynamic-graph module)."""
import math
import random

import torch
import torch.nn as nn


def fmt(v):
    return f"{v:.5g}"


def coef(v):
    return f"{v:.4f}"


dtype = torch.float
device = torch.device("cpu")
torch.manual_seed(0)

x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

# ---- 1. tensors, gradients by hand -------------------------------------------------------
a = torch.randn((), device=device, dtype=dtype)
b = torch.randn((), device=device, dtype=dtype)
c = torch.randn((), device=device, dtype=dtype)
d = torch.randn((), device=device, dtype=dtype)

learning_rate = 1e-6
for t in range(2000):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum().item()
    if t % 400 == 399:
        print("tensors", t, fmt(loss))
    grad_y_pred = 2.0 * (y_pred - y)
    grad_a = grad_y_pred.sum()
    grad_b = (grad_y_pred * x).sum()
    grad_c = (grad_y_pred * x ** 2).sum()
    grad_d = (grad_y_pred * x ** 3).sum()
    a -= learning_rate * grad_a
    b -= learning_rate * grad_b
    c -= learning_rate * grad_c
    d -= learning_rate * grad_d
print(f"tensors result: y = {coef(a.item())} + {coef(b.item())} x + {coef(c.item())} x^2 + "
      f"{coef(d.item())} x^3")

# ---- 2. autograd -------------------------------------------------------------------------
a = torch.randn((), device=device, dtype=dtype, requires_grad=True)
b = torch.randn((), device=device, dtype=dtype, requires_grad=True)
c = torch.randn((), device=device, dtype=dtype, requires_grad=True)
d = torch.randn((), device=device, dtype=dtype, requires_grad=True)

for t in range(2000):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t % 400 == 399:
        print("autograd", t, fmt(loss.item()))
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
print(f"autograd result: y = {coef(a.item())} + {coef(b.item())} x + {coef(c.item())} x^2 + "
      f"{coef(d.item())} x^3")


# ---- 3. a custom autograd Function ---------------------------------------------------------
class LegendrePolynomial3(torch.autograd.Function):
    """P3(x) = 1/2 (5x^3 - 3x), with its derivative written out."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)

learning_rate = 5e-6
for t in range(2000):
    P3 = LegendrePolynomial3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    if t % 400 == 399:
        print("function", t, fmt(loss.item()))
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
print(f"function result: y = {coef(a.item())} + {coef(b.item())} * P3({coef(c.item())} + "
      f"{coef(d.item())} x)")

# ---- 4. nn, parameters updated by hand ------------------------------------------------------
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)
print("features", tuple(xx.shape), xx.dtype)

model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1)
)
loss_fn = torch.nn.MSELoss(reduction='sum')

learning_rate = 1e-6
for t in range(2000):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 400 == 399:
        print("nn", t, fmt(loss.item()))
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad

linear_layer = model[0]
print(f"nn result: y = {coef(linear_layer.bias.item())} + "
      f"{coef(linear_layer.weight[:, 0].item())} x + "
      f"{coef(linear_layer.weight[:, 1].item())} x^2 + "
      f"{coef(linear_layer.weight[:, 2].item())} x^3")


# ---- 5. nn + optim (RMSprop, then Adam) ---------------------------------------------------
def fit_with(optimizer_cls, name, lr, steps=1000):
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1))
    loss_fn = nn.MSELoss(reduction='sum')
    optimizer = optimizer_cls(model.parameters(), lr=lr)
    for t in range(steps):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        if t % 200 == 199:
            print(name, t, fmt(loss.item()))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    layer = model[0]
    w = layer.weight.detach()
    print(f"{name} result: y = {coef(layer.bias.item())} + {coef(w[0, 0].item())} x + "
          f"{coef(w[0, 1].item())} x^2 + {coef(w[0, 2].item())} x^3")


fit_with(torch.optim.RMSprop, "rmsprop", 1e-3, steps=800)
fit_with(torch.optim.Adam, "adam", 1e-2)


# ---- 6. a custom nn.Module ------------------------------------------------------------------
class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        return (f"y = {coef(self.a.item())} + {coef(self.b.item())} x + "
                f"{coef(self.c.item())} x^2 + {coef(self.d.item())} x^3")


torch.manual_seed(2)
model = Polynomial3()
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
for t in range(2000):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 400 == 399:
        print("module", t, fmt(loss.item()))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"module result: {model.string()}")
print("named parameters:", [name for name, _ in model.named_parameters()])


# ---- 7. control flow + weight sharing -------------------------------------------------------
class DynamicNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x ** exp
        return y


random.seed(3)
torch.manual_seed(3)
model = DynamicNet()
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
for t in range(3000):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 600 == 599:
        print("dynamic", t, fmt(loss.item()))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("dynamic e:", fmt(model.e.item()))
print("dynamic params sum:", fmt(sum(p.detach().abs().sum().item() for p in model.parameters())))

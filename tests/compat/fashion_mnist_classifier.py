"""Fashion-MNIST classifier in the style of the PyTorch tutorials: torchvision dataset and
transforms, a Subset, a shuffling DataLoader, a small CNN, SGD with momentum, evaluation under
no_grad, and a state_dict saved and loaded back."""
import gzip
import os
import shutil
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torchvision
import torchvision.transforms as transforms
from torch.utils.data import DataLoader, Subset

DATA_DIR = "/usr/share/datasets/fashion-mnist"  # Debian's dataset-fashion-mnist (gzipped idx)
FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def fashion_mnist_root():
    """A root in torchvision's layout (<root>/FashionMNIST/raw/<idx files>), built once in the
    temp folder from the system copy, since download=False needs the files already there."""
    root = os.path.join(tempfile.gettempdir(), "fashion-mnist-torchvision")
    raw = os.path.join(root, "FashionMNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    for name in FILES:
        dst = os.path.join(raw, name)
        if os.path.exists(dst):
            continue
        fd, tmp = tempfile.mkstemp(dir=raw)
        with gzip.open(os.path.join(DATA_DIR, name + ".gz"), "rb") as src, \
                os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(src, out)
        os.replace(tmp, dst)
    return root


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.pool = nn.MaxPool2d(2, 2)
        self.dropout = nn.Dropout(0.25)
        self.fc1 = nn.Linear(16 * 5 * 5, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))   # 8 x 13 x 13
        x = self.pool(F.relu(self.conv2(x)))   # 16 x 5 x 5
        x = torch.flatten(x, 1)
        x = self.dropout(F.relu(self.fc1(x)))
        return self.fc2(x)


def evaluate(model, loader):
    model.eval()
    correct = 0
    total = 0
    loss_sum = 0.0
    per_class = torch.zeros(10, dtype=torch.long)
    with torch.no_grad():
        for images, labels in loader:
            outputs = model(images)
            loss_sum += F.cross_entropy(outputs, labels, reduction="sum").item()
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
            for c in range(10):
                per_class[c] += ((predicted == labels) & (labels == c)).sum()
    return correct, total, loss_sum / total, per_class


def main():
    torch.manual_seed(0)
    transform = transforms.Compose([
        transforms.ToTensor(),
        transforms.Normalize((0.2860,), (0.3530,)),
    ])
    train_transform = transforms.Compose([
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        transforms.Normalize((0.2860,), (0.3530,)),
    ])
    root = fashion_mnist_root()
    trainset = torchvision.datasets.FashionMNIST(root=root, train=True, download=False,
                                                 transform=train_transform)
    testset = torchvision.datasets.FashionMNIST(root=root, train=False, download=False,
                                                transform=transform)
    print("dataset sizes:", len(trainset), len(testset))
    print("classes:", ", ".join(trainset.classes))

    train_idx = torch.randperm(len(trainset))[:2000].tolist()
    train_subset = Subset(trainset, train_idx)
    test_subset = Subset(testset, list(range(500)))
    image, label = test_subset[0]
    print("first test sample:", tuple(image.shape), image.dtype, label, trainset.classes[label])
    print(f"first test sample stats: mean {image.mean().item():.5f} std {image.std().item():.5f}")

    trainloader = DataLoader(train_subset, batch_size=32, shuffle=True)
    testloader = DataLoader(test_subset, batch_size=100, shuffle=False)

    model = Net()
    print(model)
    n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print("parameters:", n_params)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.03, momentum=0.9)

    for epoch in range(1):
        model.train()
        running_loss = 0.0
        for i, (inputs, labels) in enumerate(trainloader):
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if i % 10 == 9:
                print(f"[{epoch + 1}, {i + 1:3d}] loss: {running_loss / 10:.4f}")
                running_loss = 0.0

    correct, total, test_loss, per_class = evaluate(model, testloader)
    print(f"test accuracy: {correct}/{total}")
    print(f"test loss: {test_loss:.3f}")
    print("correct per class:", per_class.tolist())
    abs_sum = sum(p.detach().abs().sum().item() for p in model.parameters())
    print(f"parameter abs sum: {abs_sum:.5g}")

    with tempfile.TemporaryDirectory() as tmp:
        # a general checkpoint: model and optimizer state, resumed for a few more steps
        ckpt_path = os.path.join(tmp, "checkpoint.tar")
        torch.save({"epoch": 1, "model_state_dict": model.state_dict(),
                    "optimizer_state_dict": optimizer.state_dict(), "loss": loss.item()},
                   ckpt_path)
        checkpoint = torch.load(ckpt_path)
        resumed = Net()
        resumed_opt = optim.SGD(resumed.parameters(), lr=0.03, momentum=0.9)
        resumed.load_state_dict(checkpoint["model_state_dict"])
        resumed_opt.load_state_dict(checkpoint["optimizer_state_dict"])
        print("checkpoint epoch", checkpoint["epoch"], f"loss {checkpoint['loss']:.4f}",
              "lr", resumed_opt.param_groups[0]["lr"],
              "momentum", resumed_opt.param_groups[0]["momentum"])
        resumed.train()
        torch.manual_seed(1)
        for i, (inputs, labels) in enumerate(trainloader):
            if i == 5:
                break
            resumed_opt.zero_grad()
            resumed_loss = criterion(resumed(inputs), labels)
            resumed_loss.backward()
            resumed_opt.step()
            print(f"resumed step {i} loss {resumed_loss.item():.4f}")

        path = os.path.join(tmp, "fashion_net.pth")
        torch.save(model.state_dict(), path)
        state = torch.load(path)
        print("state_dict keys:", list(state.keys()))
        reloaded = Net()
        print("load_state_dict:", reloaded.load_state_dict(state))
        reloaded.eval()
        images, _ = next(iter(testloader))
        with torch.no_grad():
            same = torch.equal(model(images), reloaded(images))
        print("reloaded model gives the same outputs:", same)
        correct2, total2, _, _ = evaluate(reloaded, testloader)
        print(f"reloaded accuracy: {correct2}/{total2}")


if __name__ == "__main__":
    main()

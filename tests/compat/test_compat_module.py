"""torsh.compat: `import torch` / `torchvision` resolve to torsh once installed, and the
`python3 -m torsh.compat script.py` runner behaves like `python3 script.py`. Each check runs in
a fresh interpreter, since installing the aliases changes the process's import state."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
TORSH_PATH = HERE.parents[1] / "python"


def _python(args, cwd=None):
    env = dict(os.environ, PYTHONPATH=str(TORSH_PATH), OMP_NUM_THREADS="1")
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120,
                          env=env, cwd=cwd)


def _code(source):
    result = _python(["-c", textwrap.dedent(source)])
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_install_aliases_torch_and_its_submodules():
    out = _code("""
        import torsh, torsh.compat
        torsh.compat.install()
        import torch, torch.nn as nn, torch.nn.functional as F, torch.optim as optim
        from torch.optim.lr_scheduler import StepLR
        from torch.utils.data import DataLoader, Dataset
        import torch.nn.utils.rnn  # not imported eagerly: through the finder
        from torch.nn.utils.rnn import pad_sequence
        assert torch is torsh and nn is torsh.nn and F is torsh.nn.functional
        assert optim is torsh.optim and StepLR is torsh.optim.lr_scheduler.StepLR
        assert DataLoader is torsh.utils.data.DataLoader
        assert torch.nn.utils.rnn is torsh.nn.utils.rnn
        assert pad_sequence is torsh.nn.utils.rnn.pad_sequence
        # the torsh modules keep their own identity
        assert torch.nn.__name__ == "torsh.nn" and torch.nn.__spec__.name == "torsh.nn"
        assert torch.nn.utils.rnn.__spec__.name == "torsh.nn.utils.rnn"
        print(torsh.compat.installed())
    """)
    assert out.split() == ["True"]


def test_install_aliases_torchvision():
    out = _code("""
        import torsh.compat
        torsh.compat.install()
        import torchvision, torchvision.transforms as T
        from torchvision import datasets
        from torchvision.transforms import functional as TF
        import torsh.vision
        assert torchvision is torsh.vision and T is torsh.vision.transforms
        assert datasets.FashionMNIST is torsh.vision.datasets.FashionMNIST
        assert TF is torsh.vision.transforms.functional
        print("ok")
    """)
    assert out.split() == ["ok"]


def test_missing_torch_module_is_a_clear_import_error():
    out = _code("""
        import torsh.compat
        torsh.compat.install()
        try:
            import torch.no_such_module
        except ModuleNotFoundError as e:
            print(e.name)
            print("torsh.no_such_module" in str(e))
    """)
    assert out.split() == ["torch.no_such_module", "True"]


def test_install_refuses_after_real_torch_was_imported():
    out = _code("""
        import torch
        import torsh.compat
        try:
            torsh.compat.install()
        except RuntimeError as e:
            print("refused", "already imported" in str(e))
        print(torsh.compat.installed())
    """)
    assert out.split() == ["refused", "True", "False"]


def test_uninstall_removes_the_aliases():
    out = _code("""
        import sys
        import torsh.compat
        torsh.compat.install()
        import torch.nn.utils.rnn
        torsh.compat.uninstall()
        print(torsh.compat.installed(), any(k == "torch" or k.startswith(("torch.", "torchvision"))
                                            for k in sys.modules))
        import torch  # the real one again
        print(torch.__name__, hasattr(torch, "_C"))
    """)
    assert out.split() == ["False", "False", "torch", "True"]


def test_runner_runs_a_script_like_python(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent("""
        import sys
        import torch
        import helper_next_to_script
        print(torch.__name__, sys.argv[1:], __name__, helper_next_to_script.VALUE)
        print(torch.tensor([1.0, 2.0]).sum().item())
        sys.exit(3)
    """))
    (tmp_path / "helper_next_to_script.py").write_text("VALUE = 42\n")
    result = _python(["-m", "torsh.compat", str(script), "a", "--b"], cwd=str(HERE))
    assert result.returncode == 3, result.stderr
    assert result.stdout.splitlines() == ["torsh ['a', '--b'] __main__ 42", "3.0"]


def test_runner_usage_errors(tmp_path):
    result = _python(["-m", "torsh.compat"])
    assert result.returncode == 2 and "usage" in result.stderr
    result = _python(["-m", "torsh.compat", str(tmp_path / "missing.py")])
    assert result.returncode == 2 and "can't open file" in result.stderr

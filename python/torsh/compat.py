"""Run unmodified PyTorch programs on torsh.

`torsh.compat.install()` makes `import torch` (and every `torch.<sub>` such as `torch.nn`,
`torch.nn.functional`, `torch.optim.lr_scheduler`, `torch.utils.data`) resolve to torsh, and
`torchvision` (with `torchvision.datasets`, `torchvision.transforms`, ...) to `torsh.vision`.
The modules are the torsh ones themselves, not copies: `torch.nn is torsh.nn`.

From the shell, for a script that cannot be edited:

    python3 -m torsh.compat script.py [args...]

installs the aliases and runs the script as `__main__`, with `sys.argv` and `sys.path[0]` as
`python3 script.py [args...]` would set them."""
import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys

__all__ = ["install", "uninstall", "installed", "ALIASES", "main"]

# top-level name a program imports -> the torsh module that stands in for it
ALIASES = {"torch": "torsh", "torchvision": "torsh.vision"}

# submodules put in sys.modules right away, so `sys.modules['torch.nn']` exists as after
# `import torch`; any other `torch.<sub>` is aliased on first import by the finder
_EAGER = ("nn", "nn.functional", "nn.init", "nn.utils", "nn.modules", "optim",
          "optim.lr_scheduler", "utils", "utils.data", "autograd", "linalg", "random",
          "serialization", "cuda")
_EAGER_VISION = ("datasets", "transforms", "transforms.functional")


def _target(fullname):
    """The torsh module name that `fullname` (a torch/torchvision module name) maps to, or
    None when the name is outside the aliased packages."""
    head, dot, rest = fullname.partition(".")
    base = ALIASES.get(head)
    if base is None:
        return None
    return base + dot + rest


class _AliasLoader(importlib.abc.Loader):
    """Hands the import system the already-imported torsh module; the module keeps its own
    `__spec__` (the import system overwrites it while loading, so it is put back)."""

    def __init__(self, module):
        self._module = module
        self._spec = getattr(module, "__spec__", None)

    def create_module(self, spec):
        return self._module

    def exec_module(self, module):
        if self._spec is not None:
            module.__spec__ = self._spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Resolves `torch.*` / `torchvision.*` to the corresponding torsh module. A torch module
    that torsh lacks is a ModuleNotFoundError naming both, not a silent fall-through to an
    installed PyTorch."""

    def find_spec(self, fullname, path=None, target=None):
        name = _target(fullname)
        if name is None:
            return None
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name is not None and name.startswith(e.name) and e.name.startswith("torsh"):
                raise ModuleNotFoundError(
                    f"No module named '{fullname}' (torsh.compat maps it to '{name}', which "
                    f"torsh does not provide)", name=fullname) from None
            raise
        return importlib.util.spec_from_loader(fullname, _AliasLoader(module),
                                               is_package=hasattr(module, "__path__"))


_finder = None


def installed():
    """True while the aliases are active."""
    return _finder is not None


def install():
    """Makes `torch` and `torchvision` (and their submodules) importable as torsh modules.

    Raises RuntimeError when a real `torch`/`torchvision` has already been imported in this
    process: its objects would mix with torsh's. Calling it again is a no-op."""
    global _finder
    if _finder is not None:
        return
    import torsh

    for alias, name in ALIASES.items():
        present = sys.modules.get(alias)
        if present is not None and not getattr(present, "__name__", "").startswith("torsh"):
            raise RuntimeError(f"torsh.compat.install(): '{alias}' is already imported from "
                               f"{getattr(present, '__file__', '?')}; install the torsh "
                               "aliases before anything imports it")
    _finder = _AliasFinder()
    sys.meta_path.insert(0, _finder)
    sys.modules["torch"] = torsh
    for sub in _EAGER:
        sys.modules["torch." + sub] = importlib.import_module("torsh." + sub)
    vision = importlib.import_module("torsh.vision")
    sys.modules["torchvision"] = vision
    for sub in _EAGER_VISION:
        sys.modules["torchvision." + sub] = importlib.import_module("torsh.vision." + sub)


def uninstall():
    """Removes the aliases installed by `install()` (the torsh modules stay imported)."""
    global _finder
    if _finder is None:
        return
    sys.meta_path.remove(_finder)
    _finder = None
    for key in [k for k in sys.modules if _target(k) is not None]:
        if getattr(sys.modules[key], "__name__", "").startswith("torsh"):
            del sys.modules[key]


def main(argv=None):
    """`python3 -m torsh.compat script.py [args...]`: installs the aliases, then runs the
    script as `__main__` the way `python3 script.py [args...]` would."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python3 -m torsh.compat script.py [args...]\n\n"
              "Runs a PyTorch script with `torch` and `torchvision` resolved to torsh.",
              file=sys.stderr if not argv else sys.stdout)
        return 2 if not argv else 0
    script = argv[0]
    if not os.path.exists(script):
        print(f"python3 -m torsh.compat: can't open file '{script}': No such file",
              file=sys.stderr)
        return 2
    install()
    sys.argv = argv
    # as `python3 script.py` does: the script's folder first on the path (not the cwd that
    # `-m` put there)
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    # run through the importable torsh.compat, so that the script sees the same install state
    from torsh.compat import main as _main

    sys.exit(_main())

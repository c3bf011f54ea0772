"""torch.torch_version: TorchVersion, the type of torch.__version__ — a str that also compares
with version strings, tuples such as (1, 13) and packaging Version objects by version order
(so '1.10' > '1.9'), falling back to plain str comparison for what is not a version."""
from collections.abc import Iterable

from torsh.version import __version__ as internal_version

__all__ = ["TorchVersion", "Version", "InvalidVersion"]


class _LazyImport:
    """A packaging.version class, imported on first use (packaging is optional)."""

    def __init__(self, cls_name):
        self._cls_name = cls_name

    def get_cls(self):
        try:
            import packaging.version
        except ImportError:
            from pkg_resources import packaging
        return getattr(packaging.version, self._cls_name)

    def __call__(self, *args, **kwargs):
        return self.get_cls()(*args, **kwargs)

    def __instancecheck__(self, obj):
        return isinstance(obj, self.get_cls())


Version = _LazyImport("Version")
InvalidVersion = _LazyImport("InvalidVersion")


class TorchVersion(str):
    """A version string that compares by version order with strings, tuples and Versions."""

    def _convert_to_version(self, other):
        if isinstance(other, Version.get_cls()):
            return other
        if isinstance(other, str):
            return Version(other)
        if isinstance(other, Iterable):
            return Version(".".join(str(item) for item in other))
        raise InvalidVersion(other)

    def _compare(self, other, method):
        try:
            return getattr(Version(self), method)(self._convert_to_version(other))
        except Exception as e:
            if not isinstance(e, InvalidVersion.get_cls()):
                raise
            return getattr(super(), method)(other)

    def __gt__(self, other):
        return self._compare(other, "__gt__")

    def __lt__(self, other):
        return self._compare(other, "__lt__")

    def __ge__(self, other):
        return self._compare(other, "__ge__")

    def __le__(self, other):
        return self._compare(other, "__le__")

    def __eq__(self, other):
        return self._compare(other, "__eq__")

    __hash__ = str.__hash__


__version__ = TorchVersion(internal_version)

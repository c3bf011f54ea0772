"""Builds torsh's native extension (torsh._C) with the project's CMake build, then lets
setuptools package python/torsh around it. Used by `pip install --no-build-isolation .`.

The CMake build directory is build/ (or $TORSH_BUILD_DIR): an existing one is reused as it is
configured, so installing after `scripts/build.sh` only links; a missing one is configured
without the tests (TORSH_TESTS=OFF) for the running Python."""
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def _same_version(python):
    """Whether another interpreter (a venv's base, say) builds extensions this one loads."""
    out = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_config_var("
                          "'EXT_SUFFIX'))"], capture_output=True, text=True)
    return out.returncode == 0 and out.stdout.strip() == sysconfig.get_config_var("EXT_SUFFIX")


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = Path(os.environ.get("TORSH_BUILD_DIR", ROOT / "build"))
        if not (build_dir / "CMakeCache.txt").exists():
            generator = ["-G", "Ninja"] if shutil.which("ninja") else []
            subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build_dir), *generator,
                            "-DCMAKE_BUILD_TYPE=Release", "-DTORSH_TESTS=OFF",
                            f"-DPython_EXECUTABLE={sys.executable}"], check=True)
        else:
            cache = (build_dir / "CMakeCache.txt").read_text()
            configured = [line.split("=", 1)[1] for line in cache.splitlines()
                          if line.startswith("Python_EXECUTABLE:")]
            if configured and Path(configured[0]).resolve() != Path(sys.executable).resolve() \
                    and not _same_version(configured[0]):
                raise RuntimeError(f"torsh: {build_dir} is configured for {configured[0]}, not "
                                   f"{sys.executable}; set TORSH_BUILD_DIR to another folder")
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "_C"], check=True)
        built = ROOT / "python" / "torsh" / ("_C" + sysconfig.get_config_var("EXT_SUFFIX"))
        if not built.exists():
            raise RuntimeError(f"torsh: the CMake build in {build_dir} made no {built.name} "
                               f"(was it configured for another Python than {sys.executable}?)")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.resolve() != built.resolve():  # an in-place (editable) build is already there
            shutil.copyfile(built, target)


setup(ext_modules=[Extension("torsh._C", sources=[])], cmdclass={"build_ext": CMakeBuild})

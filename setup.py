"""Builds the hwgpt wheel: CMake compiles the extension hwgpt._hwgpt from the torch-free modules
(-DHWGPT_WHEEL=ON), and the package carries the pure-Python files and the shipped surrogates
(data/surrogates -> hwgpt/data/surrogates), so an installed hwgpt needs no source tree.

    /usr/bin/python3 -m build --wheel --no-isolation     # dist/hwgpt-<version>-<tags>.whl

HWGPT_WHEEL_BUILD_DIR moves CMake's build folder (default build-wheel/); HWGPT_JOBS sets the
parallel jobs (default 2).
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

ROOT = pathlib.Path(__file__).resolve().parent


def project_version():
    """The version of CMakeLists.txt's project() call: one source of truth for C++ and Python."""
    text = (ROOT / "CMakeLists.txt").read_text()
    match = re.search(r"project\(hwgpt VERSION ([0-9.]+)", text)
    if not match:
        raise RuntimeError("CMakeLists.txt has no 'project(hwgpt VERSION x.y.z'")
    return match.group(1)


class CMakeBuild(build_ext):
    """Configures and builds the CMake target hwgpt_python, then copies _hwgpt*.so into place."""

    def build_extension(self, ext):
        build_dir = pathlib.Path(os.environ.get("HWGPT_WHEEL_BUILD_DIR", ROOT / "build-wheel"))
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build_dir), *generator,
                        "-DCMAKE_BUILD_TYPE=Release", "-DHWGPT_WHEEL=ON",
                        f"-DPython_EXECUTABLE={sys.executable}"], check=True)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "hwgpt_python",
                        "-j", os.environ.get("HWGPT_JOBS", "2")], check=True)
        built = sorted((build_dir / "python" / "hwgpt").glob("_hwgpt*.so"))
        if len(built) != 1:
            raise RuntimeError(f"expected one _hwgpt*.so under {build_dir}/python/hwgpt, found {built}")
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[0], target)


class BuildPyWithData(build_py):
    """Adds the shipped surrogates (data/surrogates: *.hsur, their *.eval.json and README) to the package."""

    def run(self):
        super().run()
        source = ROOT / "data" / "surrogates"
        target = pathlib.Path(self.build_lib) / "hwgpt" / "data" / "surrogates"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target)


setup(
    version=project_version(),
    packages=["hwgpt"],
    package_dir={"hwgpt": "python/hwgpt"},
    ext_modules=[Extension("hwgpt._hwgpt", sources=[])],
    cmdclass={"build_ext": CMakeBuild, "build_py": BuildPyWithData},
    zip_safe=False,
    # setuptools' own scratch folders under build-wheel/, away from CMake's build/.
    options={"build": {"build_base": "build-wheel/setuptools"}},
)

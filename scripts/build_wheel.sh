#!/usr/bin/env bash
# Builds dist/hwgpt-<version>-<tags>.whl from this source tree with Debian's packages only: the
# torch-free modules and the Python extension (CMake -DHWGPT_WHEEL=ON), plus the shipped
# surrogates. Installs the few packages it needs when missing (no libtorch, XGBoost, MPI, curl,
# PCRE2 or Chromium). Then:
#   python3 -m venv --system-site-packages V && V/bin/pip install dist/hwgpt-*.whl
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build                    # compiler, CMake, Ninja
  nlohmann-json3-dev libsqlite3-dev zlib1g-dev         # the query modules' libraries
  python3-dev pybind11-dev python3-numpy               # the extension
  python3-build python3-setuptools python3-wheel       # PEP 517 build without PyPI
  python3-venv python3-pip                             # installing the wheel into a venv
)
scripts/install_missing.sh build_wheel "${packages[@]}"

# Debian's interpreter and its setuptools/wheel/build (the shell's pyenv shims lack them); no
# isolation, since an isolated build would ask PyPI for setuptools.
/usr/bin/python3 -m build --wheel --no-isolation --outdir "${HWGPT_WHEEL_DIR:-dist}" .

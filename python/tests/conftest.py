"""Shared fixtures of the Python tests. CTest runs them with PYTHONPATH=<build>/python and
HWGPT_CLI_PATH=<build>/hwgpt (tests/CMakeLists.txt); by hand, from the repository root:
    PYTHONPATH=build/python /usr/bin/python3 -m pytest python/tests
"""

import json
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("HWGPT_BUILD_DIR", REPO / "build"))
CLI = pathlib.Path(os.environ.get("HWGPT_CLI_PATH", BUILD / "hwgpt"))


def run_cli(*args, check=True):
    """Runs the hwgpt CLI and returns its stdout (text)."""
    done = subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"hwgpt {' '.join(map(str, args))} failed: {done.stderr}")
    return done.stdout


def cli_json(*args):
    return json.loads(run_cli(*args, "--json"))


@pytest.fixture(scope="session")
def api():
    from hwgpt.api import HWGPT
    return HWGPT(search_space="s")

"""docs/TUTORIAL.md is executed: its shell blocks must be examples/tutorial.sh and its Python blocks
examples/tutorial.py, line for line (comments and blank lines aside), and the script must run to
the end. The set-up block is the one command scripts/test.sh itself runs first."""

import csv
import os
import re
import subprocess

from conftest import BUILD, REPO

TUTORIAL = REPO / "docs" / "TUTORIAL.md"


OWN_OPTIMIZER = "## 7. Benchmark your own optimizer"


def blocks(language, text=None):
    text = TUTORIAL.read_text() if text is None else text
    return [body for lang, body in re.findall(r"^```(\w+)\n(.*?)^```$", text, flags=re.S | re.M) if lang == language]


def code_lines(text):
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_setup_block_is_what_the_test_command_runs():
    assert blocks("sh")[0].strip() == "scripts/setup.sh"
    assert "\nscripts/setup.sh\n" in (REPO / "scripts" / "test.sh").read_text()


def test_shell_blocks_are_the_example_script():
    script = code_lines((REPO / "examples" / "tutorial.sh").read_text())
    assert script[0] == "set -euo pipefail"
    assert script[1:] == code_lines("\n".join(blocks("sh")[1:]))


def test_python_blocks_are_the_example_scripts():
    before, after = TUTORIAL.read_text().split(OWN_OPTIMIZER)
    assert code_lines((REPO / "examples" / "tutorial.py").read_text()) == code_lines("\n".join(blocks("python", before)))
    assert code_lines((REPO / "examples" / "own_optimizer.py").read_text()) == \
        code_lines("\n".join(blocks("python", after)))


def test_tutorial_script_runs(tmp_path):
    # A scratch copy of the repository root: the build and the examples, nothing else writable.
    (tmp_path / "build").symlink_to(BUILD)
    (tmp_path / "examples").symlink_to(REPO / "examples")
    env = dict(os.environ, OMP_WAIT_POLICY="passive")
    done = subprocess.run(["bash", "examples/tutorial.sh"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-4000:]
    out = done.stdout
    assert re.search(r"^gpt-s-\d+-\d+(-\d+)+-(True|False)$", out, flags=re.M)     # the sampled arch
    assert "hypervolume" in out and "ValueError: no model of energies for device 'cpu_p100'" in out
    assert (tmp_path / "tutorial-out" / "nsga2" / "run.csv").exists()
    with open(tmp_path / "tutorial-out" / "study" / "summary.csv") as f:
        runs = list(csv.DictReader(f))
    # The four built-in algorithms and the tutorial's own optimizer (section 7), two seeds each.
    assert sorted({r["algorithm"] for r in runs}) == ["ls", "morea", "my-ls", "nsga2", "rs"]
    assert len(runs) == 10 and all(0 < float(r["final_hypervolume"]) <= 1.21 for r in runs)
    mine = [r for r in runs if r["algorithm"] == "my-ls"]
    assert {r["evaluations"] for r in mine} == {"200"} and {r["problem"] for r in mine} == {r["problem"] for r in runs}
    report = (tmp_path / "tutorial-out" / "study" / "report.html").read_text()
    assert "<svg" in report and "<script" not in report and "my-ls" in report
    pngs = sorted((tmp_path / "tutorial-out" / "study" / "png").glob("*.png"))
    assert pngs and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)

"""The CLI fuzz test (tests/cli/test_fuzz.py) run for longer, with fresh random seeds.

    python bench/fuzz_cli.py                 # 3000 examples
    python bench/fuzz_cli.py --examples 20000

``make test`` runs the same test with 40 derandomised examples (seconds). Here
Hypothesis draws new cases each run; a failure prints the smallest failing
command line. Exit status: pytest's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--examples", type=int, default=3000)
    args = ap.parse_args()
    env = dict(os.environ, ALIGNER_FUZZ_EXAMPLES=str(args.examples), ALIGNER_FUZZ_RANDOM="1",
               PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    t = time.perf_counter()
    rc = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "--hypothesis-show-statistics", str(ROOT / "tests" / "cli" / "test_fuzz.py")],
                         env=env, cwd=ROOT)
    print(f"{args.examples} examples, {time.perf_counter() - t:.0f} s, exit {rc}; "
          f"load average {os.getloadavg()[0]:.2f}")
    return rc


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`: run every benchmark script in bench/ (`*_bench.py`) in turn; each writes its own section
of BENCHMARKS.md. Run a script directly for its options, e.g. `bench/search_bench.py --docs 50000`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = 0
    for script in sorted(HERE.glob("*_bench.py")):
        print(f"== {script.name}", flush=True)
        failed += subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

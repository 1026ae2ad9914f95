#!/usr/bin/env python3
"""Run a command N times, each under `/usr/bin/time -v`; print one JSON object.

    measure.py RUNS -- CMD ARGS...

Wall time is taken with a monotonic clock around each run (resolution far below /usr/bin/time's
10 ms); peak memory is /usr/bin/time's "Maximum resident set size" of the process. Reported:
best (minimum) wall time, every wall time, the largest peak RSS over the runs, and the standard
output of the fastest run (so callers can read e.g. a row count from it) and of every run, and
the same of standard error (`stderr`, `stderrs`: e.g. `custos customers` prints its receipt there).
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time


def main() -> int:
    args = sys.argv[1:]
    if len(args) < 3 or args[1] != "--":
        print("usage: measure.py RUNS -- CMD [ARGS...]", file=sys.stderr)
        return 2
    runs = int(args[0])
    cmd = args[2:]
    walls, peaks, outputs, errors = [], [], [], []
    for _ in range(runs):
        fd, log = tempfile.mkstemp(prefix="custos-bench-time-")
        os.close(fd)
        try:
            t0 = time.perf_counter()
            proc = subprocess.run(
                ["/usr/bin/time", "-v", "-o", log, *cmd],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            wall = time.perf_counter() - t0
            with open(log, encoding="utf-8", errors="replace") as fh:
                report = fh.read()
        finally:
            os.unlink(log)
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            print(json.dumps({
                "error": f"exit code {proc.returncode}: " + (err[-1] if err else "(no output)"),
                "command": cmd,
            }))
            return 1
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
        if not match:
            print(json.dumps({"error": "no 'Maximum resident set size' in /usr/bin/time -v output"}))
            return 1
        walls.append(wall)
        peaks.append(int(match.group(1)) * 1024)
        outputs.append(proc.stdout.decode("utf-8", "replace"))
        errors.append(proc.stderr.decode("utf-8", "replace"))
    best = min(range(runs), key=lambda i: walls[i])
    print(json.dumps({
        "wall_s": walls[best],
        "walls_s": walls,
        "peak_rss_bytes": max(peaks),
        "stdout": outputs[best],
        "stdouts": outputs,
        "stderr": errors[best],
        "stderrs": errors,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())

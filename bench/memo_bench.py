"""Render time of the PDF memo: a cold process (interpreter start, imports, one render) and a
warm one (later renders in the same process).

    .venv/bin/python -m bench.memo_bench [--runs 5] [--vendor NAME ...]

Each memo is rendered from a real report of the bundled seeds, as ``duediligence check VENDOR
--json`` writes it. The defaults: Axis Communications (no findings: the three-page memo the
target is set for) and Hikvision (20 findings, 55 quotes: the longest memo the seeds give).
Wall-clock and CPU times are both printed, because wall-clock time on a shared machine also
measures the neighbours. Target: under 1.5 s for the cold process, for a memo of up to three
pages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

TARGET_SECONDS = 1.5
AS_OF = "2026-11-27"
REPO = Path(__file__).resolve().parent.parent

# One cold run: everything a `duediligence check --pdf` pays for the memo, from interpreter
# start (timed by the parent) to the PDF bytes; the child reports its own import/render split.
COLD = textwrap.dedent("""
    import time
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    import datetime, sys
    from pathlib import Path
    from duediligence.memo import render_memo
    from duediligence.report import Report
    import weasyprint  # noqa: F401  (imported lazily by render_memo; counted as import here)
    imported = time.perf_counter()
    data = Path(sys.argv[1]).read_bytes()
    pdf = render_memo(Report.model_validate_json(data), data,
                      assessment_date=datetime.date.fromisoformat(sys.argv[2]))
    end_wall, end_cpu = time.perf_counter(), time.process_time()
    print(imported - start_wall, end_wall - imported, end_cpu - start_cpu, len(pdf))
""")


def seed_report(vendor: str, directory: Path) -> bytes:
    """The JSON report of ``vendor`` on the bundled seeds, from the CLI."""
    from duediligence import cli

    path = directory / "report.json"
    try:
        cli.main(["check", vendor, "--json", str(path), "--as-of", AS_OF,
                  "--fail-on", "never", "--quiet"], standalone_mode=False)
    except SystemExit as exc:           # the CLI may leave through sys.exit even on success
        if exc.code not in (0, None):
            raise
    return path.read_bytes()


def pages_of(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def cold_runs(report_path: Path, runs: int) -> list[tuple[float, float, float, float]]:
    """(process wall time, import, render, process CPU) for ``runs`` fresh interpreters."""
    results = []
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", COLD, str(report_path), AS_OF],
                              capture_output=True, text=True, env=env, check=True)
        total = time.perf_counter() - start
        imported, rendered, cpu, _size = (float(x) for x in done.stdout.split())
        results.append((total, imported, rendered, cpu))
    return results


def warm_runs(report_json: bytes, runs: int) -> list[tuple[float, float]]:
    """(wall, CPU) of ``runs`` renders in this process, after one render to warm it up."""
    from duediligence.memo import render_memo
    from duediligence.report import Report

    report = Report.model_validate_json(report_json)
    date = dt.date.fromisoformat(AS_OF)
    render_memo(report, report_json, assessment_date=date)
    results = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        render_memo(report, report_json, assessment_date=date)
        results.append((time.perf_counter() - wall, time.process_time() - cpu))
    return results


def bench(vendor: str, runs: int) -> None:
    from duediligence.memo import render_memo
    from duediligence.report import Report

    with tempfile.TemporaryDirectory(prefix="memo-bench-") as tmp:
        data = seed_report(vendor, Path(tmp))
        report = Report.model_validate_json(data)
        pages = pages_of(render_memo(report, data, assessment_date=dt.date.fromisoformat(AS_OF)))
        print(f"{vendor}: {len(report.findings)} findings, "
              f"{sum(len(f.evidence) for f in report.findings)} quotes, {pages} pages")

        cold = cold_runs(Path(tmp) / "report.json", runs)
        total, imported, rendered, cpu = (statistics.median(c[i] for c in cold) for i in range(4))
        verdict = ""
        if pages <= 3:
            verdict = (f"; {'within' if total < TARGET_SECONDS else 'OVER'} the "
                       f"{TARGET_SECONDS} s target")
        print(f"  cold process: {total:.2f} s wall = {imported:.2f} s imports + {rendered:.2f} s "
              f"render + {total - imported - rendered:.2f} s interpreter start and exit; "
              f"{cpu:.2f} s CPU in the child{verdict}")

        warm = warm_runs(data, runs)
        wall, cpu = (statistics.median(w[i] for w in warm) for i in range(2))
        print(f"  warm render:  {wall:.2f} s wall, {cpu:.2f} s CPU")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each kind (median shown)")
    parser.add_argument("--vendor", action="append",
                        help="vendor to check on the seeds (repeatable; default: Axis "
                             "Communications and Hikvision)")
    args = parser.parse_args(argv)
    print(f"memo render time, {args.runs} runs each, medians; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    for vendor in args.vendor or ["Axis Communications", "Hikvision"]:
        bench(vendor, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

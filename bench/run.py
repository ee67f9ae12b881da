"""``make bench``: timings of check and screen on synthetic corpora, against a grep floor.

For each size: ``check`` of one vendor with no cache (cold), again (warm: the saved report is
written again), again with another ``--as-of`` (warm analyses, the report rebuilt) and after
adding 100 new articles; ``screen`` of 50 vendors the same way; and ``grep -F -c`` over the corpus
for the vendor's names as the floor: the least any tool reading every article must spend. Every
command is a separate process timed from start to exit (start-up, imports and rule loading
included), with its peak resident memory (the largest of the process and its workers, from
``wait4``). ``--profile N`` instead profiles the engine on N synthetic articles in this process.

    python -m bench.run --sizes 1000,10000
    python -m bench.run --profile 1000
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.synth import OTHER_NAMES, REGISTRY_NAMES, ensure_corpus, write_corpus

HERE = Path(__file__).resolve().parent
CACHE = ".duediligence-cache.sqlite"
VENDOR = "Hikvision"
SCREENED = REGISTRY_NAMES[:45] + OTHER_NAMES[:5]          # 50 vendors, 5 outside the registry


@dataclass
class Timing:
    label: str
    seconds: float
    peak_mb: float
    exit: int


def command() -> list[str]:
    script = Path(sys.executable).with_name("duediligence")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from duediligence.cli import main; main()"]


def timed(label: str, argv: list[str], ok: tuple[int, ...] = (0,)) -> Timing:
    """Run ``argv`` to completion; wall time and peak RSS of it and the children it waited for."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if process.returncode not in ok:
        raise SystemExit(f"{label}: exit {process.returncode}\n{stderr}")
    return Timing(label, seconds, usage.ru_maxrss / 1024, process.returncode)


def vendor_names(vendor: str) -> list[str]:
    """The names the checker searches for, asked of a child process: importing the package here
    would make this process large, and a child's peak memory counts its parent's until exec."""
    code = ("import json, sys; from duediligence.check import resolve_vendor; "
            "from duediligence.cli import load_rules; "
            "print(json.dumps(sorted({n.text for n in resolve_vendor(sys.argv[1], "
            "load_rules(())).names})))")
    import json
    return json.loads(subprocess.run([sys.executable, "-c", code, vendor], check=True,
                                     capture_output=True, text=True).stdout)


def bench_size(size: int, seed: int, workdir: Path) -> list[Timing]:
    corpus = workdir / f"corpus-{size}"
    started = time.perf_counter()
    ensure_corpus(corpus, seed, size)
    print(f"\n{size:,} articles ({_du(corpus)} MB; corpus ready in "
          f"{time.perf_counter() - started:.0f} s)", flush=True)
    out = workdir / f"out-{size}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    suppliers = out / "suppliers.txt"
    suppliers.write_text("\n".join(SCREENED) + "\n", encoding="utf-8")
    cli = command()
    check = [*cli, "check", VENDOR, "--corpus", str(corpus), "--json", str(out / "check.json"),
             "--fail-on", "never", "-q"]
    screen = [*cli, "screen", str(suppliers), "--corpus", str(corpus), "--out",
              str(out / "screen"), "--fail-on", "never", "-q"]
    grep = ["grep", "-rFc", "--exclude=.*", *[a for n in vendor_names(VENDOR) for a in ("-e", n)],
            str(corpus)]
    added: list[Path] = []
    rows: list[Timing] = []

    def run(label: str, argv: list[str], ok: tuple[int, ...] = (0,)) -> None:
        row = timed(label, argv, ok)
        rows.append(row)
        print(f"  {row.label:40} {row.seconds:9.2f} {row.seconds / rows[0].seconds:8.1f} "
              f"{row.peak_mb:8.0f}", flush=True)

    print(f"  {'':40} {'seconds':>9} {'x grep':>8} {'peak MB':>8}")
    try:
        run("grep -F -c (floor)", grep, ok=(0, 1))
        _drop_cache(corpus)
        run(f"check {VENDOR}, cold", check)
        run(f"check {VENDOR}, warm", check)
        run(f"check {VENDOR}, warm, new --as-of", [*check, "--as-of", "2026-01-01"])
        added += _add(corpus, seed, size, size + 100)
        run(f"check {VENDOR}, +100 articles", check)
        _drop_cache(corpus)
        run(f"screen {len(SCREENED)} vendors, cold", screen)
        run(f"screen {len(SCREENED)} vendors, warm", screen)
        run(f"screen {len(SCREENED)} vendors, warm, new --as-of", [*screen, "--as-of", "2026-01-01"])
        added += _add(corpus, seed, size + 100, size + 200)
        run(f"screen {len(SCREENED)} vendors, +100 articles", screen)
    finally:
        for path in added:
            path.unlink(missing_ok=True)
    return rows


def _add(corpus: Path, seed: int, start: int, stop: int) -> list[Path]:
    from bench.synth import article

    write_corpus(corpus, seed, start, stop)
    return [corpus / article(seed, i)[0] for i in range(start, stop)]


def _compile_package() -> None:
    """Write the package's bytecode, as ``pip install`` does: an editable install run with
    PYTHONDONTWRITEBYTECODE would otherwise compile every module from source in every timed
    process (about 0.2 s), which is not what users of the installed tool see."""
    import compileall

    import duediligence

    compileall.compile_dir(str(Path(duediligence.__file__).parent), quiet=1)


def _drop_cache(corpus: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        (corpus / f"{CACHE}{suffix}").unlink(missing_ok=True)


def _du(path: Path) -> str:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and CACHE not in p.name)
    return f"{total / 1e6:.0f}"


def scaling(results: dict[int, list[Timing]]) -> None:
    """Linear in the corpus (seconds per 1,000 articles), and cheap in the number of vendors."""
    sizes = sorted(results)
    if not sizes:
        return
    print("\nPer 1,000 articles (flat = linear in the corpus):")
    for index, row in enumerate(results[sizes[0]]):
        cells = "  ".join(f"{results[s][index].seconds / s * 1000:6.2f}s @{s:,}" for s in sizes)
        print(f"  {row.label:40} {cells}")
    print(f"\n{len(SCREENED)} vendors vs 1 (cold screen / cold check; 50 would be linear):")
    for size in sizes:
        rows = {r.label: r.seconds for r in results[size]}
        ratio = rows[f"screen {len(SCREENED)} vendors, cold"] / rows[f"check {VENDOR}, cold"]
        print(f"  {size:>9,} articles: x{ratio:.2f}")


def profile(count: int, seed: int, workdir: Path, top: int = 25) -> None:
    """cProfile of the engine over ``count`` synthetic articles, in this process."""
    import cProfile
    import pstats

    from duediligence.check import engine_for
    from duediligence.cli import load_rules
    from duediligence.corpus import iter_corpus

    corpus = workdir / f"corpus-{count}"
    ensure_corpus(corpus, seed, count)
    engine = engine_for(load_rules(()), [])
    documents = [d for d in iter_corpus(corpus) if hasattr(d, "text")]
    started = time.perf_counter()
    for document in documents:
        engine.analyse(document)
    seconds = time.perf_counter() - started
    print(f"engine.analyse: {seconds / len(documents) * 1000:.2f} ms per article "
          f"({len(documents)} articles, no profiler)")
    profiler = cProfile.Profile()
    profiler.enable()
    for document in documents:
        engine.analyse(document)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="profile the engine on N articles instead")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    _compile_package()
    if args.profile:
        profile(args.profile, args.seed, args.workdir)
        return
    print(f"duediligence bench: nproc {os.cpu_count()}, usable cores "
          f"{len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'}, "
          f"Python {platform.python_version()}, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}, seed {args.seed}")
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        results[size] = bench_size(size, args.seed, args.workdir)
    scaling(results)
    print(f"\nload average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

"""bench/classify: corpus accuracy per class with a confusion table, and throughput
on a large generated log beside `grep -E` over the same patterns."""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from jetllm.classify.catalog import default_catalog
from jetllm.classify.corpus import CaseResult, accuracy, corpus_dir, run_corpus
from jetllm.classify.noise import noise_lines

FAILURES = (
    "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
    "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization`",
    "Traceback (most recent call last):",
)
_ERE = [(r"(?:", "("), (r"\d", "[0-9]"), (r"\s", "[[:space:]]"), (r"\S", "[^[:space:]]"),
        (r"\w", "[[:alnum:]_]"), (r"[^\n]", "."), ("(?i)", "")]  # fmt: skip


def print_accuracy(outcomes: list[CaseResult]) -> None:
    print(f"corpus: {len(outcomes)} cases, accuracy {accuracy(outcomes):.1%}")
    per = Counter(o.expected for o in outcomes)
    right = Counter(o.expected for o in outcomes if o.ok)
    for cls in sorted(per, key=lambda c: c.value):
        print(f"  {cls.value:<24} {right[cls]:>3}/{per[cls]:<3} {right[cls] / per[cls]:6.1%}")
    labels = sorted({o.expected for o in outcomes} | {o.got for o in outcomes}, key=lambda c: c.value)
    pairs = Counter((o.expected, o.got) for o in outcomes)
    print("\nconfusion (rows: expected, columns: classified, numbered as the rows)")
    print(" " * 29 + "".join(f"{n:>3}" for n in range(1, len(labels) + 1)))
    for number, row in enumerate(labels, 1):
        cells = "".join(f"{pairs[(row, col)] or '.':>3}" for col in labels)
        print(f"  {number:>2} {row.value:<24}{cells}")
    for o in outcomes:
        if not o.ok:
            print(f"  miss: {o.id}: {o.expected.value} -> {o.got.value} ({o.signature})")


def generate(path: Path, megabytes: int) -> int:
    target = megabytes << 20
    written = 0
    with path.open("w", encoding="utf-8") as out:
        lines = noise_lines(seed=7)
        while written < target:
            chunk = "\n".join(itertools.islice(lines, 20000)) + "\n"
            out.write(chunk)
            written += len(chunk.encode())
        out.write("\n".join(FAILURES) + "\n")
    return path.stat().st_size


def ere_patterns() -> tuple[list[str], int]:
    kept, skipped = [], 0
    for sig in default_catalog().signatures:
        for pattern in sig.patterns:
            text = pattern.pattern
            if "(?!" in text or "(?=" in text or "(?<" in text:
                skipped += 1
                continue
            for old, new in _ERE:
                text = text.replace(old, new)
            kept.append(re.sub(r"\(\?i:", "(", text))
    return kept, skipped


def throughput(megabytes: int) -> None:
    from jetllm.classify import classify_file

    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "noise.log"
        size = generate(log, megabytes)
        start = time.perf_counter()
        diagnosis = classify_file(log)
        took = time.perf_counter() - start
        print(f"\nthroughput on a generated {size / 1e6:.0f} MB log ({diagnosis.failure_class.value}):")
        print(f"  jetllm classify   {size / 1e6 / took:8.1f} MB/s  ({took:.2f} s)")
        grep = shutil.which("grep")
        if not grep:
            print("  grep -E           (grep not found)")
            return
        patterns, skipped = ere_patterns()
        pattern_file = Path(tmp) / "patterns.txt"
        pattern_file.write_text("\n".join(patterns) + "\n")
        start = time.perf_counter()
        done = subprocess.run([grep, "-E", "-i", "-c", "-f", str(pattern_file), str(log)],
                              capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})  # fmt: skip
        took = time.perf_counter() - start
        note = f", {skipped} lookaround patterns left out" if skipped else ""
        print(f"  grep -E -i -f     {size / 1e6 / took:8.1f} MB/s  ({took:.2f} s, {len(patterns)} patterns{note}, "
              f"{done.stdout.strip() or done.stderr.strip()} lines matched)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench/classify")
    parser.add_argument("--size-mb", type=int, default=256, help="size of the generated log (default 256)")
    parser.add_argument("--corpus", default=None, help="corpus directory (default shared/corpus/dev)")
    args = parser.parse_args()
    directory = Path(args.corpus) if args.corpus else corpus_dir("dev")
    if directory.is_dir():
        print_accuracy(run_corpus(directory))
    else:
        print(f"corpus not found at {directory}; accuracy skipped")
    throughput(args.size_mb)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The benchmarks' smoke test: every benchmark briefly (two repetitions, so that there are medians),
then the report (scripts/benchmark_report.py) on what they wrote. Timings are never asserted; what
is checked is that the binary's own checks pass (its main compares the hand-written code with
nabla's before anything is timed), that the report reads every row the benchmarks write, that
every nabla row's stack use is measured, and that no nabla row allocates.
usage: smoke.py BENCHMARK_BINARY REPORT_SCRIPT"""
import pathlib
import subprocess
import sys
import tempfile

binary, report_script = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as directory:
    out = pathlib.Path(directory)
    run = subprocess.run([binary, "--benchmark_min_time=0.0001", "--benchmark_repetitions=2",
                          f"--benchmark_out={out / 'results.json'}", "--benchmark_out_format=json"],
                         capture_output=True, text=True)
    print(run.stdout[-3000:])
    if run.returncode != 0:
        print(f"the benchmarks failed ({run.returncode}):\n{run.stderr}")
        sys.exit(1)
    run = subprocess.run([sys.executable, report_script, str(out / "results.json"), "smoke test", str(out)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        print(f"the report failed:\n{run.stdout}{run.stderr}")
        sys.exit(1)
    page = (out / "benchmarks.md").read_text(encoding="utf-8")

failures = []
for network in ("T", "S", "M", "W"):
    section = page.split(f"## {network}: ", 1)[-1].split("\n## ", 1)[0]
    for label in ("forward, 1 sample", "training step, 1 sample", "training step, minibatch of 32"):
        line = next((l for l in section.splitlines() if l.startswith(f"| {label} |")), None)
        # The first cell after the label is nabla's: a time, not the dash of a missing row.
        if line is None or line.split("|")[2].strip() == "—":
            failures.append(f"{network} {label}: no nabla row on the page")
# Every nabla row's stack use measured (a network's line in "Stack use", a cell a workload).
stack_use = page.split("## Stack use", 1)[-1].split("\n## ", 1)[0] if "## Stack use" in page else ""
for network in ("T", "S", "M", "W"):
    line = next((l for l in stack_use.splitlines() if l.startswith(f"| {network} |")), None)
    if line is None or len(line.split("|")) != 6 or any(cell.strip() in ("", "—") for cell in line.split("|")[2:5]):
        failures.append(f"{network}: the stack use of nabla's rows is not all measured: {line}")
for heading in ("## Stack use", "## The fastest repetitions", "## Memory floor of the one-sample rows", "## Forward passes in a chain",
                "## Subnormal inputs", "## Update rules", "## Minibatch sizes", "## Where the weights start",
                "## Where the weights live", "## Where the stack falls", "## Targets"):
    if heading not in page:
        failures.append(f"no section {heading!r}")
if "- met: heap allocations in nabla's rows: 0 rows allocate" not in page:
    failures.append("a nabla row allocates: " + next((l for l in page.splitlines() if "heap allocations" in l), "(no line)"))
if failures:
    print("\n".join(failures) + "\n\nthe page:\n" + page)
    sys.exit(1)
print("every benchmark ran; the report read them all; no nabla row allocates")

#!/usr/bin/env python3
"""Runs a libFuzzer target for a fixed time from a scratch copy of its seed corpus (the repository
stays as it is). Exit status: the fuzzer's (non-zero on a crash, leak or sanitizer report).
usage: run_fuzzer.py FUZZER CORPUS_DIR SECONDS"""
import shutil
import subprocess
import sys
import tempfile

fuzzer, corpus, seconds = sys.argv[1], sys.argv[2], sys.argv[3]
with tempfile.TemporaryDirectory() as scratch:
    work = shutil.copytree(corpus, f"{scratch}/corpus")
    run = subprocess.run([fuzzer, f"-max_total_time={seconds}", "-timeout=10", "-rss_limit_mb=2048",
                          "-print_final_stats=1", work], capture_output=True, text=True)
    print("\n".join(run.stderr.splitlines()[-25:]))
    print(f"{fuzzer}: exit {run.returncode}")
sys.exit(run.returncode)

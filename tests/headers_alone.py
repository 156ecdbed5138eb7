#!/usr/bin/env python3
"""Compiles every public header on its own, so that each includes what it uses.
usage: headers_alone.py INCLUDE_DIR COMPILER [FLAG...]"""
import pathlib
import subprocess
import sys

root = pathlib.Path(sys.argv[1])
command = sys.argv[2:]
failures = 0
headers = sorted(root.glob("nabla/**/*.hpp"))
for header in headers:
    name = header.relative_to(root).as_posix()
    source = f"#include <{name}>\nint main() {{}}\n"
    run = subprocess.run([*command, "-fsyntax-only", "-x", "c++", "-"], input=source, capture_output=True, text=True)
    if run.returncode != 0:
        failures += 1
        print(f"{name} does not compile alone:\n{run.stdout}{run.stderr}")
print(f"{len(headers) - failures} of {len(headers)} headers compile alone")
sys.exit(1 if failures or not headers else 0)

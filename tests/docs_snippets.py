#!/usr/bin/env python3
"""Compiles and runs every ```cpp block of README.md and docs/*.md, so the docs cannot rot.

A block with its own main() is compiled as it is; any other block becomes the body of main(),
after nabla's umbrella header and the standard headers the examples use (its #include lines are
moved to the top). A block followed by a line 'prints' and a plain ``` block must print exactly that.
usage: docs_snippets.py SOURCE_ROOT COMPILER [FLAG...]"""
import pathlib
import re
import subprocess
import sys
import tempfile

root = pathlib.Path(sys.argv[1])
command = sys.argv[2:]
PRELUDE = ["#include <nabla/nabla.hpp>", "#include <cassert>", "#include <cmath>", "#include <cstdio>",
           "#include <type_traits>", "#include <vector>"]
files = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
blocks = []
for path in files:
    text = path.read_text(encoding="utf-8")
    for match in re.finditer(r"^```cpp\n(.*?)^```\n(?:\nprints\n\n```\n(.*?)^```)?", text, re.S | re.M):
        line = text[: match.start()].count("\n") + 1
        blocks.append((f"{path.relative_to(root)}:{line}", match.group(1), match.group(2)))

failures = 0
with tempfile.TemporaryDirectory() as scratch:
    for k, (where, code, expected) in enumerate(blocks):
        if "int main" in code:
            source = code
        else:
            lines = code.splitlines()
            includes = [l for l in lines if l.startswith("#include")]
            body = [l for l in lines if not l.startswith("#include")]
            source = "\n".join(PRELUDE + includes + ["int main() {"] + body + ["}"]) + "\n"
        cpp = pathlib.Path(scratch) / f"block{k}.cpp"
        exe = pathlib.Path(scratch) / f"block{k}"
        cpp.write_text(source, encoding="utf-8")
        built = subprocess.run([*command, str(cpp), "-o", str(exe)], capture_output=True, text=True)
        if built.returncode != 0:
            failures += 1
            print(f"{where}: does not compile:\n{built.stdout}{built.stderr}")
            continue
        ran = subprocess.run([str(exe)], capture_output=True, text=True, timeout=120)
        if ran.returncode != 0:
            failures += 1
            print(f"{where}: exits with {ran.returncode}:\n{ran.stdout}{ran.stderr}")
        elif expected is not None and ran.stdout.rstrip("\n") != expected.rstrip("\n"):
            failures += 1
            print(f"{where}: prints\n{ran.stdout}\ninstead of what the docs show:\n{expected}")
        else:
            print(f"{where}: ok")
print(f"{len(blocks) - failures} of {len(blocks)} code blocks compile and run")
sys.exit(1 if failures or not blocks else 0)

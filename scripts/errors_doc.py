#!/usr/bin/env python3
"""Writes docs/errors.md: every compile-failure case of tests/compile_fail, the mistake it makes,
and what g++ and clang++ print for it (the error line and the note that carries the numbers).
usage (from the repository root): python3 scripts/errors_doc.py"""
import pathlib
import re
import subprocess

root = pathlib.Path(__file__).resolve().parent.parent
cases = sorted(p for p in (root / "tests" / "compile_fail").glob("*.cpp") if not p.name.startswith("sanity"))
out = ["# Compile errors, as a user sees them", "",
       "Every static check nabla makes, with the mistake that triggers it and the first lines g++ 12 and",
       "clang++ 14 print (Debian 12). Each is one error, within the first ten lines of output: after a",
       "failed check nabla stops the cascade. The predicate in the note carries the numbers (shapes, layer",
       "indices); the messages are listed in `include/nabla/diagnostics.hpp`. The same cases run as tests",
       "(`tests/compile_fail/`), which check the message, that it is the only error, and the length.",
       "Regenerate this page with `python3 scripts/errors_doc.py`.", ""]
for case in cases:
    text = case.read_text(encoding="utf-8")
    title = text.splitlines()[0].lstrip("/ ").strip()
    mistake = re.search(r"#ifdef NABLA_FAIL\n(.*?)#else", text, re.S).group(1).rstrip()
    out += [f"## {title}", "", f"`tests/compile_fail/{case.name}`:", "", "```", mistake.strip("\n"), "```", ""]
    for compiler in ("g++", "clang++"):
        run = subprocess.run([compiler, "-std=c++20", "-fsyntax-only", "-fno-diagnostics-color", "-Iinclude",
                              "-DNABLA_FAIL", str(case.relative_to(root))], cwd=root, capture_output=True, text=True)
        lines = run.stderr.splitlines()
        shown = [l for l in lines if "error:" in l or ("note:" in l and "check::" in l)]
        out += [f"{compiler} ({len(lines)} lines in all):", "", "```", *shown, "```", ""]
(root / "docs" / "errors.md").write_text("\n".join(out), encoding="utf-8")
print(f"docs/errors.md: {len(cases)} cases")

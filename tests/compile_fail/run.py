#!/usr/bin/env python3
"""Runs one compile-failure case: compiles it once as valid code and once with -DNABLA_FAIL.

The case's '// expect:' lines must all appear in the failing compiler output (spaces and 'nabla::'
ignored: g++ writes 'vector<4> >' where clang++ writes 'vector<4>>', and clang++ prints a predicate
as the source spells it); the first 'error:' line must carry the
first expectation and come within the first ten lines; there must be exactly one error; the output must stay under 25 lines.
Exit 0: the case behaves. Exit 1: it does not. Exit 99: the valid variant does not compile, so the
case itself is broken (meson reports a hard error).
usage: run.py CASE.cpp COMPILER [FLAG...]
"""
import re
import subprocess
import sys

MAX_LINES = 25
case, command = sys.argv[1], sys.argv[2:]
expectations = [line.split("expect:", 1)[1].strip()
                for line in open(case, encoding="utf-8") if line.startswith("// expect:")]
if not expectations:
    print(f"{case}: no '// expect:' line")
    sys.exit(99)


def compile_case(*extra):
    run = subprocess.run([*command, "-fsyntax-only", "-fno-diagnostics-color", *extra, case],
                         capture_output=True, text=True, check=False)
    return run.returncode, run.stdout + run.stderr


status, output = compile_case()
if status != 0:
    print(f"{case}: the valid variant does not compile:\n{output}")
    sys.exit(99)

status, output = compile_case("-DNABLA_FAIL")
lines = output.splitlines()
def squeeze(text):
    return re.sub(r"\s+", "", text).replace("nabla::", "")


squeezed = squeeze(output)
errors = [line for line in lines if " error:" in line or line.startswith("error:")]
problems = []
if status == 0:
    problems.append("the mistake compiled")
for expected in expectations:
    if squeeze(expected) not in squeezed:
        problems.append(f"the output lacks: {expected}")
if errors and lines.index(errors[0]) >= 10:
    problems.append(f"the first error is on line {lines.index(errors[0]) + 1}, past the first ten")
if errors and expectations[0] not in errors[0]:
    problems.append(f"the first error is not the intended one: {errors[0]}")
if len(errors) != 1:
    problems.append(f"{len(errors)} errors instead of one")
if len(lines) >= MAX_LINES:
    problems.append(f"{len(lines)} lines of output (the limit is {MAX_LINES - 1})")

print(output)
if problems:
    print("\n".join(f"{case}: {p}" for p in problems))
    sys.exit(1)
print(f"{case}: one error, {len(lines)} lines, as intended")

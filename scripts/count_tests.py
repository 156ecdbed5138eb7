#!/usr/bin/env python3
"""Totals the results of every meson test log given, as one line: 'N passed, N failed'.

A Catch2 program counts its test cases (read from its summary); any other test (a compile-failure
case, a smoke run) counts as one; a skipped test (exit 77) is counted apart. A program that died before its summary counts as one failure.
"""
import json
import re
import sys

ALL_PASSED = re.compile(r"All tests passed \(\d+ assertions? in (\d+) test cases?\)")
SOME_FAILED = re.compile(r"test cases:\s*(\d+) \|\s*(?:(\d+) passed \|\s*)?(\d+) failed")

passed = failed = skipped = 0
paths = sys.argv[1:]
# "--unbuilt N": configurations whose build failed, one failure each.
if paths[:1] == ["--unbuilt"]:
    failed += int(paths[1])
    paths = paths[2:]
for path in paths:
    try:
        log = open(path, encoding="utf-8")
    except OSError:
        print(f"{path}: no test log (the tests did not run)")
        failed += 1
        continue
    with log:
        for line in log:
            test = json.loads(line)
            if test["result"] == "SKIP":
                skipped += 1
                continue
            ok = test["result"] in ("OK", "EXPECTEDFAIL")
            out = test.get("stdout") or ""
            if m := ALL_PASSED.search(out):
                n = int(m.group(1))
                passed += n if ok else 0
                failed += 0 if ok else max(n, 1)
            elif m := SOME_FAILED.search(out):
                passed += int(m.group(2) or 0)
                failed += max(int(m.group(3)), 0 if ok else 1)
            elif ok:
                passed += 1
            else:
                failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed else 0)

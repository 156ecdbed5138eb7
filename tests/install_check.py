#!/usr/bin/env python3
"""`meson install` into a scratch folder installs the umbrella header and a pkg-config file whose
flags compile a program that uses nabla.
usage: install_check.py MESON BUILD_DIR COMPILER"""
import pathlib
import subprocess
import sys
import tempfile

meson, build, compiler = sys.argv[1:4]
with tempfile.TemporaryDirectory() as scratch:
    subprocess.run([meson, "install", "-C", build, "--destdir", scratch, "--no-rebuild", "--quiet"], check=True)
    root = pathlib.Path(scratch)
    headers = list(root.glob("**/include/nabla/nabla.hpp"))
    pc_files = list(root.glob("**/pkgconfig/nabla.pc"))
    if not headers or not pc_files:
        sys.exit(f"missing after install: headers {headers}, pkg-config {pc_files}")
    include = headers[0].parent.parent
    source = root / "use.cpp"
    source.write_text("#include <nabla/nabla.hpp>\n"
                      "int main() { nabla::network<float, nabla::input<2>, nabla::dense<1, nabla::sigmoid>> net;\n"
                      "  return static_cast<int>(net(nabla::vector<float, 2>{1, 2})[0] * 2) - 1; }\n")
    subprocess.run([compiler, "-std=c++20", f"-I{include}", str(source), "-o", str(root / "use")], check=True)
    subprocess.run([str(root / "use")], check=True)
    print(f"installed {headers[0]} and {pc_files[0]}; a program built against them runs")

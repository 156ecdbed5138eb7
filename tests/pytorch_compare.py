#!/usr/bin/env python3
"""A PyTorch model exported by tools/export_pytorch.py loads into nabla, and nabla's outputs match
PyTorch's on 100 random inputs: within 1e-6 relative in double, 1e-5 in float. Skipped (exit 77)
where torch is not installed.
usage: pytorch_compare.py PYTORCH_FORWARD_EXECUTABLE SOURCE_ROOT"""
import pathlib
import subprocess
import sys
import tempfile

try:
    import torch
except ImportError:
    print("torch is not installed (Debian: python3-torch): skipped")
    sys.exit(77)

forward, root = sys.argv[1], pathlib.Path(sys.argv[2])
sys.path.insert(0, str(root / "tools"))
import export_pytorch  # noqa: E402

failures = 0
with tempfile.TemporaryDirectory() as scratch:
    for dtype, name, tolerance in ((torch.float64, "double", 1e-6), (torch.float32, "float", 1e-5)):
        model = export_pytorch.build("5,16:tanh,8:relu,3:softmax", seed=4).to(dtype)
        path = pathlib.Path(scratch) / f"model_{name}.safetensors"
        cpp_type = export_pytorch.export(model, str(path), dtype)
        expected_type = (f"nabla::network<{name}, nabla::input<5>, nabla::dense<16, nabla::tanh>, "
                         "nabla::dense<8, nabla::relu>, nabla::dense<3, nabla::softmax>>")
        if cpp_type != expected_type:
            failures += 1
            print(f"the exporter printed {cpp_type}, not {expected_type}")
        torch.manual_seed(5)
        inputs = torch.randn(100, 5, dtype=dtype) * 2
        with torch.no_grad():
            outputs = model(inputs)
        input_file = pathlib.Path(scratch) / f"inputs_{name}.txt"
        input_file.write_text("\n".join(" ".join(float(v).hex() for v in row) for row in inputs) + "\n")
        run = subprocess.run([forward, name, str(path), str(input_file)], capture_output=True, text=True)
        if run.returncode != 0:
            print(f"{name}: {forward} failed: {run.stderr}")
            failures += 1
            continue
        got = [[float.fromhex(v) for v in line.split()] for line in run.stdout.splitlines()]
        worst = 0.0
        for row, expected in zip(got, outputs.tolist()):
            for a, e in zip(row, expected):
                worst = max(worst, abs(a - e) / max(abs(a), abs(e), 1e-300))
        ok = len(got) == 100 and worst <= tolerance
        failures += 0 if ok else 1
        print(f"{name}: {len(got)} outputs, largest relative difference from PyTorch {worst:.2e} "
              f"(limit {tolerance:.0e}): {'ok' if ok else 'FAILED'}")
sys.exit(1 if failures else 0)

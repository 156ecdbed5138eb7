#!/usr/bin/env python3
"""Writes a PyTorch nn.Sequential of nn.Linear layers and activations to a safetensors file that
nabla::load_safetensors reads, and prints the matching nabla::network<...> type. Needs only torch
(Debian's python3-torch): the safetensors container is written here, by its published layout.

usage as a module:  export(model, "model.safetensors", dtype=torch.float32) -> the C++ type
usage as a command: export_pytorch.py OUT.safetensors "64,32:sigmoid,10:softmax" [--seed S] [--double]
                    (builds and exports a randomly initialised model of that topology)
"""
import json
import struct
import sys

import torch

ACTIVATIONS = {torch.nn.Sigmoid: "nabla::sigmoid", torch.nn.Tanh: "nabla::tanh", torch.nn.ReLU: "nabla::relu",
               torch.nn.Identity: "nabla::identity", torch.nn.Softmax: "nabla::softmax"}


def network_type(model, dtype):
    """The nabla::network<...> type of an nn.Sequential of Linear layers, each optionally followed by
    one activation."""
    layers, modules = [], list(model)
    inputs = None
    k = 0
    while k < len(modules):
        linear = modules[k]
        if not isinstance(linear, torch.nn.Linear):
            raise ValueError(f"module {k} is {type(linear).__name__}; expected Linear")
        inputs = inputs or linear.in_features
        activation = "nabla::identity"
        if k + 1 < len(modules) and not isinstance(modules[k + 1], torch.nn.Linear):
            follower = modules[k + 1]
            if isinstance(follower, torch.nn.LeakyReLU):
                slope = follower.negative_slope
                activation = ("nabla::leaky_relu" if slope == 0.01 else
                              f"nabla::leaky_relu_with<std::ratio<{round(slope * 1000)}, 1000>>")
            elif type(follower) in ACTIVATIONS:
                activation = ACTIVATIONS[type(follower)]
            else:
                raise ValueError(f"module {k + 1} is {type(follower).__name__}, which nabla has no activation for")
            k += 1
        layers.append(f"nabla::dense<{linear.out_features}, {activation}>")
        k += 1
    scalar = "double" if dtype == torch.float64 else "float"
    return f"nabla::network<{scalar}, nabla::input<{inputs}>, " + ", ".join(layers) + ">"


def export(model, path, dtype=torch.float32):
    """Writes every parameter of model (state_dict names: '0.weight', '0.bias', ...) to path."""
    tag = {torch.float32: "F32", torch.float64: "F64"}[dtype]
    header, blobs, offset = {}, [], 0
    for name, tensor in model.state_dict().items():
        data = tensor.detach().to(dtype).contiguous().numpy().astype("<f8" if dtype == torch.float64 else "<f4").tobytes()
        header[name] = {"dtype": tag, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt", "written_by": "nabla tools/export_pytorch.py"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for blob in blobs:
            out.write(blob)
    return network_type(model, dtype)


def build(topology, seed):
    """'64,32:sigmoid,10:softmax' -> nn.Sequential(Linear(64, 32), Sigmoid(), Linear(32, 10), Softmax(-1))."""
    torch.manual_seed(seed)
    names = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "identity": None,
             "softmax": lambda: torch.nn.Softmax(dim=-1), "leaky_relu": torch.nn.LeakyReLU}
    parts = topology.split(",")
    size = int(parts[0])
    modules = []
    for part in parts[1:]:
        width, _, activation = part.partition(":")
        modules.append(torch.nn.Linear(size, int(width)))
        if names.get(activation or "identity"):
            modules.append(names[activation]())
        size = int(width)
    return torch.nn.Sequential(*modules)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 0
    dtype = torch.float64 if "--double" in sys.argv else torch.float32
    print(export(build(sys.argv[2], seed).to(dtype), sys.argv[1], dtype))

#!/usr/bin/env python3
"""Compile cost: the wall time and peak memory of g++ and clang++ (-O3 -std=c++20) compiling a
translation unit that trains one network (T, S, M, W of benchmarks/networks.hpp, and a 32-layer
network 16 wide), each compiled alone, once in each of five rounds over all the units (the fastest
kept: loads elsewhere on a shared machine only ever slow a compile down); g++ also with
-march=native, and, for T/S/M/W, the same training written by hand (benchmarks/handwritten.hpp,
the benchmarks' baseline) with and without it.
usage: compile_cost.py INCLUDE_DIR OUT.json [EXTRA_FLAGS...]
       compile_cost.py --sources DIR   (writes the units, train_T.cpp …, to count or profile them)
       compile_cost.py --parts DIR     (writes units that each add one pass of M's training, one of
                                        twenty tiles, ones of the headers nabla includes, and M's
                                        training units, nabla's and the hand-written one, cut down,
                                        to count where a training unit's cost goes)"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

NETWORKS = {
    "T": "float, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<1, nabla::sigmoid>",
    "S": "float, nabla::input<8>, nabla::dense<16, nabla::tanh>, nabla::dense<16, nabla::tanh>, nabla::dense<4, nabla::identity>",
    "M": "float, nabla::input<64>, nabla::dense<128, nabla::relu>, nabla::dense<64, nabla::relu>, nabla::dense<10, nabla::softmax>",
    "W": "float, nabla::input<256>, nabla::dense<256, nabla::relu>, nabla::dense<256, nabla::relu>, "
         "nabla::dense<256, nabla::relu>, nabla::dense<10, nabla::softmax>",
    "32 layers, 16 wide": "float, nabla::input<16>, " + ", ".join(["nabla::dense<16, nabla::tanh>"] * 31)
                          + ", nabla::dense<4, nabla::identity>",
}
LOSS = {"T": "squared_error", "S": "squared_error", "M": "cross_entropy", "W": "cross_entropy",
        "32 layers, 16 wide": "squared_error"}
SOURCE = """// Trains one network: per-sample SGD and Adam on minibatches, then evaluates it.
#include <vector>
#include <nabla/nabla.hpp>
using net_t = nabla::network<{net}>;
int main() {{
    std::vector<nabla::sample<net_t>> data(64);
    for (std::size_t k = 0; k < data.size(); ++k) data[k].x[0] = static_cast<float>(k) / 64;
    net_t net;
    nabla::initialize(net, nabla::init::xavier_uniform{{}}, 1);
    const auto stop = nabla::stop_when{{.max_epochs = 2}};
    nabla::train(net, data, nabla::{loss}{{}}, nabla::sgd{{.learning_rate = 0.1}}, nabla::per_sample{{}}, stop);
    nabla::train(net, data, nabla::{loss}{{}}, nabla::adam{{}}, nabla::minibatch<16>{{}}, stop);
    return nabla::evaluate(net, data, nabla::{loss}{{}}) > 1e9;
}}
"""

# The hand-written baseline's unit: per-sample SGD and SGD on minibatches over the same 64 samples,
# then the square error summed, from weights a hand-written program draws itself. The network's
# shape comes from benchmarks/common.hpp, which holds no nabla type.
HANDWRITTEN = ("T", "S", "M", "W")
HANDWRITTEN_SOURCE = """// Trains one network by hand: per-sample SGD and SGD on minibatches, then its square error.
#include <cstring>
#include <vector>
#include "handwritten.hpp"
using model = handwritten::model<bench::shape::{name}>;
constexpr std::size_t in = model::n.front(), out = model::n.back(), B = model::B;
template <std::size_t l> void draw(model& m, unsigned& state) {{
    for (auto& w : m.at<l>().Wt) w = static_cast<float>((state = state * 1664525u + 1013904223u) >> 8) * 0x1p-24f - 0.5f;
    if constexpr (l > 1) draw<l - 1>(m, state);
}}
int main() {{
    std::vector<std::array<float, in>> x(64);
    std::vector<std::array<float, out>> y(64);
    for (std::size_t k = 0; k < x.size(); ++k) x[k][0] = static_cast<float>(k) / 64;
    static model m;
    unsigned state = 1;
    draw<model::L>(m, state);
    static model::tape<1> one;
    static model::tape<B> many;
    static float targets[out * B];
    for (int epoch = 0; epoch < 2; ++epoch)
        for (std::size_t k = 0; k < x.size(); ++k) {{
            std::memcpy(one.at<0>(), x[k].data(), sizeof x[k]);
            m.forward_sample(one);
            m.train_sample(one, y[k].data(), 0.1f);
        }}
    for (int epoch = 0; epoch < 2; ++epoch)
        for (std::size_t k0 = 0; k0 < x.size(); k0 += B) {{
            for (std::size_t j = 0; j < B; ++j) {{
                for (std::size_t i = 0; i < in; ++i) many.at<0>()[i * B + j] = x[k0 + j][i];
                for (std::size_t i = 0; i < out; ++i) targets[i * B + j] = y[k0 + j][i];
            }}
            m.forward_batch(many);
            m.train_batch(many, targets, 0.1f / B);
        }}
    float error = 0;
    for (std::size_t k = 0; k < x.size(); ++k) {{
        std::memcpy(one.at<0>(), x[k].data(), sizeof x[k]);
        m.forward_sample(one);
        for (std::size_t i = 0; i < out; ++i) error += (one.at<model::L>()[i] - y[k][i]) * (one.at<model::L>()[i] - y[k][i]);
    }}
    return error > 1e9;
}}
"""
BENCHMARKS_DIR = pathlib.Path(__file__).resolve().parent.parent / "benchmarks"


FILE_NAMES = {"T": "train_T.cpp", "S": "train_S.cpp", "M": "train_M.cpp", "W": "train_W.cpp",
              "32 layers, 16 wide": "train_32_layers.cpp"}

# M's unit cut into parts, each the base (headers, initialize) plus one call: a batch of 16's forward
# pass; the same and its backward pass; forward, backward and the gradient summed as train sums it;
# Adam's update; per-sample sgd's fused step; and that step's forward pass alone, noting magnitudes.
PARTS = {
    "base": "",
    "batch_forward": "nabla::matrix<float, 64, 16> X{}; auto tape = nabla::forward(net, X); sink = tape.output()(0, 0);",
    "batch_backward": "nabla::matrix<float, 64, 16> X{}; nabla::matrix<float, 10, 16> Y{}; auto tape = nabla::forward(net, X); "
                      "sink = nabla::backward(net, tape, nabla::cross_entropy{}, Y).at<1>()(0, 0);",
    "batch_gradient": "nabla::matrix<float, 64, 16> X{}; nabla::matrix<float, 10, 16> Y{}; net_t::parameters_type total; "
                      "nabla::detail::add_gradient(total, net, nabla::cross_entropy{}, X, Y, 16); sink = total.W<1>()(0, 0);",
    "adam_update": "net_t::parameters_type g; nabla::optimizer<net_t, nabla::adam> opt; sink = opt.step(net, g, 0.5f).applied;",
    "sgd_sample_step": "nabla::vector<float, 64> x{}; nabla::vector<float, 10> y{}; nabla::optimizer<net_t, nabla::sgd> "
                       "opt{nabla::sgd{.learning_rate = 0.1}}; sink = opt.step(net, nabla::cross_entropy{}, x, y).applied;",
    "sample_forward_noted": "nabla::vector<float, 64> x{}; nabla::detail::magnitudes_seen<float, 3> seen; "
                            "nabla::forward_tape<net_t, nabla::vector<float, 64>> tape(net, x, seen); sink = tape.output()[0];",
    # One sample's loss, as evaluate computes it, alone and beside the fused step (which train runs together).
    "sample_loss": "nabla::vector<float, 64> x{}; nabla::vector<float, 10> y{}; sink = nabla::loss_value(net, nabla::cross_entropy{}, x, y);",
    "sgd_sample_step_and_loss": "nabla::vector<float, 64> x{}; nabla::vector<float, 10> y{}; nabla::optimizer<net_t, nabla::sgd> "
                                "opt{nabla::sgd{.learning_rate = 0.1}}; sink = opt.step(net, nabla::cross_entropy{}, x, y).applied "
                                "+ nabla::loss_value(net, nabla::cross_entropy{}, x, y);",
}
PART_SOURCE = """#include <vector>
#include <nabla/nabla.hpp>
using net_t = nabla::network<{net}>;
float sink;
int main() {{
    net_t net;
    nabla::initialize(net, nabla::init::xavier_uniform{{}}, 1);
    {call}
    return sink > 1;
}}
"""
# Twenty forward tiles of S's kind (3 rows, 4 vectors, a batch of 16), one per K: against a unit with
# only the include, what one tile kernel costs.
TILES = """#include <nabla/nabla.hpp>
float A[1 << 16], B[1 << 16], O[1 << 16], Z[1 << 16];
int main() {{
    nabla::detail::store_with_bias<float, 16, false, void> s{{Z, A, O}};
{calls}
    return O[3] > 1;
}}
"""



# The headers other than nabla's that <nabla/nabla.hpp> includes, found by following its includes.
def headers_beside_nabla(include_dir):
    seen, found, todo = set(), [], ["nabla/nabla.hpp"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for line in (pathlib.Path(include_dir) / name).read_text().splitlines():
            if line.startswith("#include <"):
                header = line[len("#include <"):line.index(">")]
                if header.startswith("nabla/"):
                    todo.append(header)
                elif header not in found:
                    found.append(header)
    return sorted(found)


if sys.argv[1] == "--parts":
    out = pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    # What the include costs before nabla's own declarations: the standard headers nabla reaches,
    # then those and Boost.Hana's, against <vector> alone (which every unit here includes).
    others = headers_beside_nabla(pathlib.Path(__file__).resolve().parent.parent / "include")
    standard = [h for h in others if not h.startswith("boost/")]
    for name, headers in (("standard_headers", standard), ("standard_and_hana_headers", others), ("vector_only", ["vector"])):
        (out / f"{name}.cpp").write_text("".join(f"#include <{h}>\n" for h in headers) + "int main() {}\n")
    for name, call in PARTS.items():
        (out / f"part_{name}.cpp").write_text(PART_SOURCE.format(net=NETWORKS["M"], call=call))
    calls = "\n".join(f"    nabla::detail::multiply_tile<float, false, 3, 4>(Z, A, B, nabla::detail::fixed_shape<0, {k}, 16>{{}}, 0, 0, 0, s);"
                      for k in range(2, 22))
    (out / "twenty_tiles.cpp").write_text(TILES.format(calls=calls))
    (out / "include_only.cpp").write_text("#include <nabla/nabla.hpp>\nint main() {}\n")
    # M's training unit and the hand-written one with their main cut down, to compare the two part
    # by part: the headers alone, then (nabla) the samples, initialize and evaluate without training,
    # then the per-sample training alone (its minibatch line or loop taken out).
    unit = SOURCE.format(net=NETWORKS["M"], loss=LOSS["M"])
    by_hand = HANDWRITTEN_SOURCE.format(name="M")
    headers = lambda source: source[:source.index("int main()")] + "int main() {}\n"
    without = lambda source, *marks: "\n".join(l for l in source.splitlines() if not any(m in l for m in marks)) + "\n"
    minibatch_loop = by_hand[by_hand.index("    for (int epoch", by_hand.index("train_sample")):by_hand.index("    float error")]
    for name, source in (("train_M_headers", headers(unit)), ("train_M_no_training", without(unit, "nabla::train(")),
                         ("train_M_per_sample", without(unit, "nabla::adam")), ("handwritten_M_headers", headers(by_hand)),
                         ("handwritten_M_per_sample", by_hand.replace(minibatch_loop, ""))):
        (out / f"{name}.cpp").write_text(source)
    sys.exit(0)
if sys.argv[1] == "--sources":
    pathlib.Path(sys.argv[2]).mkdir(parents=True, exist_ok=True)
    for name, net in NETWORKS.items():
        (pathlib.Path(sys.argv[2]) / FILE_NAMES[name]).write_text(SOURCE.format(net=net, loss=LOSS[name]))
    for name in HANDWRITTEN:
        (pathlib.Path(sys.argv[2]) / f"handwritten_{name}.cpp").write_text(HANDWRITTEN_SOURCE.format(name=name))
    sys.exit(0)
include_dir, out_path, extra = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3:]


def compile_once(compiler, source, workdir, include=None, flags=()):
    """One compile: its wall time in seconds and the compiler's peak memory in MiB."""
    start = time.perf_counter()
    process = subprocess.Popen([compiler, "-std=c++20", "-O3", "-I", include or include_dir, *extra, *flags, "-c",
                                str(source), "-o", str(workdir / "out.o")], stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{compiler} failed on {source}:\n{process.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


ROUNDS = 5
results = {}
with tempfile.TemporaryDirectory() as tmp:
    workdir = pathlib.Path(tmp)
    runs = []  # (network, column, compiler, unit, include, flags)
    for name, net in NETWORKS.items():
        source = workdir / FILE_NAMES[name]
        source.write_text(SOURCE.format(net=net, loss=LOSS[name]))
        runs += [(name, "g++", "g++", source, None, ()), (name, "clang++", "clang++", source, None, ()),
                 (name, "g++ -march=native", "g++", source, None, ("-march=native",))]
        if name in HANDWRITTEN:
            handwritten = workdir / f"handwritten_{name}.cpp"
            handwritten.write_text(HANDWRITTEN_SOURCE.format(name=name))
            runs += [(name, "hand-written, g++", "g++", handwritten, str(BENCHMARKS_DIR), ()),
                     (name, "hand-written, g++ -march=native", "g++", handwritten, str(BENCHMARKS_DIR), ("-march=native",))]
    # Every unit once a round, five rounds: each unit's five compiles are spread over the whole
    # measurement (a few minutes), not taken back to back within seconds, so that one burst of load
    # from elsewhere on a shared machine cannot slow all five of them.
    best = {}
    for round_number in range(ROUNDS):
        for name, key, compiler, unit, include, flags in runs:
            run = compile_once(compiler, unit, workdir, include, flags)
            if (name, key) not in best or run[0] < best[(name, key)][0]:
                best[(name, key)] = run
        print(f"round {round_number + 1} of {ROUNDS} done", flush=True)
    for name, key, *_ in runs:
        seconds, megabytes = best[(name, key)]
        results.setdefault(name, {})[key] = {"seconds": round(seconds, 2), "peak_mib": round(megabytes)}
        print(f"{name:>20} {key:>31}: {seconds:5.2f} s, {megabytes:5.0f} MiB", flush=True)
versions = {c: subprocess.run([c, "--version"], capture_output=True, text=True).stdout.splitlines()[0] for c in ("g++", "clang++")}
out_path.write_text(json.dumps({"flags": " ".join(["-std=c++20", "-O3", *extra]), "compilers": versions,
                                "rounds": ROUNDS, "results": results}, indent=1))

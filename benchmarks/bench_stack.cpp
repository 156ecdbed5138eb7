// The stack each of nabla's twelve rows uses, one call each, untimed (stack_use/<net>/<workload>):
// the calls of bench_nabla.cpp's rows with the same data. A unit of their own: the probe's call
// takes the addresses of what the call captures, which in a timed row's function let g++ keep the
// timed loop's values in memory, and code added to bench_nabla.cpp moved g++'s inlining of the
// timed rows (T's one-sample step 45 → 50 ns, docs/benchmarks-notes.md). The calls are written
// again here, not shared through nabla_rows.hpp with a policy for how a row runs: shared, they
// changed the code g++ gave bench_nabla.cpp's timed rows (its W forward pass's timed function 1,720
// → 1,304 bytes, its W step's 1,524 → 1,627 with only the policy added, `nm -S`), so a change to a
// row's call here must be made in bench_nabla.cpp and nabla_rows.hpp too.
#include <string>

#include "report.hpp"

namespace {

template <class Net> void forward(benchmark::State& state) {
    const auto& net = bench::weights<Net>();
    auto x = bench::first_sample(bench::inputs<Net>());
    bench::report_stack(state, [&] {
        benchmark::DoNotOptimize(x);
        auto y = net(x);
        benchmark::DoNotOptimize(y);
    });
}

template <class Net> void train_sample(benchmark::State& state) {
    static typename Net::net net;
    net = bench::weights<Net>();
    nabla::optimizer<typename Net::net, nabla::sgd> opt{nabla::sgd{.learning_rate = bench::learning_rate}};
    const auto x = bench::first_sample(bench::inputs<Net>());
    const auto y = bench::first_sample(bench::targets<Net>());
    bench::report_stack(state, [&] {
        opt.step(net, typename Net::loss{}, x, y);
        benchmark::DoNotOptimize(net);
    });
}

template <class Net> void train_batch(benchmark::State& state) {
    static typename Net::net net;
    net = bench::weights<Net>();
    nabla::optimizer<typename Net::net, nabla::sgd> opt{nabla::sgd{.learning_rate = bench::learning_rate}};
    const auto& X = bench::inputs<Net>();
    const auto& Y = bench::targets<Net>();
    bench::report_stack(state, [&] {
        opt.step(net, typename Net::loss{}, X, Y, 1.f / bench::batch);
        benchmark::DoNotOptimize(net);
    });
}

} // namespace

#define NABLA_STACK_ROWS(Net)                                                                                          \
    BENCHMARK_TEMPLATE(forward, Net)->Name(std::string("stack_use/") + Net::name + "/forward")->Iterations(1);         \
    BENCHMARK_TEMPLATE(train_sample, Net)->Name(std::string("stack_use/") + Net::name + "/train_sample")->Iterations(1); \
    BENCHMARK_TEMPLATE(train_batch, Net)->Name(std::string("stack_use/") + Net::name + "/train_batch32")->Iterations(1)
NABLA_STACK_ROWS(bench::T);
NABLA_STACK_ROWS(bench::S);
NABLA_STACK_ROWS(bench::M);
NABLA_STACK_ROWS(bench::W);

// What every benchmark reports besides its time: samples per second, GFLOP/s and heap
// allocations per iteration.
#pragma once

#include <cstddef>

#include <benchmark/benchmark.h>

#include "networks.hpp"

namespace bench {

// Runs body once per iteration, counting samples, FLOPs and allocations.
template <class Body> void measure(benchmark::State& state, double flops_per_iteration, std::size_t samples, Body body) {
    const std::size_t before = allocations();
    for (auto _ : state) body();
    const auto iterations = static_cast<double>(state.iterations());
    state.counters["allocs_per_iter"] = static_cast<double>(allocations() - before) / iterations;
    state.counters["GFLOP/s"] = benchmark::Counter(flops_per_iteration * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["samples/s"] = benchmark::Counter(static_cast<double>(samples), benchmark::Counter::kIsIterationInvariantRate);
}

// Registers name "<net>/<workload>/<implementation>".
#define NABLA_BENCHMARK(Net, workload, implementation, function)                                                      \
    BENCHMARK_TEMPLATE(function, Net)->Name(std::string(Net::name) + "/" workload "/" implementation)

// The twelve rows of one implementation: T, S, M, W × forward, one-sample step, minibatch step.
#define NABLA_BENCHMARK_ROWS(implementation, forward, train_sample, train_batch)                                     \
    NABLA_BENCHMARK_NETWORK(bench::T, implementation, forward, train_sample, train_batch);                             \
    NABLA_BENCHMARK_NETWORK(bench::S, implementation, forward, train_sample, train_batch);                             \
    NABLA_BENCHMARK_NETWORK(bench::M, implementation, forward, train_sample, train_batch);                             \
    NABLA_BENCHMARK_NETWORK(bench::W, implementation, forward, train_sample, train_batch)
#define NABLA_BENCHMARK_NETWORK(Net, implementation, forward, train_sample, train_batch)                              \
    NABLA_BENCHMARK(Net, "forward", implementation, forward);                                                          \
    NABLA_BENCHMARK(Net, "train_sample", implementation, train_sample);                                                \
    NABLA_BENCHMARK(Net, "train_batch32", implementation, train_batch)

} // namespace bench

// What every benchmark reports besides its time: samples per second, GFLOP/s and heap allocations
// per iteration; and, in rows of their own, the stack one call uses.
#pragma once

#include <cstddef>
#include <cstdint>

#include <benchmark/benchmark.h>

#include "networks.hpp"

namespace bench {

namespace stack_probe {
// 2 MiB below the caller, a quarter of Linux's usual limit for the main thread, which runs the
// benchmarks; a row that reaches the end of it reports the whole region (the page says "at least").
inline constexpr std::size_t words = (std::size_t{2} << 20) / sizeof(std::uint64_t);
inline constexpr std::uint64_t paint = 0x5a5a'a5a5'5a5a'a5a5;

// Fills the region below the caller's stack pointer with the pattern, in a frame of its own that
// ends where the next call's frames begin, and returns its lowest address. noipa: no analysis
// across the call may see that the region is this frame's.
[[gnu::noipa]] inline std::uintptr_t paint_below() {
    volatile std::uint64_t region[words];
    for (std::size_t i = 0; i < words; ++i) region[i] = paint;
    return reinterpret_cast<std::uintptr_t>(&region[0]);
}

// body's locals in a frame of this call's own, below the caller's, where the pattern lies.
template <class Body> [[gnu::noipa]] void call(Body& body) { body(); }
} // namespace stack_probe

// The stack one call of body uses below its caller, in bytes: the region below the stack pointer
// painted, body run once, then the lowest word it changed found (the deepest any of its frames
// reached).
template <class Body> std::size_t stack_bytes(Body& body) {
    const std::uintptr_t lowest = stack_probe::paint_below();
    stack_probe::call(body);
    const auto* region = reinterpret_cast<const volatile std::uint64_t*>(lowest);
    std::size_t untouched = 0;
    while (untouched < stack_probe::words && region[untouched] == stack_probe::paint) ++untouched;
    return (stack_probe::words - untouched) * sizeof(std::uint64_t);
}

// Runs body once per iteration, counting samples, FLOPs and allocations.
template <class Body> void measure(benchmark::State& state, double flops_per_iteration, std::size_t samples, Body body) {
    const std::size_t before = allocations();
    for (auto _ : state) body();
    const auto iterations = static_cast<double>(state.iterations());
    state.counters["allocs_per_iter"] = static_cast<double>(allocations() - before) / iterations;
    state.counters["GFLOP/s"] = benchmark::Counter(flops_per_iteration * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["samples/s"] = benchmark::Counter(static_cast<double>(samples), benchmark::Counter::kIsIterationInvariantRate);
}

// A row that times nothing and reports the stack one call of body uses. Never inside a timed row's
// function: the probe's out-of-line call takes the addresses of body's captures, and with them
// escaping, g++ kept the timed loop's values in memory instead of registers (the FMA peak's
// accumulators: 218.8 → 79.5 GFLOP/s; the hand-written M forward pass 532 → 724 ns).
// The region's size goes with it (stack_probed): a row that used all of it used at least that.
template <class Body> void report_stack(benchmark::State& state, Body body) {
    state.counters["stack_bytes"] = static_cast<double>(stack_bytes(body));
    state.counters["stack_probed"] = static_cast<double>(stack_probe::words * sizeof(std::uint64_t));
    for (auto _ : state) {
    }
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

// The machine's single-core fp32 peak: independent chains of fused multiply-adds on the widest
// vectors the compiler targets, so that batched throughput can be quoted as a fraction of it.
#include <cstddef>

#include "report.hpp"

namespace {

// 64 bytes: one AVX-512 register, two AVX ones, four SSE ones, whatever -march allows.
typedef float lanes __attribute__((vector_size(64)));
constexpr std::size_t chains = 12; // more than an FMA's latency × throughput, so the units stay busy
constexpr std::size_t rounds = 1024;

void peak_fma(benchmark::State& state) {
    lanes acc[chains];
    for (std::size_t c = 0; c < chains; ++c)
        for (std::size_t k = 0; k < 16; ++k) acc[c][k] = static_cast<float>(c + k) * 1e-3f;
    lanes x, y;
    for (std::size_t k = 0; k < 16; ++k) x[k] = 0.999f, y[k] = 1e-4f;
    constexpr double flops = 2.0 * 16 * chains * rounds;
    bench::measure(state, flops, 0, [&] {
        benchmark::DoNotOptimize(x);
        for (std::size_t r = 0; r < rounds; ++r)
            for (std::size_t c = 0; c < chains; ++c) acc[c] = acc[c] * x + y;
        for (std::size_t c = 0; c < chains; ++c) benchmark::DoNotOptimize(acc[c]);
    });
}

} // namespace

BENCHMARK(peak_fma)->Name("peak/fma/fp32");

// The machine's single-core fp32 peak: independent chains of fused multiply-adds on the widest
// vectors the compiler targets, so that batched throughput can be quoted as a fraction of it. And
// the memory floor of the one-sample rows: the time a loop takes that does nothing but the traffic
// to a network's parameters, which a row bound by that traffic approaches (and, within this
// machine's noise, can come out below: it is a measurement, not a bound).
#include <cstddef>
#include <vector>

#include "report.hpp"

namespace {

// 64 bytes: one AVX-512 register, two AVX ones, four SSE ones, whatever -march allows.
typedef float lanes __attribute__((vector_size(64)));
constexpr std::size_t width = sizeof(lanes) / sizeof(float);
constexpr std::size_t chains = 12; // more than an FMA's latency × throughput, so the units stay busy
constexpr std::size_t rounds = 1024;

void peak_fma(benchmark::State& state) {
    lanes acc[chains];
    for (std::size_t c = 0; c < chains; ++c)
        for (std::size_t k = 0; k < width; ++k) acc[c][k] = static_cast<float>(c + k) * 1e-3f;
    lanes x = lanes{} + 0.999f, y = lanes{} + 1e-4f;
    constexpr double flops = 2.0 * width * chains * rounds;
    bench::measure(state, flops, 0, [&] {
        benchmark::DoNotOptimize(x);
        for (std::size_t r = 0; r < rounds; ++r)
            for (std::size_t c = 0; c < chains; ++c) acc[c] = acc[c] * x + y;
        for (std::size_t c = 0; c < chains; ++c) benchmark::DoNotOptimize(acc[c]);
    });
}

// A one-sample pass reads every parameter once (forward) or reads each once and then reads and
// writes each once, layers top down (a training step whose update is fused with the backward
// pass: the least traffic such a step can make). These do just that, on as many floats as Net has
// parameters laid out layer after layer, with the arithmetic of a pass reduced to one addition or
// multiply-add per vector: between calls the parameters stay wherever the caches keep them, as
// they do for the implementations measured beside them (M's 68 KB and W's 797 KB are past a
// 32 KB L1). The FLOPs counted are the row's, so GFLOP/s is the most that row could reach here.
template <class Net> std::vector<std::size_t> layer_starts() {
    std::vector<std::size_t> starts{0};
    for (std::size_t l = 1; l < Net::sizes.size(); ++l)
        starts.push_back(starts.back() + (Net::sizes[l] * (Net::sizes[l - 1] + 1) + width - 1) / width);
    return starts; // in vectors, each layer rounded up to whole ones
}

template <class Net, bool Train> void memory_floor(benchmark::State& state) {
    const std::vector<std::size_t> starts = layer_starts<Net>();
    std::vector<lanes> parameters(starts.back());
    for (std::size_t v = 0; v < parameters.size(); ++v)
        for (std::size_t k = 0; k < width; ++k) parameters[v][k] = static_cast<float>((v + k) % 7) * 1e-3f;
    lanes scale = lanes{} + 1.f, shift = lanes{};
    lanes* const p = parameters.data();
    bench::measure(state, Train ? bench::train_flops<Net>() : bench::forward_flops<Net>(), 1, [&] {
        lanes sum[4]{};
        const std::size_t n = parameters.size() / 4 * 4;
        for (std::size_t v = 0; v < n; v += 4)
            for (std::size_t c = 0; c < 4; ++c) sum[c] += p[v + c];
        for (std::size_t v = n; v < parameters.size(); ++v) sum[0] += p[v];
        for (std::size_t c = 0; c < 4; ++c) benchmark::DoNotOptimize(sum[c]);
        if constexpr (Train) {
            benchmark::DoNotOptimize(scale);
            benchmark::DoNotOptimize(shift);
            for (std::size_t l = starts.size() - 1; l > 0; --l)
                for (std::size_t v = starts[l - 1]; v < starts[l]; ++v) p[v] = p[v] * scale + shift;
            benchmark::ClobberMemory();
        }
    });
}

} // namespace

BENCHMARK(peak_fma)->Name("peak/fma/fp32");
BENCHMARK_TEMPLATE(memory_floor, bench::M, false)->Name("floor/M/forward");
BENCHMARK_TEMPLATE(memory_floor, bench::M, true)->Name("floor/M/train_sample");
BENCHMARK_TEMPLATE(memory_floor, bench::W, false)->Name("floor/W/forward");
BENCHMARK_TEMPLATE(memory_floor, bench::W, true)->Name("floor/W/train_sample");

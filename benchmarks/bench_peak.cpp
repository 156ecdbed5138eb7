// The machine's single-core fp32 peak: independent chains of fused multiply-adds on the widest
// vectors the compiler targets, so that batched throughput can be quoted as a fraction of it. And
// the memory floor of the one-sample rows: the time a loop takes that does nothing but the traffic
// to a network's parameters, which a row bound by that traffic approaches (and, within this
// machine's noise, can come out below: it is a measurement, not a bound).
#include <cstddef>
#include <optional>
#include <vector>

#include "pages.hpp"
#include "report.hpp"

namespace {

// One register of the target's widest vectors (common.hpp).
typedef float lanes __attribute__((vector_size(bench::vector_bytes)));
constexpr std::size_t width = sizeof(lanes) / sizeof(float);
// More than an FMA's latency × throughput (4 × 2 on Zen 3 to 5), so the units stay busy, and
// with x and y within the register file (16 below AVX-512).
constexpr std::size_t chains = 12;
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
// they do for the implementations measured beside them (M's 68 KB and W's 797 KB are past this
// core's 48 KB L1). The FLOPs counted are the row's, so GFLOP/s is the most that row could reach here.
template <class Net> std::vector<std::size_t> layer_starts() {
    std::vector<std::size_t> starts{0};
    for (std::size_t l = 1; l < Net::sizes.size(); ++l)
        starts.push_back(starts.back() + (Net::sizes[l] * (Net::sizes[l - 1] + 1) + width - 1) / width);
    return starts; // in vectors, each layer rounded up to whole ones
}

// One stream reads the vectors [begin, end) in order; more read as many equal parts of it side by
// side, which this core's prefetchers serve faster for some sizes: two for M's 68 KiB (378-410
// against 442-463 ns, floor/M/forward/two_streams and one_stream in two runs of
// `nabla_benchmarks --benchmark_filter='^floor/'`), eight a little faster still (the rows' comment
// below), so that a floor of one stream alone would flatter a row that misses its target.
// f(v, c): vector v into sum c of four, every sum a vector in turn, since one sum would make each
// addition wait for the last.
template <std::size_t streams, class F> void visit(std::size_t begin, std::size_t end, F f) {
    const std::size_t run = (end - begin) / streams, pairs = run / 2 * 2;
    if constexpr (streams == 1) {
        std::size_t v = begin;
        for (; v + 4 <= end; v += 4) {
            f(v, 0);
            f(v + 1, 1);
            f(v + 2, 2);
            f(v + 3, 3);
        }
        for (; v < end; ++v) f(v, 0);
    } else if constexpr (streams == 2) {
        for (std::size_t v = begin; v < begin + pairs; v += 2) {
            f(v, 0);
            f(v + run, 1);
            f(v + 1, 2);
            f(v + 1 + run, 3);
        }
        for (std::size_t v = begin + pairs; v < begin + run; ++v) f(v, 0);
        for (std::size_t v = begin + run + pairs; v < end; ++v) f(v, 1);
    } else {
        static_assert(streams % 4 == 0);
        for (std::size_t v = begin; v < begin + run; ++v)
            for (std::size_t s = 0; s < streams; ++s) f(v + s * run, s % 4);
        for (std::size_t v = begin + streams * run; v < end; ++v) f(v, 0);
    }
}

// OnHugePage: the parameters on one 2 MiB huge page (pages.hpp) rather than the heap's 4 KiB pages,
// for the "pages/" rows beside them (bench_pages.cpp). TurnBack: the writing pass walks each layer
// last to first, in one stream (the rows' comment below).
template <class Net, bool Train, std::size_t streams, bool OnHugePage = false, bool TurnBack = false>
void memory_floor(benchmark::State& state) {
    static_assert(!TurnBack || (Train && streams == 1));
    const std::vector<std::size_t> starts = layer_starts<Net>();
    const std::size_t count = starts.back();
    std::vector<lanes> on_small_pages;
    std::optional<bench::huge_page> huge;
    if (OnHugePage && count * sizeof(lanes) <= bench::huge_page::size) huge.emplace();
    if (!huge || !huge->data()) on_small_pages.resize(count);
    lanes* const p = huge && huge->data() ? static_cast<lanes*>(huge->data()) : on_small_pages.data();
    for (std::size_t v = 0; v < count; ++v)
        for (std::size_t k = 0; k < width; ++k) p[v][k] = static_cast<float>((v + k) % 7) * 1e-3f;
    lanes scale = lanes{} + 1.f, shift = lanes{};
    bench::measure(state, Train ? bench::train_flops<Net>() : bench::forward_flops<Net>(), 1, [&] {
        lanes sum[4]{};
        visit<streams>(0, count, [&](std::size_t v, std::size_t c) { sum[c] += p[v]; });
        for (std::size_t c = 0; c < 4; ++c) benchmark::DoNotOptimize(sum[c]);
        if constexpr (Train) {
            benchmark::DoNotOptimize(scale);
            benchmark::DoNotOptimize(shift);
            for (std::size_t l = starts.size() - 1; l > 0; --l) {
                if constexpr (TurnBack)
                    for (std::size_t v = starts[l]; v-- > starts[l - 1];) p[v] = p[v] * scale + shift;
                else
                    visit<streams>(starts[l - 1], starts[l], [&](std::size_t v, std::size_t) { p[v] = p[v] * scale + shift; });
            }
            benchmark::ClobberMemory();
        }
    });
    if constexpr (OnHugePage) state.counters["huge_page"] = huge && huge->data() && bench::on_huge_page(p) ? 1 : 0;
}

} // namespace

BENCHMARK(peak_fma)->Name("peak/fma/fp32");
// The report takes the fastest of each row's loops as its floor. Four and eight parts side by side
// read M's parameters faster still than two (forward: 357-374 against 378-393 ns in three processes of
// `nabla_benchmarks --benchmark_filter='^floor/' --benchmark_min_time=0.1 --benchmark_repetitions=3
// --benchmark_enable_random_interleaving=true` on 2026-12-05, W's forward within noise, the
// steps' traffic no faster), so that the floor is the fastest read found, not the first.
BENCHMARK_TEMPLATE(memory_floor, bench::M, false, 1)->Name("floor/M/forward/one_stream");
BENCHMARK_TEMPLATE(memory_floor, bench::M, false, 2)->Name("floor/M/forward/two_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::M, false, 4)->Name("floor/M/forward/four_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::M, false, 8)->Name("floor/M/forward/eight_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::M, true, 1)->Name("floor/M/train_sample/one_stream");
BENCHMARK_TEMPLATE(memory_floor, bench::M, true, 2)->Name("floor/M/train_sample/two_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::M, true, 4)->Name("floor/M/train_sample/four_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::M, true, 8)->Name("floor/M/train_sample/eight_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::W, false, 1)->Name("floor/W/forward/one_stream");
BENCHMARK_TEMPLATE(memory_floor, bench::W, false, 2)->Name("floor/W/forward/two_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::W, false, 4)->Name("floor/W/forward/four_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::W, false, 8)->Name("floor/W/forward/eight_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::W, true, 1)->Name("floor/W/train_sample/one_stream");
BENCHMARK_TEMPLATE(memory_floor, bench::W, true, 2)->Name("floor/W/train_sample/two_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::W, true, 4)->Name("floor/W/train_sample/four_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::W, true, 8)->Name("floor/W/train_sample/eight_streams");
// The steps' traffic with the writing pass walking each layer last to first (TurnBack), so that each
// pass meets first what the pass before it touched last, which a cache that evicts the least
// recently used line still holds. No faster on this core (M 933-1,026 against 907-1,054 ns, W
// 12.1-12.9 against 12.0-13.2 µs, three processes of `nabla_benchmarks
// --benchmark_filter='^floor/./train_sample' --benchmark_min_time=0.1 --benchmark_repetitions=3
// --benchmark_enable_random_interleaving=true` on 2026-12-05), kept so that the floor is the
// fastest of every order tried.
BENCHMARK_TEMPLATE(memory_floor, bench::M, true, 1, false, true)->Name("floor/M/train_sample/turning_back");
BENCHMARK_TEMPLATE(memory_floor, bench::W, true, 1, false, true)->Name("floor/W/train_sample/turning_back");
// The same loops with the parameters on one huge page, for the "pages/" rows.
BENCHMARK_TEMPLATE(memory_floor, bench::M, false, 1, true)->Name("floor_huge_page/M/forward/one_stream");
BENCHMARK_TEMPLATE(memory_floor, bench::M, false, 2, true)->Name("floor_huge_page/M/forward/two_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::M, false, 4, true)->Name("floor_huge_page/M/forward/four_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::M, false, 8, true)->Name("floor_huge_page/M/forward/eight_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::M, true, 1, true)->Name("floor_huge_page/M/train_sample/one_stream");
BENCHMARK_TEMPLATE(memory_floor, bench::M, true, 2, true)->Name("floor_huge_page/M/train_sample/two_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::M, true, 4, true)->Name("floor_huge_page/M/train_sample/four_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::M, true, 8, true)->Name("floor_huge_page/M/train_sample/eight_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::W, false, 1, true)->Name("floor_huge_page/W/forward/one_stream");
BENCHMARK_TEMPLATE(memory_floor, bench::W, false, 2, true)->Name("floor_huge_page/W/forward/two_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::W, false, 4, true)->Name("floor_huge_page/W/forward/four_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::W, false, 8, true)->Name("floor_huge_page/W/forward/eight_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::W, true, 1, true)->Name("floor_huge_page/W/train_sample/one_stream");
BENCHMARK_TEMPLATE(memory_floor, bench::W, true, 2, true)->Name("floor_huge_page/W/train_sample/two_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::W, true, 4, true)->Name("floor_huge_page/W/train_sample/four_streams");
BENCHMARK_TEMPLATE(memory_floor, bench::W, true, 8, true)->Name("floor_huge_page/W/train_sample/eight_streams");

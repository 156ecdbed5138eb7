// nabla: net(x), gradient + optimizer step on one sample, and on a minibatch of 32.
#include <cmath>
#include <string>

#include "nabla_rows.hpp"
#include "report.hpp"

namespace {

template <class Net> void forward(benchmark::State& state) { bench::time_forward<Net>(state, bench::weights<Net>()); }

template <class Net, class Method = nabla::sgd> void train_sample(benchmark::State& state) {
    static typename Net::net net;
    bench::time_train_sample<Net, Method>(state, net);
}

template <class Net, class Method = nabla::sgd> void train_batch(benchmark::State& state) {
    static typename Net::net net;
    net = bench::weights<Net>();
    nabla::optimizer<typename Net::net, Method> opt{Method{.learning_rate = bench::learning_rate}};
    const auto& X = bench::inputs<Net>();
    const auto& Y = bench::targets<Net>();
    bench::measure(state, bench::batch * bench::train_flops<Net>(), bench::batch, [&] {
        opt.step(net, typename Net::loss{}, X, Y, 1.f / bench::batch);
        benchmark::DoNotOptimize(net);
    });
}

} // namespace

NABLA_BENCHMARK_ROWS("nabla", forward, train_sample, train_batch);

// Forward passes in a chain: each input's first value is the last output's, so a pass starts only
// when the one before it has ended, and the row measures latency where forward/ measures throughput
// (independent passes overlap). T and S, whose narrow layers are latency-bound.
namespace {

template <class Net> void forward_chained(benchmark::State& state) {
    const auto& net = bench::weights<Net>();
    auto x = bench::first_sample(bench::inputs<Net>());
    bench::measure(state, bench::forward_flops<Net>(), 1, [&] {
        const auto y = net(x);
        x[0] = y[0];
    });
    benchmark::DoNotOptimize(x);
}

} // namespace

BENCHMARK_TEMPLATE(forward_chained, bench::T)->Name("chained/T_forward/nabla");
BENCHMARK_TEMPLATE(forward_chained, bench::S)->Name("chained/S_forward/nabla");

// σ of one value in a chain, each input the last output less 0.2 (which keeps it where σ curves),
// sixteen links an iteration (counted as samples, so that the report gives the time of one):
// the latency of the σ that T's layers of three values and one take, twice in series in each of
// T's passes and training steps. nabla's lone form, which its training step runs, against
// 1 / (1 + std::exp(-z)), which is what Eigen's fixed-size T calls for those layers (glibc's expf:
// three and one values fill no packet of four).
namespace {

template <bool Nabla> void sigmoid_chained(benchmark::State& state) {
    constexpr std::size_t links = 16;
    float z = 0.3f;
    bench::measure(state, 0, links, [&] {
        for (std::size_t k = 0; k < links; ++k) {
            if constexpr (Nabla) z = nabla::sigmoid::function(z, nabla::detail::lone_value{}) - 0.2f;
            else z = 1.f / (1.f + std::exp(-z)) - 0.2f;
        }
    });
    benchmark::DoNotOptimize(z);
}

} // namespace

BENCHMARK_TEMPLATE(sigmoid_chained, true)->Name("chained/sigmoid/nabla");
BENCHMARK_TEMPLATE(sigmoid_chained, false)->Name("chained/sigmoid/std_exp");

// The cost of subnormal numbers: M's forward pass on inputs scaled into the subnormal range (so
// every product and sum is subnormal), without and with nabla::flush_denormals, beside the same
// pass on normal inputs.
namespace {

enum class inputs { normal, subnormal, subnormal_flushed };

template <inputs Kind> void forward_denormal(benchmark::State& state) {
    using Net = bench::M;
    const auto& net = bench::weights<Net>();
    auto x = bench::first_sample(bench::inputs<Net>());
    const float scale = Kind == inputs::normal ? 1.f : 1e-39f;
    for (auto& v : x) v *= scale;
    const auto run = [&] {
        bench::measure(state, bench::forward_flops<Net>(), 1, [&] {
            benchmark::DoNotOptimize(x);
            auto y = net(x);
            benchmark::DoNotOptimize(y);
        });
    };
    if constexpr (Kind == inputs::subnormal_flushed) {
        nabla::flush_denormals guard;
        run();
    } else {
        run();
    }
}

} // namespace

BENCHMARK_TEMPLATE(forward_denormal, inputs::normal)->Name("denormal/M_forward/normal_inputs");
BENCHMARK_TEMPLATE(forward_denormal, inputs::subnormal)->Name("denormal/M_forward/subnormal_inputs");
BENCHMARK_TEMPLATE(forward_denormal, inputs::subnormal_flushed)->Name("denormal/M_forward/subnormal_inputs_flush_denormals");

// Why tensors of whole cache lines start on one (detail/assign.hpp): the products z = W a of the W
// net's three 256 × 256 layers (768 KB, read from L2 at every call), with the weights on a 64-byte
// line and 16 bytes off one, as malloc would place them. The kernel is the one net(x) runs, called
// on raw arrays.
namespace {

template <std::size_t Offset> void placed_products(benchmark::State& state) {
    constexpr std::size_t n = 256, layers = 3;
    alignas(64) static float storage[layers * n * n + 64];
    float* W = storage + Offset / sizeof(float);
    alignas(64) float a[layers + 1][n];
    for (std::size_t k = 0; k < layers * n * n; ++k) W[k] = static_cast<float>(k % 7) * 1e-3f;
    for (std::size_t k = 0; k < n; ++k) a[0][k] = static_cast<float>(k % 5) * 1e-2f;
    bench::measure(state, 2.0 * layers * n * n, 1, [&] {
        benchmark::DoNotOptimize(a[0]);
        for (std::size_t l = 0; l < layers; ++l) nabla::detail::multiply<float, n, n, 1, false, false>(a[l + 1], W + l * n * n, a[l]);
        benchmark::DoNotOptimize(a[layers]);
    });
}

} // namespace

BENCHMARK_TEMPLATE(placed_products, 0)->Name("placement/W_products/on_a_cache_line");
BENCHMARK_TEMPLATE(placed_products, 16)->Name("placement/W_products/16_bytes_off");

// nabla's other update rules beside sgd: M's one-sample step and minibatch step with momentum and
// Adam (which keep state, so they take the stored-gradient path: a read-only check, then the write).
// The report sets them beside M's sgd rows of the comparison.
BENCHMARK_TEMPLATE(train_sample, bench::M, nabla::momentum)->Name("rules/M_train_sample/momentum");
BENCHMARK_TEMPLATE(train_sample, bench::M, nabla::adam)->Name("rules/M_train_sample/adam");
BENCHMARK_TEMPLATE(train_batch, bench::M, nabla::momentum)->Name("rules/M_train_batch32/momentum");
BENCHMARK_TEMPLATE(train_batch, bench::M, nabla::adam)->Name("rules/M_train_batch32/adam");

// Minibatches of other sizes than 32 (W, sgd): 8, below one AVX-512 vector of floats, and 20, a
// vector and four columns past it; the report sets them beside W's minibatch of 32. Per sample.
namespace {

template <std::size_t B> void batch_size(benchmark::State& state) {
    using Net = bench::W;
    static typename Net::net net;
    net = bench::weights<Net>();
    nabla::optimizer<typename Net::net, nabla::sgd> opt{nabla::sgd{.learning_rate = bench::learning_rate}};
    static nabla::matrix<float, Net::sizes.front(), B> X;
    static nabla::matrix<float, Net::sizes.back(), B> Y;
    for (std::size_t i = 0; i < X.row_count; ++i)
        for (std::size_t j = 0; j < B; ++j) X(i, j) = bench::inputs<Net>()(i, j);
    for (std::size_t i = 0; i < Y.row_count; ++i)
        for (std::size_t j = 0; j < B; ++j) Y(i, j) = bench::targets<Net>()(i, j);
    bench::measure(state, B * bench::train_flops<Net>(), B, [&] {
        opt.step(net, typename Net::loss{}, X, Y, 1.f / B);
        benchmark::DoNotOptimize(net);
    });
}

} // namespace

BENCHMARK_TEMPLATE(batch_size, 8)->Name("batches/W_train/8");
BENCHMARK_TEMPLATE(batch_size, 20)->Name("batches/W_train/20");

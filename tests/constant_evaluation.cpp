// Training during constant evaluation takes paths of its own (plain loops: the run-time kernels'
// vector types cannot be evaluated at compile time, and sgd's fused steps have no constant form):
// the same training at compile time and at run time ends at the same parameters, to the roundings
// of sums taken in other orders, for layers as wide as the vector kernels' and batches.
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

#include "testing.hpp"

namespace {

template <class T>
using net_t = nabla::network<T, nabla::input<8>, nabla::dense<16, nabla::relu>, nabla::dense<16, nabla::tanh>,
                             nabla::dense<4, nabla::softmax>>;

template <class T> constexpr std::array<nabla::sample<net_t<T>>, 4> samples() {
    std::array<nabla::sample<net_t<T>>, 4> data{};
    for (std::size_t k = 0; k < data.size(); ++k) {
        for (std::size_t i = 0; i < 8; ++i) data[k].x[i] = T((k * 7 + i * 3) % 11) / 11 - T(0.5);
        data[k].y[k % 4] = 1;
    }
    return data;
}

// From the same start: per-sample sgd (the fused one-sample step at run time), sgd on batches of
// four (the fused batch step), Adam on batches of four, Adam one sample at a time.
template <class T> constexpr net_t<T> trained(std::size_t ways) {
    const auto data = samples<T>();
    net_t<T> net;
    nabla::initialize(net, nabla::init::xavier_uniform{}, 5);
    const auto stop = nabla::stop_when{.max_epochs = 1};
    const nabla::cross_entropy loss;
    if (ways > 0) nabla::train(net, data, loss, nabla::sgd{.learning_rate = 0.5}, nabla::per_sample{}, stop);
    if (ways > 1) nabla::train(net, data, loss, nabla::sgd{.learning_rate = 0.5}, nabla::minibatch<4>{}, stop);
    if (ways > 2) nabla::train(net, data, loss, nabla::adam{.learning_rate = 0.05}, nabla::minibatch<4>{}, stop);
    if (ways > 3) nabla::train(net, data, loss, nabla::adam{.learning_rate = 0.05}, nabla::per_sample{}, stop);
    return net;
}

// The largest difference between two parameter sets, relative to 1 + |θ|.
template <class P> double largest_difference(const P& a, const P& b) {
    double largest = 0;
    nabla::detail::zip_tensors(
        [&](const auto& s, const auto& t) {
            for (std::size_t i = 0; i < s.size(); ++i) {
                const double d = std::fabs(double(s.data()[i]) - double(t.data()[i])) / (1 + std::fabs(double(t.data()[i])));
                largest = d > largest ? d : largest;
            }
        },
        a, b);
    return largest;
}

} // namespace

TEMPLATE_TEST_CASE("training at compile time ends where training at run time does", "[training][constexpr]", float, double) {
    using T = TestType;
    // 32 ε: the largest difference seen was 2.5 ε for float and 1.9 ε for double, g++ and clang++,
    // with and without -march=native (FMA contracts some of the run time's multiply-adds).
    const double roundings = 32 * double(std::numeric_limits<T>::epsilon());
    // One constant expression each: every one is within g++'s default limit on evaluation steps.
    static constexpr net_t<T> way0 = trained<T>(0), way1 = trained<T>(1), way2 = trained<T>(2), way3 = trained<T>(3),
                              way4 = trained<T>(4);
    const std::array<const net_t<T>*, 5> at_compile_time{&way0, &way1, &way2, &way3, &way4};
    for (std::size_t ways = 0; ways < at_compile_time.size(); ++ways) {
        CAPTURE(ways);
        const net_t<T> at_run_time = trained<T>(ways);
        CHECK(largest_difference(*at_compile_time[ways], at_run_time) <= roundings);
        // Each training moved θ well past those roundings, so the comparison above sees every one.
        if (ways > 0) CHECK(largest_difference(*at_compile_time[ways], *at_compile_time[ways - 1]) > 100 * roundings);
    }
}

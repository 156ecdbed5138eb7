// initialize(net, init, seed): the lecture's "set the parameters at random", reproducibly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include <nabla/detail/math.hpp>
#include <nabla/detail/random.hpp>

namespace nabla {
namespace init {

// Weights and biases uniform in [lo, hi).   nabla::init::uniform{-1, 1}
struct uniform final {
    double lo = -1, hi = 1;
};
// Weights and biases normal with the given mean and standard deviation.   nabla::init::normal{0, 0.1}
struct normal final {
    double mean = 0, stddev = 1;
};
// Glorot and Bengio's: W^l uniform in ±sqrt(6 / (n_{l-1} + n_l)), b^l = 0; for tanh and sigmoid.
struct xavier_uniform final {};
// He et al.'s: W^l normal with standard deviation sqrt(2 / n_{l-1}), b^l = 0; for relu.
struct he_normal final {};

} // namespace init

namespace detail {

// Draws every W^l (row by row) then b^l, layer by layer, from one stream.
template <class P, class Draw> constexpr void initialize_layers(P& theta, Draw draw) noexcept {
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        ((draw(theta.template W<l + 1>(), theta.template b<l + 1>(), P::sizes[l], P::sizes[l + 1])), ...);
    }(std::make_index_sequence<P::depth>{});
}

} // namespace detail

// Sets every parameter of net at random; the same seed gives bit-identical parameters on every
// compiler and standard library.   nabla::initialize(net, nabla::init::uniform{-1, 1}, 7);
template <class P, class Init> constexpr void initialize(P& net, Init init, std::uint64_t seed) noexcept {
    using T = typename P::value_type;
    detail::random_stream random(seed);
    detail::initialize_layers(net, [&](auto& W, auto& b, std::size_t fan_in, std::size_t fan_out) {
        const auto draw = [&](double scale_or_lo, double hi_or_mean, bool is_normal) {
            return is_normal ? static_cast<T>(hi_or_mean + scale_or_lo * random.normal())
                             : static_cast<T>(random.uniform(scale_or_lo, hi_or_mean));
        };
        if constexpr (std::is_same_v<Init, init::uniform>) {
            for (auto& w : W) w = draw(init.lo, init.hi, false);
            for (auto& v : b) v = draw(init.lo, init.hi, false);
        } else if constexpr (std::is_same_v<Init, init::normal>) {
            for (auto& w : W) w = draw(init.stddev, init.mean, true);
            for (auto& v : b) v = draw(init.stddev, init.mean, true);
        } else if constexpr (std::is_same_v<Init, init::xavier_uniform>) {
            const double a = detail::constexpr_sqrt(6.0 / static_cast<double>(fan_in + fan_out));
            for (auto& w : W) w = draw(-a, a, false);
            for (auto& v : b) v = T(0);
        } else if constexpr (std::is_same_v<Init, init::he_normal>) {
            const double s = detail::constexpr_sqrt(2.0 / static_cast<double>(fan_in));
            for (auto& w : W) w = draw(s, 0, true);
            for (auto& v : b) v = T(0);
        } else {
            static_assert(sizeof(Init) == 0, "initialize(net, init, seed): init must be one of nabla::init::uniform, "
                                             "normal, xavier_uniform, he_normal");
        }
    });
}

} // namespace nabla

// initialize(net, init, seed): the lecture's "set the parameters at random", reproducibly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
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

// Fills count values from the stream: uniform in [p, q), or Normal with mean p and deviation q.
// One function per T and distribution for every layer, so that a network's shapes do not each
// compile their own loop, and a uniform draw does not compile the normal one's logarithm and root.
template <class T, bool Normal>
constexpr void draw_values(T* first, std::size_t count, random_stream& random, double p, double q) noexcept {
    for (std::size_t k = 0; k < count; ++k) {
        if constexpr (Normal) first[k] = static_cast<T>(p + q * random.normal());
        else first[k] = static_cast<T>(random.uniform(p, q));
    }
}

} // namespace detail

// Sets every parameter of net at random; the same seed gives bit-identical parameters on every
// compiler and standard library.   nabla::initialize(net, nabla::init::uniform{-1, 1}, 7);
// Every W^l is drawn (row by row) then b^l, layer by layer, from one stream.
template <class P, class Init> constexpr void initialize(P& net, Init init, std::uint64_t seed) noexcept {
    using T = typename P::value_type;
    detail::random_stream random(seed);
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        (([&] {
             auto& W = net.template W<l + 1>();
             auto& b = net.template b<l + 1>();
             const std::size_t fan_in = P::sizes[l], fan_out = P::sizes[l + 1];
             const auto draw = [&]<bool normal>(auto& values, std::bool_constant<normal>, double p, double q) {
                 detail::draw_values<T, normal>(values.data(), values.size(), random, p, q);
             };
             if constexpr (std::is_same_v<Init, init::uniform>) {
                 draw(W, std::false_type{}, init.lo, init.hi);
                 draw(b, std::false_type{}, init.lo, init.hi);
             } else if constexpr (std::is_same_v<Init, init::normal>) {
                 draw(W, std::true_type{}, init.mean, init.stddev);
                 draw(b, std::true_type{}, init.mean, init.stddev);
             } else if constexpr (std::is_same_v<Init, init::xavier_uniform>) {
                 const double a = detail::constexpr_sqrt(6.0 / static_cast<double>(fan_in + fan_out));
                 draw(W, std::false_type{}, -a, a);
                 for (auto& v : b) v = T(0);
             } else if constexpr (std::is_same_v<Init, init::he_normal>) {
                 draw(W, std::true_type{}, 0, detail::constexpr_sqrt(2.0 / static_cast<double>(fan_in)));
                 for (auto& v : b) v = T(0);
             } else {
                 static_assert(sizeof(Init) == 0, "initialize(net, init, seed): init must be one of nabla::init::uniform, "
                                                  "normal, xavier_uniform, he_normal");
             }
         }()),
         ...);
    }(std::make_index_sequence<P::depth>{});
}

} // namespace nabla

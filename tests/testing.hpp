// What every test file shares: Catch2 (v2, from Debian) with its warnings silenced, the tolerance
// rule, and a reproducible way to fill a network with random parameters.
#pragma once

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Weverything"
#elif defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wall"
#pragma GCC diagnostic ignored "-Wextra"
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
#include <catch2/catch.hpp>
#if defined(__clang__)
#pragma clang diagnostic pop
#elif defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>

#include <nabla/nabla.hpp>

namespace testing {

// |actual - expected| <= relative * max(|actual|, |expected|) + absolute. (Catch2 v2's Approx has
// no margin near zero, so gradients that vanish need the absolute term.)
template <class T> bool close(T actual, T expected, double relative, double absolute = 0) {
    const double a = static_cast<double>(actual), e = static_cast<double>(expected);
    return std::abs(a - e) <= relative * std::max(std::abs(a), std::abs(e)) + absolute;
}

// splitmix64: a tiny generator whose output is the same on every platform.
struct random_source {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [lo, hi).
    double uniform(double lo, double hi) { return lo + (hi - lo) * static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

template <class Tensor> void fill(Tensor& t, random_source& random, double lo = -1, double hi = 1) {
    for (auto& v : t) v = static_cast<typename Tensor::value_type>(random.uniform(lo, hi));
}

// Calls f(W^l, b^l) for l = 1..L.
template <class P, class F> void for_each_layer(P& theta, F f) {
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        (f(theta.template W<l + 1>(), theta.template b<l + 1>()), ...);
    }(std::make_index_sequence<std::remove_cvref_t<P>::depth>{});
}

template <class P> void randomize(P& theta, std::uint64_t seed, double lo = -1, double hi = 1) {
    random_source random{seed};
    for_each_layer(theta, [&](auto& W, auto& b) {
        fill(W, random, lo, hi);
        fill(b, random, lo, hi);
    });
}

} // namespace testing

// sigmoid: the logistic function of the lecture, σ(z) = 1 / (1 + e^{-z}).
#pragma once

#include <type_traits>

#include <nabla/detail/approximations.hpp>
#include <nabla/detail/math.hpp>

namespace nabla {

// σ(z) = 1 / (1 + e^{-z}), σ'(z) = σ(z)(1 - σ(z)).   nabla::dense<3, nabla::sigmoid>
struct sigmoid final {
    static constexpr const char* name = "sigmoid";
    static constexpr const char* symbol = "σ"; // in formulas; empty: none is written
    // e^{-|z|} never overflows, so σ is finite (and exactly 0 or 1 in the limit) for every finite z.
    // float takes the vectorisable approximation (within 2 ulp of 1 / (1 + std::exp(-z))).
    template <class T> static constexpr T function(T z) noexcept {
        if constexpr (std::is_same_v<T, float>) {
            return detail::sigmoid_approximation(z);
        } else {
            if (z >= T(0)) return T(1) / (T(1) + detail::exp(-z));
            const T e = detail::exp(z);
            return e / (T(1) + e);
        }
    }
    // The same values, for a layer narrower than a vector (see detail::lone_value).
    template <class T> static constexpr T function(T z, detail::lone_value) noexcept {
        if constexpr (std::is_same_v<T, float>) return detail::sigmoid_approximation<detail::lone_value>(z);
        else return function(z);
    }
    // Up to four float values side by side, with the same results (see detail::lane_values).
    static detail::four_floats function(detail::four_floats z, detail::four_lanes) noexcept {
        return detail::sigmoid_approximation(z);
    }
    template <class T> static constexpr T derivative(T, T a) noexcept { return a * (T(1) - a); }
};

} // namespace nabla

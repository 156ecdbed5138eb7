// tanh: the hyperbolic tangent, a zero-centred sigmoid.
#pragma once

#include <type_traits>

#include <nabla/detail/approximations.hpp>
#include <nabla/detail/math.hpp>

namespace nabla {

// σ(z) = tanh z, σ'(z) = 1 - tanh² z.   nabla::dense<16, nabla::tanh>
struct tanh final {
    static constexpr const char* name = "tanh";
    static constexpr const char* symbol = "tanh"; // in formulas; empty: none is written
    // float takes the vectorisable approximation (within 1 ulp of std::tanh).
    template <class T> static constexpr T function(T z) noexcept { return detail::tanh(z); }
    // The same values, for a layer narrower than a vector (see detail::lone_value).
    template <class T> static constexpr T function(T z, detail::lone_value) noexcept {
        if constexpr (std::is_same_v<T, float>) return detail::tanh_approximation<detail::lone_value>(z);
        else return detail::tanh(z);
    }
    template <class T> static constexpr T derivative(T, T a) noexcept { return T(1) - a * a; }
};

} // namespace nabla

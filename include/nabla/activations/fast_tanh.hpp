// fast_tanh: tanh traded for speed, for hidden layers where 1e-4 does not matter.
#pragma once

#include <nabla/detail/approximations.hpp>

namespace nabla {

// σ(z) ≈ tanh z by a rational function (absolute error below 1e-4, exactly ±1 beyond |z| = 4.97),
// σ'(z) the derivative of that function, so gradients follow what the network computes. About half the work of
// nabla::tanh; not a drop-in for weights trained with tanh if the last digits matter.
//   nabla::dense<16, nabla::fast_tanh>
struct fast_tanh final {
    static constexpr const char* name = "fast_tanh";
    static constexpr const char* symbol = "fast_tanh"; // in formulas; empty: none is written
    template <class T> static constexpr T function(T z) noexcept { return detail::fast_tanh_approximation(z); }
    // The same values, for a layer narrower than a vector (see detail::lone_value).
    template <class T> static constexpr T function(T z, detail::lone_value) noexcept {
        return detail::fast_tanh_approximation<detail::lone_value>(z);
    }
    template <class T> static constexpr T derivative(T z, T) noexcept { return detail::fast_tanh_derivative(z); }
};

} // namespace nabla

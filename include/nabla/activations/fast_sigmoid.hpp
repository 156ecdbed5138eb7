// fast_sigmoid: the logistic function traded for speed, for hidden layers where 1e-4 does not matter.
#pragma once

#include <nabla/detail/approximations.hpp>

namespace nabla {

// σ(z) ≈ 1 / (1 + e^{-z}) as (1 + fast_tanh(z / 2)) / 2 (absolute error below 5e-5, exactly 0 and
// 1 beyond |z| = 9.94), σ'(z) the derivative of that function.
//   nabla::dense<16, nabla::fast_sigmoid>
struct fast_sigmoid final {
    static constexpr const char* name = "fast_sigmoid";
    static constexpr const char* symbol = "fast_σ"; // in formulas; empty: none is written
    template <class T> static constexpr T function(T z) noexcept { return detail::fast_sigmoid_approximation(z); }
    // The same values, for a layer narrower than a vector (see detail::lone_value).
    template <class T> static constexpr T function(T z, detail::lone_value) noexcept {
        return detail::fast_sigmoid_approximation<detail::lone_value>(z);
    }
    template <class T> static constexpr T derivative(T z, T) noexcept { return detail::fast_sigmoid_derivative(z); }
};

} // namespace nabla

// leaky_relu: relu with a small slope for negative z, so no neuron's gradient is ever exactly zero.
#pragma once

#include <ratio>

namespace nabla {
namespace detail {

template <class Slope> struct leaky_relu_rule {
    static constexpr const char* symbol = "leaky_relu";
    static constexpr auto slope_numerator = Slope::num, slope_denominator = Slope::den;
    static_assert(Slope::num >= 0 && Slope::num < Slope::den, "leaky_relu's slope must lie in [0, 1)");
    template <class T> static constexpr T slope() noexcept { return T(Slope::num) / T(Slope::den); }
    template <class T> static constexpr T function(T z) noexcept { return z > T(0) ? z : slope<T>() * z; }
    template <class T> static constexpr T derivative(T z, T) noexcept { return z > T(0) ? T(1) : slope<T>(); }
};

} // namespace detail

// σ(z) = z for z > 0, Slope · z otherwise; the slope fixed at compile time as a std::ratio.
//   nabla::dense<8, nabla::leaky_relu_with<std::ratio<1, 5>>>
template <class Slope> struct leaky_relu_with final : detail::leaky_relu_rule<Slope> {
    static constexpr const char* name = "leaky_relu_with";
};

// leaky_relu with slope 0.01.   nabla::dense<8, nabla::leaky_relu>
struct leaky_relu final : detail::leaky_relu_rule<std::ratio<1, 100>> {
    static constexpr const char* name = "leaky_relu";
};

} // namespace nabla

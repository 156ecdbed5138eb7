// What an activation σ is, and the two generic steps every layer uses: a = σ(z) and
// delta = σ'(z) ⊙ g (for softmax, whose Jacobian is not diagonal, delta = J(z)^T g).
#pragma once

#include <concepts>
#include <cstddef>

#include <nabla/detail/approximations.hpp>

namespace nabla {

// An element-wise activation: σ(z) and σ'(z), the latter given both z and a = σ(z) so that each
// activation uses whichever is cheaper and stable.
template <class A>
concept ElementwiseActivation = requires(double z) {
    { A::function(z) } -> std::same_as<double>;
    { A::derivative(z, z) } -> std::same_as<double>;
};

// An activation that maps a whole column at once (softmax).
template <class A>
concept ColumnActivation = requires { A::is_column_activation; };

template <class A>
concept Activation = ElementwiseActivation<A> || ColumnActivation<A>;

namespace detail {

template <class A> constexpr bool output_layer_only() noexcept {
    if constexpr (requires { A::output_layer_only; }) return A::output_layer_only;
    else return false;
}

// Below this many values (a narrow layer, one sample) there is no loop worth vectorising, and an
// activation may offer a form tuned for values computed alone: A::function(z, lone_value{}).
inline constexpr std::size_t lone_width = 4;

// a = σ(z), for a column or a batch of columns.
template <Activation A, class Z, class Out> constexpr void activate(const Z& z, Out& a) noexcept {
    using T = typename Z::value_type;
    if constexpr (ElementwiseActivation<A> && Z::size() < lone_width && requires(T v) { A::function(v, lone_value{}); }) {
        for (std::size_t k = 0; k < Z::size(); ++k) a.data()[k] = A::function(z.data()[k], lone_value{});
    } else if constexpr (ElementwiseActivation<A>) {
        for (std::size_t k = 0; k < Z::size(); ++k) a.data()[k] = A::function(z.data()[k]);
    } else {
        A::apply(z, a);
    }
}

// delta = J_σ(z)^T g: σ'(z) ⊙ g for element-wise activations. g may be delta itself (the backward
// pass scales (W^{l+1})ᵀ δ^{l+1} in place): each coefficient of g is read before the coefficient of
// delta it gives is written, here and in softmax's column form.
template <Activation A, class Z, class G, class Out>
constexpr void backpropagate(const Z& z, const Z& a, const G& g, Out& delta) noexcept {
    if constexpr (ElementwiseActivation<A>) {
        for (std::size_t k = 0; k < Z::size(); ++k)
            delta.data()[k] = A::derivative(z.data()[k], a.data()[k]) * g.data()[k];
    } else {
        A::backpropagate(z, a, g, delta);
    }
}

} // namespace detail
} // namespace nabla

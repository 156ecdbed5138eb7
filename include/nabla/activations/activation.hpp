// What an activation σ is, and the two generic steps every layer uses: a = σ(z) and
// delta = σ'(z) ⊙ g (for softmax, whose Jacobian is not diagonal, delta = J(z)^T g).
#pragma once

#include <concepts>
#include <cstddef>

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

// a = σ(z), for a column or a batch of columns.
template <Activation A, class Z, class Out> constexpr void activate(const Z& z, Out& a) noexcept {
    if constexpr (ElementwiseActivation<A>) {
        for (std::size_t k = 0; k < Z::size(); ++k) a.data()[k] = A::function(z.data()[k]);
    } else {
        A::apply(z, a);
    }
}

// delta = J_σ(z)^T g: σ'(z) ⊙ g for element-wise activations.
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

// What a loss C is, and how the output layer's delta and C are computed from the tape: by default
// δ^L = σ'(z^L) ⊙ ∇C(y); a loss may fuse itself with its output activation for stability.
#pragma once

#include <concepts>
#include <cstddef>

#include <nabla/activations/activation.hpp>
#include <nabla/activations/identity.hpp>

namespace nabla {

// C(y, ŷ) as value(y, y_hat), ∇C(y) as gradient(y, y_hat) (a tensor of y's shape), and
// accepts_output<σ>, whether the loss is defined for an output layer with activation σ.
template <class L>
concept Loss = requires {
    { L::template accepts_output<identity> } -> std::convertible_to<bool>;
};

namespace detail {

// Whether L computes C from the output layer's z (with activation A) instead of from its a.
template <class L, class A, class Z, class Y>
concept value_from_logits = requires(const Z& z, const Y& y_hat) { L::template value_from_logits<A>(z, y_hat); };

// C from the output layer's z and a: exact even where a has saturated, if the loss knows how.
template <Loss L, Activation A, class Z, class Y>
constexpr typename Z::value_type output_value(const Z& z, const Z& a, const Y& y_hat) noexcept {
    if constexpr (value_from_logits<L, A, Z, Y>)
        return L::template value_from_logits<A>(z, y_hat);
    else
        return L::value(a, y_hat);
}

// δ^L = J_σ(z^L)^T ∇C(a^L), or the loss's fused form of it.
template <Loss L, Activation A, class Z, class Y, class D>
constexpr void output_delta(const Z& z, const Z& a, const Y& y_hat, D& delta) noexcept {
    if constexpr (requires { L::template delta_from_logits<A>(z, a, y_hat, delta); })
        L::template delta_from_logits<A>(z, a, y_hat, delta);
    else
        backpropagate<A>(z, a, L::gradient(a, y_hat), delta);
}

} // namespace detail
} // namespace nabla

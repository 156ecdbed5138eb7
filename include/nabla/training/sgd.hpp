// sgd: the lecture's gradient descent step, θ ← θ − η ∇C(θ).
#pragma once

#include <cstddef>

namespace nabla {

// Plain gradient descent with learning rate η.   nabla::sgd{.learning_rate = 0.5}
struct sgd final {
    double learning_rate = 0.01;

    static constexpr std::size_t state_count = 0;
    template <class T> struct rule {
        T eta;
        constexpr rule(const sgd& method, std::size_t, double, double) noexcept : eta(static_cast<T>(method.learning_rate)) {}
        // U is T, or a vector of T for the optimiser's vectorised check.
        template <class U> constexpr U operator()(U theta, U g, U*) const noexcept { return theta - eta * g; }
        // Δθ = −η g, linear in g: what lets the fused one-sample step fold η into each row's factor.
        constexpr T step_factor() const noexcept { return eta; }
        // A bound on |Δθ| when |g| <= largest_gradient: what lets the optimiser vouch for a step
        // without computing it twice.
        constexpr double change_bound(double largest_gradient) const noexcept {
            return (eta < T(0) ? -double(eta) : double(eta)) * largest_gradient;
        }
    };
};

} // namespace nabla

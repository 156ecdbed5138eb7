// momentum: gradient descent with a velocity, as PyTorch's SGD(momentum=μ) computes it.
#pragma once

#include <cstddef>

namespace nabla {

// v ← μ v + ∇C(θ), θ ← θ − η v (no dampening, not Nesterov; v starts at zero).
//   nabla::momentum{.learning_rate = 0.1, .momentum = 0.9}
// (The type is spelled momentum_descent because C++ forbids a member named like its class.)
struct momentum_descent final {
    double learning_rate = 0.01;
    double momentum = 0.9;

    static constexpr std::size_t state_count = 1;
    template <class T> struct rule {
        T eta, mu;
        constexpr rule(const momentum_descent& method, std::size_t, double, double) noexcept
            : eta(static_cast<T>(method.learning_rate)), mu(static_cast<T>(method.momentum)) {}
        // U is T, or a vector of T for the optimiser's vectorised check.
        template <class U> constexpr U operator()(U theta, U g, U* velocity) const noexcept {
            velocity[0] = mu * velocity[0] + g;
            return theta - eta * velocity[0];
        }
    };
};

using momentum = momentum_descent;

} // namespace nabla

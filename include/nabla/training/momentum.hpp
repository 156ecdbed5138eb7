// momentum: gradient descent with a velocity, as PyTorch's SGD(momentum=μ) computes it.
#pragma once

#include <cstddef>
#include <limits>

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
        // Bounds on |Δθ| (returned) and on |v| after the step (new_state), when |g| <= largest_gradient
        // and |v| <= largest_state[0]: what lets the optimiser vouch for a step without computing
        // it twice. The factor covers the roundings of μ v + g and η v, the added least subnormals
        // those of subnormal results (and NaN passes through).
        constexpr double state_bounds(double largest_gradient, const double* largest_state, double* new_state) const noexcept {
            constexpr double least = std::numeric_limits<T>::denorm_min();
            const double velocity = (__builtin_fabs(double(mu)) * largest_state[0] + largest_gradient) * 1.0001 + 2 * least;
            new_state[0] = velocity;
            return __builtin_fabs(double(eta)) * velocity * 1.0001 + least;
        }
    };
};

using momentum = momentum_descent;

} // namespace nabla

// adam: Kingma and Ba's adaptive moments, with PyTorch's meaning of every field.
#pragma once

#include <cstddef>
#include <limits>
#include <type_traits>

#include <nabla/detail/math.hpp>

namespace nabla {

// m ← β₁ m + (1 − β₁) g, v ← β₂ v + (1 − β₂) g², θ ← θ − η m̂ / (√v̂ + ε) with m̂ = m / (1 − β₁^t),
// v̂ = v / (1 − β₂^t) at step t = 1, 2, …   nabla::adam{.learning_rate = 1e-3}
struct adam final {
    double learning_rate = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double epsilon = 1e-8;

    static constexpr std::size_t state_count = 2;
    template <class T> struct rule {
        T beta1, beta2, epsilon, step_size, root_correction2;
        // beta1_t and beta2_t are β₁^t and β₂^t, kept by the optimizer. As PyTorch computes them:
        // η / (1 − β₁^t) and √(1 − β₂^t) once a step, in double.
        constexpr rule(const adam& method, std::size_t, double beta1_t, double beta2_t) noexcept
            : beta1(static_cast<T>(method.beta1)), beta2(static_cast<T>(method.beta2)), epsilon(static_cast<T>(method.epsilon)),
              step_size(static_cast<T>(method.learning_rate / (1 - beta1_t))),
              root_correction2(static_cast<T>(detail::sqrt(1 - beta2_t))) {}
        // θ − η m̂ / (√v̂ + ε) as θ − (η / (1 − β₁^t)) m / (√v / √(1 − β₂^t) + ε): PyTorch's order
        // of operations, and two divisions a coefficient instead of three (the divider bounds
        // the vectorised passes). U is T, or a vector of T: the optimiser's passes then run a
        // vector at a time, with the same operations in each lane (so the same results).
        template <class U> constexpr U operator()(U theta, U g, U* moments) const noexcept {
            U& m = moments[0];
            U& v = moments[1];
            m = beta1 * m + (T(1) - beta1) * g;
            v = beta2 * v + (T(1) - beta2) * g * g;
            U root_v;
            if constexpr (std::is_same_v<U, T>) root_v = detail::sqrt(v);
            else root_v = detail::lanes_sqrt(v);
            return theta - step_size * m / (root_v / root_correction2 + epsilon);
        }
        // Bounds on |Δθ| (returned) and on |m| and |v| after the step (new_state), when
        // |g| <= largest_gradient and |m|, |v| <= largest_state: what lets the optimiser vouch for a
        // step without computing it twice. With 0 <= β₂ <= 1 every v the optimiser writes is at
        // least 0, so with ε > 0 and √(1 − β₂^t) > 0 the divisor √v / √(1 − β₂^t) + ε is at least
        // ε (or infinite, which makes the quotient 0): |Δθ| <= η' |m| / ε, and the product η' m
        // must stay finite too. Infinite where nothing is vouched for (and NaN passes through);
        // the factors cover the roundings of each formula, the added least subnormals those of
        // subnormal results.
        constexpr double state_bounds(double largest_gradient, const double* largest_state, double* new_state) const noexcept {
            constexpr double unbounded = __builtin_inf(), least = std::numeric_limits<T>::denorm_min();
            if (!(beta2 >= T(0) && beta2 <= T(1) && epsilon > T(0) && root_correction2 > T(0))) return unbounded;
            const double g = largest_gradient;
            new_state[0] = (__builtin_fabs(double(beta1)) * largest_state[0] + __builtin_fabs(double(T(1) - beta1)) * g) * 1.0001 +
                           2 * least;
            // β₂ and 1 − β₂ are not negative here
            new_state[1] = (double(beta2) * largest_state[1] + double(T(1) - beta2) * g * g) * 1.0001 + 3 * least;
            const double product = __builtin_fabs(double(step_size)) * new_state[0] * 1.0001 + least;
            const double quotient = product / double(epsilon) * 1.0001;
            return (quotient > product ? quotient : product) * 1.0001;
        }
    };
};

} // namespace nabla

// adam: Kingma and Ba's adaptive moments, with PyTorch's meaning of every field.
#pragma once

#include <cstddef>

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
        T eta, beta1, beta2, epsilon, correction1, correction2;
        // beta1_t and beta2_t are β₁^t and β₂^t, kept by the optimizer.
        constexpr rule(const adam& method, std::size_t, double beta1_t, double beta2_t) noexcept
            : eta(static_cast<T>(method.learning_rate)), beta1(static_cast<T>(method.beta1)),
              beta2(static_cast<T>(method.beta2)), epsilon(static_cast<T>(method.epsilon)),
              correction1(static_cast<T>(1 - beta1_t)), correction2(static_cast<T>(1 - beta2_t)) {}
        constexpr T operator()(T theta, T g, T* moments) const noexcept {
            T& m = moments[0];
            T& v = moments[1];
            m = beta1 * m + (T(1) - beta1) * g;
            v = beta2 * v + (T(1) - beta2) * g * g;
            const T m_hat = m / correction1, v_hat = v / correction2;
            return theta - eta * m_hat / (detail::sqrt(v_hat) + epsilon);
        }
    };
};

} // namespace nabla

// binary_cross_entropy: the log loss of independent yes/no outputs, for a sigmoid output layer.
#pragma once

#include <cstddef>
#include <type_traits>

#include <nabla/activations/sigmoid.hpp>
#include <nabla/detail/math.hpp>

namespace nabla {

// C(y, ŷ) = -Σ_k [ŷ_k log y_k + (1 - ŷ_k) log(1 - y_k)], for sigmoid outputs only. From the tape
// it is computed from z as Σ_k [ŷ_k softplus(-z_k) + (1 - ŷ_k) softplus(z_k)], finite when y
// saturates, and δ^L = y - ŷ.   nabla::backward(net, tape, nabla::binary_cross_entropy{}, y_hat)
struct binary_cross_entropy final {
    template <class A> static constexpr bool accepts_output = std::is_same_v<A, sigmoid>;

    template <class Y, class H> static constexpr typename Y::value_type value(const Y& y, const H& y_hat) noexcept {
        using T = typename Y::value_type;
        T sum{};
        for (std::size_t k = 0; k < Y::size(); ++k) {
            const T p = y.data()[k], t = y_hat.data()[k];
            sum -= t * detail::log(p) + (T(1) - t) * detail::log(T(1) - p);
        }
        return sum;
    }
    template <class Y, class H> static constexpr Y gradient(const Y& y, const H& y_hat) noexcept {
        using T = typename Y::value_type;
        Y g;
        for (std::size_t k = 0; k < Y::size(); ++k) {
            const T p = y.data()[k], t = y_hat.data()[k];
            g.data()[k] = (p - t) / (p * (T(1) - p));
        }
        return g;
    }

    template <class A, class Z, class H>
    static constexpr typename Z::value_type value_from_logits(const Z& z, const H& y_hat) noexcept {
        using T = typename Z::value_type;
        T sum{};
        for (std::size_t k = 0; k < Z::size(); ++k) {
            const T s = z.data()[k], t = y_hat.data()[k];
            sum += t * detail::softplus(-s) + (T(1) - t) * detail::softplus(s);
        }
        return sum;
    }
    template <class A, class Z, class H, class D>
    static constexpr void delta_from_logits(const Z&, const Z& a, const H& y_hat, D& delta) noexcept {
        for (std::size_t k = 0; k < Z::size(); ++k) delta.data()[k] = a.data()[k] - y_hat.data()[k];
    }
};

} // namespace nabla

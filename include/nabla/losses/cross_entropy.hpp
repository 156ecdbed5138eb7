// cross_entropy: the log loss of one class out of n_L, for a softmax output layer.
#pragma once

#include <cstddef>
#include <type_traits>

#include <nabla/activations/softmax.hpp>
#include <nabla/detail/math.hpp>

namespace nabla {

// C(y, ŷ) = -Σ_k ŷ_k log y_k, for softmax outputs only. From the tape it is computed through
// log-softmax, log y_k = z_k - log Σ_j e^{z_j}, so it never takes log(0), and the softmax Jacobian
// fuses with ∇C into δ^L = y Σ_k ŷ_k - ŷ (y - ŷ for a one-hot ŷ).
//   nabla::loss_value(tape, nabla::cross_entropy{}, y_hat)
struct cross_entropy final {
    template <class A> static constexpr bool accepts_output = std::is_same_v<A, softmax>;

    template <class Y, class H> static constexpr typename Y::value_type value(const Y& y, const H& y_hat) noexcept {
        using T = typename Y::value_type;
        T sum{};
        for (std::size_t k = 0; k < Y::size(); ++k)
            if (y_hat.data()[k] != T(0)) sum -= y_hat.data()[k] * detail::log(y.data()[k]);
        return sum;
    }
    template <class Y, class H> static constexpr Y gradient(const Y& y, const H& y_hat) noexcept {
        Y g;
        for (std::size_t k = 0; k < Y::size(); ++k) g.data()[k] = -y_hat.data()[k] / y.data()[k];
        return g;
    }

    template <class A, class Z, class H>
    static constexpr typename Z::value_type value_from_logits(const Z& z, const H& y_hat) noexcept {
        using T = typename Z::value_type;
        T sum{};
        for (std::size_t j = 0; j < Z::column_count; ++j) {
            const T log_normaliser = softmax::log_sum_exp(z, j);
            for (std::size_t k = 0; k < Z::row_count; ++k)
                sum -= y_hat.coefficient(k, j) * (z.coefficient(k, j) - log_normaliser);
        }
        return sum;
    }
    template <class A, class Z, class H, class D>
    static constexpr void delta_from_logits(const Z&, const Z& a, const H& y_hat, D& delta) noexcept {
        using T = typename Z::value_type;
        for (std::size_t j = 0; j < Z::column_count; ++j) {
            T total{};
            for (std::size_t k = 0; k < Z::row_count; ++k) total += y_hat.coefficient(k, j);
            for (std::size_t k = 0; k < Z::row_count; ++k)
                delta.data()[k * Z::column_count + j] = a.coefficient(k, j) * total - y_hat.coefficient(k, j);
        }
    }
};

} // namespace nabla

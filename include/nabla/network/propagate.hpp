// The step the forward fold repeats for l = 1..L: z^l = W^l a^{l-1} + b^l 1ᵀ, a^l = σ(z^l), for one
// sample (a column) or a batch (columns are samples).
#pragma once

#include <cstddef>
#include <type_traits>

#include <nabla/activations/activation.hpp>
#include <nabla/detail/assign.hpp>
#include <nabla/diagnostics.hpp>
#include <nabla/tensor/operations.hpp>

namespace nabla::detail {

// The tensor holding n values per sample for input X: a vector for one sample, else n × B.
template <class T, std::size_t N, class X>
using column_block = std::conditional_t<X::is_vector, vector<T, N>, matrix<T, N, X::column_count>>;

// Whether x can go into a network with parameters P; if not, the one error that says why.
template <class P, class X> constexpr bool input_fits() noexcept {
    if constexpr (!Expression<X>) {
        static_assert(Expression<X>, "net(x): x must be a nabla::vector<T, n_0> or a batch nabla::matrix<T, n_0, B>");
        return false;
    } else if constexpr (X::row_count != P::input_size) {
        static_assert(check::input_size<P::input_size>::template matches<X::row_count>, NABLA_MESSAGE_INPUT_SIZE);
        return false;
    } else if constexpr (!std::is_same_v<typename X::value_type, typename P::value_type>) {
        static_assert(check::scalar_type<typename P::value_type>::template matches<typename X::value_type>,
                      NABLA_MESSAGE_SCALAR_TYPE);
        return false;
    } else {
        return P::well_formed;
    }
}

// z = W^l a_previous + b^l 1ᵀ, a = σ_l(z): the product by its kernel, then the bias on each column.
template <std::size_t l, class P, class APrevious, class Z>
constexpr void propagate(const P& theta, const APrevious& a_previous, Z& z, Z& a) noexcept {
    assign(z.data(), theta.template W<l>() * a_previous);
    const auto& b = theta.template b<l>();
    for (std::size_t i = 0; i < Z::row_count; ++i)
        for (std::size_t j = 0; j < Z::column_count; ++j) z.data()[i * Z::column_count + j] += b[i];
    activate<typename P::template layer<l>::activation>(z, a);
}

} // namespace nabla::detail

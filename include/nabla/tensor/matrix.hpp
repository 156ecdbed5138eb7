// nabla::matrix<T, R, C>: a fixed-size row-major R x C array on the stack, the W of the math and a
// batch of C samples.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

#include <nabla/detail/assign.hpp>
#include <nabla/diagnostics.hpp>
#include <nabla/tensor/expression.hpp>

namespace nabla {

// An R x C matrix of T, row-major and contiguous, zero when default-constructed, trivially copyable,
// with sizeof(matrix<T, R, C>) == R * C * sizeof(T).
//   nabla::matrix<float, 3, 2> W{{0.1f, 0.2f}, {0.3f, 0.4f}, {0.5f, 0.6f}};  W(2, 1) == 0.6f
template <std::floating_point T, std::size_t R, std::size_t C> class matrix : public detail::storage<T, R * C> {
    static_assert(R > 0 && C > 0, "nabla::matrix<T, R, C> needs R > 0 and C > 0");

public:
    using value_type = T;
    static constexpr std::size_t row_count = R, column_count = C;
    static constexpr bool is_vector = false, is_leaf = true;

    static constexpr std::size_t size() noexcept { return R * C; }
    static constexpr std::size_t rows() noexcept { return R; }
    static constexpr std::size_t cols() noexcept { return C; }

    constexpr matrix() noexcept = default;
    // For storage the caller writes whole before reading (detail::uninitialized): not zeroed.
    constexpr explicit matrix(detail::uninitialized_t u) noexcept : detail::storage<T, R * C>(u) {}

    // Exactly R rows of exactly C values each: matrix<float, 2, 2>{{1, 0}, {0, 1}}.
    template <std::size_t... K>
        requires(sizeof...(K) > 0)
    constexpr matrix(const T (&... row)[K]) noexcept {
        static_assert(check::initializer_rows<R>::template matches<sizeof...(K)>, NABLA_MESSAGE_INITIALIZER_ROWS);
        static_assert(check::initializer_columns<C>::template match<K...>, NABLA_MESSAGE_INITIALIZER_COLUMNS);
        if constexpr (sizeof...(K) == R && ((K == C) && ...)) {
            std::size_t i = 0;
            ((copy_row(i++, row)), ...);
        }
    }

    // Evaluates an expression in one loop: matrix<float, 3, 2> G = outer(delta, a);
    template <Expression E>
        requires(!std::is_same_v<E, matrix>)
    constexpr matrix(const E& e) noexcept : detail::storage<T, R * C>(detail::uninitialized) {
        static_assert(check::assignment<check::matrix<R, C>, detail::shape_of<E>>::shapes_match, NABLA_MESSAGE_ASSIGNMENT);
        static_assert(check::scalar_type<T>::template matches<typename E::value_type>, NABLA_MESSAGE_SCALAR_TYPE);
        if constexpr (E::row_count == R && E::column_count == C && std::is_same_v<typename E::value_type, T>)
            detail::assign(this->values_, e);
    }

    // Alias-safe: the expression is evaluated before the matrix changes, so W = transpose(W) works.
    template <Expression E>
        requires(!std::is_same_v<E, matrix>)
    constexpr matrix& operator=(const E& e) noexcept {
        return *this = matrix(e);
    }
    constexpr matrix& operator=(detail::error_result) noexcept { return *this; }

    constexpr T& operator()(std::size_t i, std::size_t j) noexcept { return this->values_[i * C + j]; }
    constexpr const T& operator()(std::size_t i, std::size_t j) const noexcept { return this->values_[i * C + j]; }
    constexpr T coefficient(std::size_t i, std::size_t j) const noexcept { return this->values_[i * C + j]; }

private:
    template <std::size_t K> constexpr void copy_row(std::size_t i, const T (&row)[K]) noexcept {
        for (std::size_t j = 0; j < K; ++j) this->values_[i * C + j] = row[j];
    }
};

} // namespace nabla

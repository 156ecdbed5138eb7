// nabla::vector<T, N>: a fixed-size column of N values on the stack, the a, z, b and delta of the math.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

#include <nabla/detail/assign.hpp>
#include <nabla/diagnostics.hpp>
#include <nabla/tensor/expression.hpp>

namespace nabla {

// A column vector of N values of T, zero when default-constructed, trivially copyable, with
// sizeof(vector<T, N>) == N * sizeof(T).
//   nabla::vector<float, 2> x{0.f, 1.f};  x[1] == 1.f
template <std::floating_point T, std::size_t N> class vector : public detail::storage<T, N> {
    static_assert(N > 0, "nabla::vector<T, N> needs N > 0");

public:
    using value_type = T;
    static constexpr std::size_t row_count = N, column_count = 1;
    static constexpr bool is_vector = true, is_leaf = true;

    static constexpr std::size_t size() noexcept { return N; }
    static constexpr std::size_t rows() noexcept { return N; }
    static constexpr std::size_t cols() noexcept { return 1; }

    constexpr vector() noexcept = default;
    // For storage the caller writes whole before reading (detail::uninitialized): not zeroed.
    constexpr explicit vector(detail::uninitialized_t u) noexcept : detail::storage<T, N>(u) {}

    // Exactly N values, each converted to T: vector<float, 3>{1, 2.5, 3.f}.
    template <class... U>
        requires(sizeof...(U) > 0 && (std::is_arithmetic_v<U> && ...))
    constexpr vector(U... values) noexcept {
        static_assert(check::initializer_count<N>::template matches<sizeof...(U)>, NABLA_MESSAGE_INITIALIZER_COUNT);
        if constexpr (sizeof...(U) == N) {
            std::size_t k = 0;
            ((this->values_[k++] = static_cast<T>(values)), ...);
        }
    }

    // Evaluates an expression in one loop: vector<float, 3> z = W * a + b;
    template <Expression E>
        requires(!std::is_same_v<E, vector>)
    constexpr vector(const E& e) noexcept : detail::storage<T, N>(detail::uninitialized) {
        static_assert(check::assignment<check::vector<N>, detail::shape_of<E>>::shapes_match, NABLA_MESSAGE_ASSIGNMENT);
        static_assert(check::scalar_type<T>::template matches<typename E::value_type>, NABLA_MESSAGE_SCALAR_TYPE);
        if constexpr (E::row_count == N && E::column_count == 1 && std::is_same_v<typename E::value_type, T>)
            detail::assign(this->values_, e);
    }

    // Alias-safe: the expression is evaluated before the vector changes, so a = W * a works.
    template <Expression E>
        requires(!std::is_same_v<E, vector>)
    constexpr vector& operator=(const E& e) noexcept {
        return *this = vector(e);
    }
    constexpr vector& operator=(detail::error_result) noexcept { return *this; }

    constexpr T& operator[](std::size_t i) noexcept { return this->values_[i]; }
    constexpr const T& operator[](std::size_t i) const noexcept { return this->values_[i]; }
    constexpr T coefficient(std::size_t i, std::size_t) const noexcept { return this->values_[i]; }
};

} // namespace nabla

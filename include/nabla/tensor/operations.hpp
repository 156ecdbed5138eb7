// The operations that build tensor expressions, each checking its operands' shapes at compile time:
// W * a, a + b, a - b, s * a, hadamard(a, b), transpose(W), outer(d, a), map(f, a).
#pragma once

#include <concepts>
#include <type_traits>

#include <nabla/diagnostics.hpp>
#include <nabla/tensor/expression.hpp>
#include <nabla/tensor/product.hpp>

namespace nabla {
namespace detail {

template <class L, class R>
inline constexpr bool same_scalar = std::is_same_v<typename L::value_type, typename R::value_type>;

template <class Op, Expression L, Expression R> constexpr auto make_elementwise(const L& l, const R& r) noexcept {
    if constexpr (!same_shape<L, R>) {
        static_assert(check::elementwise<shape_of<L>, shape_of<R>>::shapes_match, NABLA_MESSAGE_ELEMENTWISE);
        return error_result{};
    } else if constexpr (!same_scalar<L, R>) {
        static_assert(check::scalar_type<typename L::value_type>::template matches<typename R::value_type>,
                      NABLA_MESSAGE_SCALAR_TYPE);
        return error_result{};
    } else {
        return elementwise<Op, L, R>(l, r);
    }
}

} // namespace detail

// a + b, coefficient by coefficient; both of one shape.
template <Expression L, Expression R> constexpr auto operator+(const L& l, const R& r) noexcept {
    return detail::make_elementwise<ops::plus>(l, r);
}

// a - b, coefficient by coefficient; both of one shape.
template <Expression L, Expression R> constexpr auto operator-(const L& l, const R& r) noexcept {
    return detail::make_elementwise<ops::minus>(l, r);
}

// hadamard(a, b) = a ⊙ b, the element-wise product of the backward pass.
template <Expression L, Expression R> constexpr auto hadamard(const L& l, const R& r) noexcept {
    return detail::make_elementwise<ops::multiplies>(l, r);
}

// A * B, the matrix product: W * a, transpose(W) * delta, W * A for a batch A.
template <Expression L, Expression R> constexpr auto operator*(const L& l, const R& r) noexcept {
    if constexpr (L::column_count != R::row_count) {
        static_assert(check::product<detail::shape_of<L>, detail::shape_of<R>>::inner_sizes_match,
                      NABLA_MESSAGE_PRODUCT);
        return detail::error_result{};
    } else if constexpr (!detail::same_scalar<L, R>) {
        static_assert(check::scalar_type<typename L::value_type>::template matches<typename R::value_type>,
                      NABLA_MESSAGE_SCALAR_TYPE);
        return detail::error_result{};
    } else {
        return product<L, R>(l, r);
    }
}

// s * a and a * s, the scalar converted to a's value_type.
template <class S, Expression E>
    requires std::is_arithmetic_v<S>
constexpr auto operator*(S s, const E& e) noexcept {
    return scaled<E>(static_cast<typename E::value_type>(s), e);
}
template <Expression E, class S>
    requires std::is_arithmetic_v<S>
constexpr auto operator*(const E& e, S s) noexcept {
    return scaled<E>(static_cast<typename E::value_type>(s), e);
}

// transpose(W): W^T, read in place.
template <Expression E> constexpr auto transpose(const E& e) noexcept { return transposed<E>(e); }

// outer(d, a) = d a^T, the shape of a weight gradient.
template <VectorExpression L, VectorExpression R> constexpr auto outer(const L& l, const R& r) noexcept {
    if constexpr (!detail::same_scalar<L, R>) {
        static_assert(check::scalar_type<typename L::value_type>::template matches<typename R::value_type>,
                      NABLA_MESSAGE_SCALAR_TYPE);
        return detail::error_result{};
    } else {
        return product<L, transposed<R>>(l, transposed<R>(r));
    }
}

// map(f, a): f applied to every coefficient, f(value_type) -> value_type.
template <class F, Expression E>
    requires std::invocable<const F&, typename E::value_type>
constexpr auto map(F f, const E& e) noexcept {
    return mapped<F, E>(f, e);
}

// After a failed check every operation accepts the error quietly: one mistake, one message.
// clang-format off
template <class R> constexpr detail::error_result operator+(detail::error_result, const R&) noexcept { return {}; }
template <Expression L> constexpr detail::error_result operator+(const L&, detail::error_result) noexcept { return {}; }
template <class R> constexpr detail::error_result operator-(detail::error_result, const R&) noexcept { return {}; }
template <Expression L> constexpr detail::error_result operator-(const L&, detail::error_result) noexcept { return {}; }
template <class R> constexpr detail::error_result operator*(detail::error_result, const R&) noexcept { return {}; }
template <class L> requires(!std::is_same_v<L, detail::error_result>)
constexpr detail::error_result operator*(const L&, detail::error_result) noexcept { return {}; }
constexpr detail::error_result transpose(detail::error_result) noexcept { return {}; }
template <class R> constexpr detail::error_result hadamard(detail::error_result, const R&) noexcept { return {}; }
template <Expression L> constexpr detail::error_result hadamard(const L&, detail::error_result) noexcept { return {}; }
// clang-format on

} // namespace nabla

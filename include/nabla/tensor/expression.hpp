// What every tensor expression is: a shape known at compile time and a rule for one coefficient.
// Expression nodes only describe; detail/assign.hpp's single loop evaluates them on assignment.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

#include <nabla/diagnostics.hpp>

namespace nabla {

// E describes a row_count x column_count array of value_type, coefficient(i, j) computes one entry,
// and is_vector says whether it evaluates to a nabla::vector (a column) or a nabla::matrix.
template <class E>
concept Expression = requires(const E& e, std::size_t i) {
    typename E::value_type;
    requires std::floating_point<typename E::value_type>;
    { E::row_count } -> std::convertible_to<std::size_t>;
    { E::column_count } -> std::convertible_to<std::size_t>;
    { E::is_vector } -> std::convertible_to<bool>;
    { E::is_leaf } -> std::convertible_to<bool>;
    { e.coefficient(i, i) } -> std::convertible_to<typename E::value_type>;
};

// A vector expression: one column that evaluates to a nabla::vector.
template <class E>
concept VectorExpression = Expression<E> && E::is_vector;

template <class E> struct is_error : std::false_type {};
template <> struct is_error<detail::error_result> : std::true_type {};

namespace detail {

// The shape of E as check messages print it: vector<4> or matrix<3, 2>.
template <class E>
using shape_of = std::conditional_t<E::is_vector, check::vector<E::row_count>,
                                    check::matrix<E::row_count, E::column_count>>;

// Nodes hold tensors by reference (they outlive the full expression) and nodes by value.
template <class E> using operand = std::conditional_t<E::is_leaf, const E&, const E>;

template <Expression L, Expression R>
inline constexpr bool same_shape = L::row_count == R::row_count && L::column_count == R::column_count;

} // namespace detail

namespace ops {
struct plus final {
    template <class T> static constexpr T apply(T l, T r) noexcept { return l + r; }
};
struct minus final {
    template <class T> static constexpr T apply(T l, T r) noexcept { return l - r; }
};
struct multiplies final {
    template <class T> static constexpr T apply(T l, T r) noexcept { return l * r; }
};
} // namespace ops

// l op r, coefficient by coefficient: a + b, a - b, hadamard(a, b).
template <class Op, Expression L, Expression R> class elementwise {
public:
    using value_type = typename L::value_type;
    static constexpr std::size_t row_count = L::row_count, column_count = L::column_count;
    static constexpr bool is_vector = L::is_vector && R::is_vector, is_leaf = false;

    constexpr elementwise(const L& l, const R& r) noexcept : left_(l), right_(r) {}
    constexpr value_type coefficient(std::size_t i, std::size_t j) const noexcept {
        return Op::apply(left_.coefficient(i, j), right_.coefficient(i, j));
    }

private:
    detail::operand<L> left_;
    detail::operand<R> right_;
};

// s * e.
template <Expression E> class scaled {
public:
    using value_type = typename E::value_type;
    static constexpr std::size_t row_count = E::row_count, column_count = E::column_count;
    static constexpr bool is_vector = E::is_vector, is_leaf = false;

    constexpr scaled(value_type s, const E& e) noexcept : scale_(s), operand_(e) {}
    constexpr value_type coefficient(std::size_t i, std::size_t j) const noexcept {
        return scale_ * operand_.coefficient(i, j);
    }

private:
    value_type scale_;
    detail::operand<E> operand_;
};

// map(f, e): f applied to every coefficient.
template <class F, Expression E> class mapped {
public:
    using value_type = typename E::value_type;
    static constexpr std::size_t row_count = E::row_count, column_count = E::column_count;
    static constexpr bool is_vector = E::is_vector, is_leaf = false;

    constexpr mapped(F f, const E& e) noexcept : function_(f), operand_(e) {}
    constexpr value_type coefficient(std::size_t i, std::size_t j) const noexcept {
        return static_cast<value_type>(function_(operand_.coefficient(i, j)));
    }

private:
    F function_;
    detail::operand<E> operand_;
};

// transpose(e): reads e with its indices swapped; no copy.
template <Expression E> class transposed {
public:
    using value_type = typename E::value_type;
    static constexpr std::size_t row_count = E::column_count, column_count = E::row_count;
    static constexpr bool is_vector = false, is_leaf = false;

    constexpr explicit transposed(const E& e) noexcept : operand_(e) {}
    constexpr value_type coefficient(std::size_t i, std::size_t j) const noexcept {
        return operand_.coefficient(j, i);
    }
    // What is transposed; a product kernel reads its storage directly.
    constexpr const E& inner() const noexcept { return operand_; }

private:
    detail::operand<E> operand_;
};

} // namespace nabla

// The matrix product node, A * B: the one expression whose coefficients read whole rows and columns.
#pragma once

#include <cstddef>
#include <type_traits>

#include <nabla/detail/kernels.hpp>
#include <nabla/tensor/expression.hpp>
#include <nabla/tensor/matrix.hpp>
#include <nabla/tensor/vector.hpp>

namespace nabla {
namespace detail {

// The tensor an expression evaluates to.
template <Expression E>
using evaluated = std::conditional_t<E::is_vector, vector<typename E::value_type, E::row_count>,
                                     matrix<typename E::value_type, E::row_count, E::column_count>>;

// A product reads each operand coefficient many times, so a compound operand is evaluated once,
// into a fixed-size tensor on the stack, when the product is formed (as Eigen does). Tensors and
// transposed tensors are read in place.
template <class E> struct product_operand {
    using type = std::conditional_t<E::is_leaf, const E&, const evaluated<E>>;
};
template <class E> struct product_operand<transposed<E>> {
    using type = std::conditional_t<E::is_leaf, const transposed<E>, const evaluated<transposed<E>>>;
};

} // namespace detail

// L * R with L::column_count == R::row_count (checked by operator*).
template <Expression L, Expression R> class product {
public:
    using value_type = typename L::value_type;
    static constexpr std::size_t row_count = L::row_count, column_count = R::column_count;
    static constexpr std::size_t inner_count = L::column_count; // the length of each sum
    static constexpr bool is_vector = R::is_vector, is_leaf = false;
    // Whether the kernel hands its results to a store as vectors (else one coefficient at a time).
    static constexpr bool stores_vectors = detail::stores_vectors<value_type, row_count, inner_count, column_count>;

    constexpr product(const L& l, const R& r) noexcept : left_(l), right_(r) {}

    // The whole product at once, by the kernel its operands' layouts call for (detail/kernels.hpp);
    // detail::assign prefers this to the coefficient rule. Each result goes to store(&out[i, j], value).
    template <class Store = detail::store_results>
    constexpr void evaluate_into(value_type* out, Store&& store = {}) const noexcept {
        detail::multiply<value_type, row_count, L::column_count, column_count, !left_type::is_leaf, !right_type::is_leaf>(
            out, storage_of(left_), storage_of(right_), store);
    }
    constexpr value_type coefficient(std::size_t i, std::size_t j) const noexcept {
        value_type sum{};
        for (std::size_t k = 0; k < L::column_count; ++k) sum += left_.coefficient(i, k) * right_.coefficient(k, j);
        return sum;
    }

private:
    // What the operands are stored as: a tensor, or a transposed tensor (read in place).
    using left_type = std::remove_cvref_t<typename detail::product_operand<L>::type>;
    using right_type = std::remove_cvref_t<typename detail::product_operand<R>::type>;
    template <class E> static constexpr const value_type* storage_of(const E& e) noexcept {
        if constexpr (E::is_leaf) return e.data();
        else return e.inner().data();
    }

    typename detail::product_operand<L>::type left_;
    typename detail::product_operand<R>::type right_;
};

} // namespace nabla

// softmax: turns an output column into probabilities; allowed in the output layer only.
#pragma once

#include <cstddef>

#include <nabla/detail/math.hpp>

namespace nabla {

// a_k = e^{z_k} / Σ_j e^{z_j}, per sample (column). Its Jacobian is diag(a) - a aᵀ, not diagonal,
// so backpropagation applies it whole; with cross_entropy the pair is fused to delta = a - y_hat.
//   nabla::dense<10, nabla::softmax>
struct softmax final {
    static constexpr const char* name = "softmax";
    static constexpr const char* symbol = "softmax"; // in formulas; empty: none is written
    static constexpr bool is_column_activation = true;
    static constexpr bool output_layer_only = true;

    // Subtracting the column's maximum keeps every exponent <= 0: no overflow for any finite z.
    // The loops run along rows, over all columns at once, so that a batch's columns vectorise.
    // They stay loops (unroll 1): g++ had unrolled exp over a batch's vectors and the division
    // over the 10 rows of M's and W's outputs whole, 3 % of their SSE2 training units' code (M's
    // 8,138 → 7,882 instructions, docs/benchmarks-notes.md); one sample's softmax compiles to the
    // same code either way.
    template <class Z, class A> static constexpr void apply(const Z& z, A& a) noexcept {
        using T = typename Z::value_type;
        constexpr std::size_t rows = Z::row_count, columns = Z::column_count;
        T largest[columns], sum[columns]{};
        for (std::size_t j = 0; j < columns; ++j) largest[j] = z.coefficient(0, j);
#pragma GCC unroll 1
        for (std::size_t k = 1; k < rows; ++k)
            for (std::size_t j = 0; j < columns; ++j)
                largest[j] = z.coefficient(k, j) > largest[j] ? z.coefficient(k, j) : largest[j];
        T* out = a.data();
#pragma GCC unroll 1
        for (std::size_t k = 0; k < rows; ++k)
#pragma GCC unroll 1
            for (std::size_t j = 0; j < columns; ++j) {
                const T e = detail::exp(z.coefficient(k, j) - largest[j]);
                out[k * columns + j] = e;
                sum[j] += e;
            }
#pragma GCC unroll 1
        for (std::size_t k = 0; k < rows; ++k)
            for (std::size_t j = 0; j < columns; ++j) out[k * columns + j] /= sum[j];
    }

    // delta = (diag(a) - a aᵀ) g = a ⊙ (g - (a · g)).
    template <class Z, class G, class D>
    static constexpr void backpropagate(const Z&, const Z& a, const G& g, D& delta) noexcept {
        using T = typename Z::value_type;
        for (std::size_t j = 0; j < Z::column_count; ++j) {
            T dot{};
            for (std::size_t k = 0; k < Z::row_count; ++k) dot += a.coefficient(k, j) * g.coefficient(k, j);
            for (std::size_t k = 0; k < Z::row_count; ++k)
                delta.data()[k * Z::column_count + j] = a.coefficient(k, j) * (g.coefficient(k, j) - dot);
        }
    }

    // log a_k = z_k - log Σ_j e^{z_j}, exact where a_k itself underflows to 0.
    template <class Z> static constexpr auto log_sum_exp(const Z& z, std::size_t j) noexcept {
        using T = typename Z::value_type;
        T largest = z.coefficient(0, j);
        for (std::size_t k = 1; k < Z::row_count; ++k)
            if (z.coefficient(k, j) > largest) largest = z.coefficient(k, j);
        T sum{};
        for (std::size_t k = 0; k < Z::row_count; ++k) sum += detail::exp(z.coefficient(k, j) - largest);
        return largest + detail::log(sum);
    }
};

} // namespace nabla

// The matrix-product kernels: the loop orders and widths chosen from the sizes at compile time.
// Products are where the time goes, and the coefficient-at-a-time loop of detail/assign.hpp reads
// a column of a row-major matrix with a stride and sums in one dependent chain.
#pragma once

#include <cstddef>
#include <cstring>
#include <type_traits>

namespace nabla::detail {

// Σ_k a[k] b[k] over K contiguous values. At run time it keeps 64 bytes of independent partial
// sums (one AVX-512 register, two AVX or four SSE ones), so the multiply-adds pipeline and
// vectorise without -ffast-math; during constant evaluation it is the plain loop.
template <class T, std::size_t K> inline T dot_lanes(const T* a, const T* b) noexcept {
    constexpr std::size_t lanes = 64 / sizeof(T);
    typedef T vec __attribute__((vector_size(64)));
    constexpr std::size_t whole = K / lanes * lanes;
    vec sum{};
    for (std::size_t k = 0; k < whole; k += lanes) {
        vec x, y;
        std::memcpy(&x, a + k, sizeof x);
        std::memcpy(&y, b + k, sizeof y);
        sum += x * y;
    }
    T total{};
    for (std::size_t l = 0; l < lanes; ++l) total += sum[l];
    if constexpr (whole < K)
        for (std::size_t k = whole; k < K; ++k) total += a[k] * b[k];
    return total;
}

template <class T, std::size_t K> constexpr T dot(const T* a, const T* b) noexcept {
    // Below two vectors' worth, the horizontal sum costs more than the lanes save.
    if (!std::is_constant_evaluated() && K >= 2 * 64 / sizeof(T)) return dot_lanes<T, K>(a, b);
    T total{};
    for (std::size_t k = 0; k < K; ++k) total += a[k] * b[k];
    return total;
}

// out (R × C, row-major) = A B with A R × K and B K × C. A and B are row-major arrays, read as
// their transposes when TransposeA / TransposeB (so A is then stored K × R, B C × K).
template <class T, std::size_t R, std::size_t K, std::size_t C, bool TransposeA, bool TransposeB>
constexpr void multiply(T* out, const T* a, const T* b) noexcept {
    if constexpr (K == 1) {
        // An outer product (δ aᵀ for one sample): A is a column, B a row, however they are stored.
        for (std::size_t i = 0; i < R; ++i)
            for (std::size_t j = 0; j < C; ++j) out[i * C + j] = a[i] * b[j];
    } else if constexpr (TransposeB) {
        // δ Aᵀ for a batch: transpose the stored B once (on the stack), then the row kernel below.
        T stored[K * C];
        for (std::size_t j = 0; j < C; ++j)
            for (std::size_t k = 0; k < K; ++k) stored[k * C + j] = b[j * K + k];
        multiply<T, R, K, C, TransposeA, false>(out, a, stored);
    } else if constexpr (C == 1 && !TransposeA) {
        // W a: one contiguous dot product per row.
        for (std::size_t i = 0; i < R; ++i) out[i] = dot<T, K>(a + i * K, b);
    } else {
        // Row i of the result accumulates A(i, k) times row k of B: the inner loop runs along
        // contiguous rows and vectorises, the row stays in registers across k, and each
        // coefficient still sums over k in order.
        for (std::size_t i = 0; i < R; ++i) {
            T row[C]{};
            for (std::size_t k = 0; k < K; ++k) {
                const T scale = TransposeA ? a[k * R + i] : a[i * K + k];
                const T* source = b + k * C;
                for (std::size_t j = 0; j < C; ++j) row[j] += scale * source[j];
            }
            for (std::size_t j = 0; j < C; ++j) out[i * C + j] = row[j];
        }
    }
}

} // namespace nabla::detail

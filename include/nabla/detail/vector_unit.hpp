// The target's vector unit as the kernels size their loops for it: the register width, how many
// accumulators the register file holds, how far a loop of a given length is unrolled, and a value
// kept in a register (in_register).
#pragma once

#include <cstddef>
#include <type_traits>

#include <nabla/detail/constant_evaluation.hpp>

NABLA_BEGIN_IF_CONSTEVAL

namespace nabla::detail {

// The target's vector register, in bytes, and how many accumulators its register file holds with
// room to spare for the operands (32 registers with AVX-512, 16 below). And how many vectors wide
// a minibatch product's register tile is (multiply_rows): its sums, one row of B's vectors and
// A's broadcast coefficient must all fit the register file. AVX-512's 6 × 4 tiles take 24 + 4 of
// its 32 (the broadcast is folded into the multiply-add); with AVX2's 16, 3 × 4 took 12 + 4 + 1,
// one too many, and g++ kept a sum in memory, every k waiting for its store and reload: 6 × 2
// takes 12 + 2 + 1 (on a Zen 3 core, M's minibatch step 71.5 → 37.9 µs, W's 886 → 471 µs).
#if defined(__AVX512F__)
inline constexpr std::size_t simd_bytes = 64, simd_accumulators = 24, tile_vectors = 4;
#elif defined(__AVX__)
inline constexpr std::size_t simd_bytes = 32, simd_accumulators = 12, tile_vectors = 2;
#else
inline constexpr std::size_t simd_bytes = 16, simd_accumulators = 12, tile_vectors = 4;
#endif

// f(0), …, f(count - 1), for the vectors along a row of a matrix. Unrolled whole by g++ where
// the row's vectors fit in the registers beside the sums, which keeps the operand it meets across
// rows (x, or a) in them; past that they cannot, and unrolling whole only multiplies the code:
// SSE2's rows of 64 floats, unrolled 16 times, were 11 % of M's training unit's g++ instructions.
// Two loops, since `#pragma GCC unroll` takes no template argument.
template <std::size_t count> inline constexpr bool row_unrolled_whole = count <= simd_accumulators;
template <std::size_t count, class F> inline void along_row(F&& f) noexcept {
    if constexpr (row_unrolled_whole<count>) {
        for (std::size_t v = 0; v < count; ++v) f(v);
    } else {
#pragma GCC unroll 4
        for (std::size_t v = 0; v < count; ++v) f(v);
    }
}

// f(0), …, f(count / 2 - 1) for a row walked two vectors at a time (row_products' two chains):
// unrolled as along_row unrolls the same row, whole or four vectors a pass.
template <std::size_t count, class F> inline void along_row_in_pairs(F&& f) noexcept {
    if constexpr (row_unrolled_whole<count>) {
        for (std::size_t v = 0; v < count / 2; ++v) f(v);
    } else {
#pragma GCC unroll 2
        for (std::size_t v = 0; v < count / 2; ++v) f(v);
    }
}

// f(0), …, f(n - 1) for an element-wise loop over n values of T, which the compiler vectorises.
// Up to eight vectors the loop is left to g++, which unrolls it whole; past that it stays a loop:
// g++ -O3 also unrolls whole a vectorised loop of up to 16 iterations (SSE2's 64 floats), and
// those copies of the bias, activation, slope and δ loops and of a minibatch's columns were 4 % of
// M's training unit's g++ instructions (8.65 → 8.31 G, the compile-time notes of
// docs/benchmarks-notes.md). Unroll 1, not along_row's 4: the pragma binds the scalar loop, and
// g++ still unrolled the vectorised loop of one marked 4 whole.
template <class T, std::size_t n, class F> constexpr void each_index(F&& f) noexcept {
    if constexpr (n <= 8 * simd_bytes / sizeof(T)) {
        for (std::size_t k = 0; k < n; ++k) f(k);
    } else {
#pragma GCC unroll 1
        for (std::size_t k = 0; k < n; ++k) f(k);
    }
}

// Makes the compiler hold v (a float or a vector of them) in a register from here on, its value
// unknown to the optimiser. A vector that two instructions read (W's coefficients, noted and
// multiplied) would otherwise be loaded by each of them, the load folded into the instruction:
// two loads to a multiply-add, where loads bound the loop (M's one-sample training step 5 %
// slower, W's 3-4 %). A bound or a value hidden this way cannot be constant-folded into a copy of
// the formula around it (approximations.hpp's lone_value). Nothing during constant evaluation.
template <class V> constexpr void in_register([[maybe_unused]] V& v) noexcept {
#if defined(__x86_64__) || defined(__i386__)
    if !consteval {
        asm("" : "+x"(v));
    }
#endif
}

} // namespace nabla::detail

NABLA_END_IF_CONSTEVAL

// The matrix-product kernels: the loop orders, tile shapes and vector width chosen from the sizes at
// compile time. Products are where the time goes, and the coefficient-at-a-time loop of
// detail/assign.hpp reads a column of a row-major matrix with a stride and sums in one dependent
// chain. At run time the kernels hold their accumulators in vector registers (GCC/Clang vector
// extensions, the widest the target has); during constant evaluation they are plain loops.
#pragma once

#include <bit>
#include <cstddef>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include <nabla/detail/bytes.hpp>
#include <nabla/detail/constant_evaluation.hpp>
#include <nabla/detail/vector_unit.hpp>

NABLA_BEGIN_IF_CONSTEVAL

namespace nabla::detail {

// Whether the running maxima of magnitudes (largest_seen) compare their bits as signed integers,
// which order the same with the sign bit cleared: where the vector unit has no unsigned compare
// (x86 before SSE4.1), g++ makes one of two subtractions beside a signed one, which made M's,
// S's and W's one-sample steps 10-20 % slower in a build without -march. Elsewhere the unsigned
// compare stays: signed with AVX-512, g++ reduced the lanes differently and S's step ran 3 %
// slower (179 → 185 ns), the other networks' within 2 %.
#if defined(__SSE2__) && !defined(__SSE4_1__)
inline constexpr bool signed_magnitudes = true;
#else
inline constexpr bool signed_magnitudes = false;
#endif

// A kernel sized at run time, compiled once for every shape that calls it: out of line, and for
// g++ also not cloned per constant argument (its IPA-CP would otherwise bring back one copy per shape).
#if defined(__clang__)
#define NABLA_SHARED_KERNEL [[gnu::noinline]]
#define NABLA_RARE_KERNEL [[gnu::noinline, gnu::cold]]
#else
#define NABLA_SHARED_KERNEL [[gnu::noinline, gnu::noclone]]
#define NABLA_RARE_KERNEL [[gnu::noinline, gnu::noclone, gnu::cold]]
#endif
// A shared kernel that runs only where bounds could not vouch for a step (the exact checks):
// compiled for size, as g++ compiles a cold function, and kept out of the hot code's lines. M's
// training unit 6.960 -> 6.848 G cc1plus instructions (scripts/cc1plus_instructions.sh).

// The sizes of a product out = A B (A R × K, B K × C) as a tile kernel sees them: fixed at compile
// time for a small product, whose short loops pay for fixed bounds and unrolling; for a larger one
// passed at run time, so that the shapes of a network share copies of the kernel. Where A is read
// by rows, its row stride K stays fixed in tiles of 6 rows or more (AVX2, AVX-512): with it at run
// time, each of a tile's rows needs a pointer register of its own, and g++ spilled the sums (W's
// batch step ran 9 % slower in an A/B run of scripts/compare_benchmarks.sh against that variant).
// Tiles of up to overlapping_rows rows (SSE2) have the registers to spare, and take K at run
// time, so that M's two hidden layers (K = 64, 128) share one copy: its training unit went from
// 8.17 to 7.91 G g++ instructions, W's (one K) from 8.23 to 8.15, with SSE2's and AVX2's batch
// steps as fast as before (compare_benchmarks.sh). Two kinds stay fixed, each measured in an AVX2
// build: a short K (a minibatch's size, in δ aᵀ), whose fixed trip count kept momentum's and
// Adam's M batch steps 3-4 % faster, and the tiles that note A's coefficients, whose fixed-length
// pass over a row kept sgd's fused M batch step 7 % faster.
template <std::size_t R, std::size_t K, std::size_t C> struct fixed_shape {
    static constexpr std::size_t rows = R, inner = K, columns = C;
};
struct runtime_shape {
    std::size_t rows, inner, columns;
};
// A read by rows: its tiles need A's row stride K and out's row stride C, never R, and two sizes
// travel in registers where a third sends the shape through the stack at every call.
template <std::size_t K> struct fixed_inner_shape {
    static constexpr std::size_t inner = K;
    std::size_t columns;
};
struct runtime_inner_shape {
    std::size_t inner, columns;
};
// Up to this many multiply-adds (S's largest product on a batch of 32) a product is small.
inline constexpr std::size_t small_product = 8192;
// Tiles of up to this many rows cover a band's last rows by overlapping (multiply_band).
inline constexpr std::size_t overlapping_rows = 3;
// From this K on, a tile's loop along K is long enough not to need a fixed trip count.
inline constexpr std::size_t long_inner = 64;
template <std::size_t R, std::size_t K, std::size_t C, bool TransposeA, std::size_t TileRows, bool Notes>
constexpr auto product_shape() noexcept {
    // R only where A is read by columns: the tiles never read it otherwise, and in the type it
    // made a copy per layer of tiles that are the same (S's 16 × 16 and 4 × 16 layers: its
    // training unit 8.55 → 8.15 G g++ instructions).
    if constexpr (R * K * C <= small_product) return fixed_shape<TransposeA ? R : 0, K, C>{};
    else if constexpr (TransposeA) return runtime_shape{R, K, C};
    else if constexpr (TileRows <= overlapping_rows && K >= long_inner && !Notes) return runtime_inner_shape{K, C};
    else return fixed_inner_shape<K>{C};
}

template <class T> struct simd {
    static constexpr std::size_t lanes = simd_bytes / sizeof(T);
    typedef T type __attribute__((vector_size(simd_bytes)));
    static type load(const T* p) noexcept {
        type v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    static void store(T* p, const type& v) noexcept { std::memcpy(p, &v, sizeof v); }
};

// The sum of each of N vectors (N = lanes), as one vector, by a tree of shuffles: each round
// adds the halves of two vectors' partial sums side by side, so N vectors take N - 1 rounds of two
// shuffles and an add instead of N horizontal sums.
template <class T> struct lane_sums {
    using S = simd<T>;
    using V = typename S::type;
    static constexpr std::size_t N = S::lanes;

    // Lane i of the combination of x and y, where each holds rows of width w: the first half
    // comes from x, the second from y, each row's width halved; high picks the upper halves.
    static constexpr int source(std::size_t i, std::size_t w, bool high) noexcept {
        const std::size_t half = N / 2, from_y = i >= half ? 1 : 0, position = i - from_y * half;
        const std::size_t row = position / (w / 2), offset = position % (w / 2);
        return static_cast<int>(from_y * N + row * w + offset + (high ? w / 2 : 0));
    }
    template <std::size_t w, std::size_t... i> static V combine(const V& x, const V& y, std::index_sequence<i...>) noexcept {
        return __builtin_shufflevector(x, y, source(i, w, false)...) + __builtin_shufflevector(x, y, source(i, w, true)...);
    }
    // The vectors of `count` consecutive rows (a power of two up to N), each from row(r), combined
    // by the rounds reduce takes for them, as soon as both halves are summed: the same additions in
    // the same order, with at most one partial sum of each round alive, where reduce wants every
    // row's vector at once (in memory, past the registers).
    template <std::size_t count, class Row> static V combined_rows(std::size_t first, Row& row) noexcept {
        if constexpr (count == 1) {
            return row(first);
        } else {
            // The halves in the order they lie in memory (as arguments, g++ took the second first,
            // and a block's rows from the last to the first).
            const V lower = combined_rows<count / 2>(first, row);
            const V upper = combined_rows<count / 2>(first + count / 2, row);
            return combine<2 * N / count>(lower, upper, std::make_index_sequence<N>{});
        }
    }
    // v[0..N) in place: afterwards v[0] holds the N sums, in order.
    template <std::size_t w = N> static void reduce(V* v) noexcept {
        if constexpr (w == N && simd_bytes == 32) {
            reduce_in_lanes(v);
        } else if constexpr (w > 1) {
            // w vectors are left, each holding N / w rows of width w.
            for (std::size_t k = 0; k < w / 2; ++k)
                v[k] = combine<w>(v[2 * k], v[2 * k + 1], std::make_index_sequence<N>{});
            reduce<w / 2>(v);
        }
    }

  private:
    // The same sums, added in the same order, for 32-byte vectors (AVX2): after the first round,
    // which adds the two 128-bit halves, the rounds above move values across those halves, which
    // takes vpermd and an index vector a shuffle, five of AVX2's 16 registers held through a
    // product's loop (beside a row of x, W's noted coefficients went through the stack, and so did
    // their running maximum). Here the later rounds shuffle within the halves (vshufps,
    // vunpcklpd), the rows paired so that they still come out in order: v[k] with v[k + N/2]
    // first, each row's lane i again added to lane i + N/2, then i + N/4, then i + 1.
    static void reduce_in_lanes(V* v) noexcept {
        if constexpr (N == 8) {
            // [row k | row k + 4], four lanes each.
            for (std::size_t k = 0; k < 4; ++k)
                v[k] = __builtin_shufflevector(v[k], v[k + 4], 0, 1, 2, 3, 8, 9, 10, 11) +
                       __builtin_shufflevector(v[k], v[k + 4], 4, 5, 6, 7, 12, 13, 14, 15);
            // [rows 2k, 2k + 1 | rows 2k + 4, 2k + 5], two lanes each.
            for (std::size_t k = 0; k < 2; ++k)
                v[k] = __builtin_shufflevector(v[2 * k], v[2 * k + 1], 0, 1, 8, 9, 4, 5, 12, 13) +
                       __builtin_shufflevector(v[2 * k], v[2 * k + 1], 2, 3, 10, 11, 6, 7, 14, 15);
            v[0] = __builtin_shufflevector(v[0], v[1], 0, 2, 8, 10, 4, 6, 12, 14) +
                   __builtin_shufflevector(v[0], v[1], 1, 3, 9, 11, 5, 7, 13, 15);
        } else {
            static_assert(N == 4);
            // [row k | row k + 2], two lanes each.
            for (std::size_t k = 0; k < 2; ++k)
                v[k] = __builtin_shufflevector(v[k], v[k + 2], 0, 1, 4, 5) + __builtin_shufflevector(v[k], v[k + 2], 2, 3, 6, 7);
            v[0] = __builtin_shufflevector(v[0], v[1], 0, 4, 2, 6) + __builtin_shufflevector(v[0], v[1], 1, 5, 3, 7);
        }
    }
};

// What the one-sample product may note about A's coefficients as it reads them: nothing, or their
// largest magnitude (which the fused training step needs, and would otherwise read A again for).
struct ignore_coefficients {
    template <class U> void operator()(const U&) const noexcept {}
};
// The bits of |x| as largest_seen compares them (signed_magnitudes, above).
template <class T> using magnitude_bits = std::conditional_t<signed_magnitudes, std::make_signed_t<bits_of<T>>, bits_of<T>>;

// The largest magnitude among values shown to it one at a time, kept as bits (non-negative floats
// order as their bits, NaN above +inf). Alone, it is what a minibatch tile notes of its rows of A,
// each block already reduced by largest_magnitude: four bytes, where largest_seen below is padded
// to twice a vector's width, and store_with_bias with that and an activation's note had been 160
// bytes with AVX2, past the 128 that g++ copies inline, so that every tile called memcpy twice for
// its local copy of the store (M's and W's minibatch steps 2-3 % slower).
template <class T> struct largest_magnitude_of {
    using bits = magnitude_bits<T>;
    static constexpr bits magnitude = std::numeric_limits<std::make_signed_t<bits>>::max();
    bits largest = 0;
    void operator()(T x) noexcept {
        const bits m = std::bit_cast<bits>(x) & magnitude;
        largest = m > largest ? m : largest;
    }
    void merge(const largest_magnitude_of& other) noexcept { largest = other.largest > largest ? other.largest : largest; }
    bits_of<T> value_bits() const noexcept { return static_cast<bits_of<T>>(largest); }
    T value() const noexcept { return std::bit_cast<T>(value_bits()); }
};

// The same for vectors too: one vector register and one scalar, reduced once at the end. The
// one-sample product shows it W's coefficients, the update loops the changes they make.
template <class T> struct largest_seen {
    using bits = magnitude_bits<T>;
    typedef bits SV __attribute__((vector_size(simd_bytes)));
    static constexpr bits magnitude = largest_magnitude_of<T>::magnitude;
    SV lanes{};
    largest_magnitude_of<T> lone;
    void operator()(const typename simd<T>::type& v) noexcept {
        const SV m = std::bit_cast<SV>(v) & magnitude;
        lanes = m > lanes ? m : lanes;
    }
    // The same for values known not to be NaN (the changes of a step that bounds or the exact
    // check have vouched for): AVX-512DQ's vrangeps forms max(|lanes|, |v|) in one instruction
    // where the mask and the integer maximum take two, but passes over a quiet NaN, as maxNum
    // does, so W's coefficients, which may be NaN, are still noted by operator(). Under
    // flush_denormals it reads a subnormal as zero, as the subtraction that forms a change has
    // then already flushed a subnormal one to zero. In the fused updates, one operation fewer
    // of five a segment: M's one-sample step 2,036 → 1,866 ns, W's 21.9 → 20.2 µs, their batch
    // steps 2-3 % faster (scripts/compare_benchmarks.sh against the parent's binary).
    void not_nan(const typename simd<T>::type& v) noexcept {
#if defined(__AVX512DQ__)
        // The compiler's builtin, which <immintrin.h>'s _mm512_range_ps wraps: parsing that header
        // took g++ 12 about 0.5 s of every -march=native unit (M's training unit 2.94 → 2.54 s).
        constexpr int max_magnitude = 0b1011; // the larger magnitude, its sign cleared
        constexpr int current_rounding = 4;   // _MM_FROUND_CUR_DIRECTION
#if defined(__clang__) // the builtins' mask types, which the two compilers sign differently
        using mask16 = unsigned short;
        using mask8 = unsigned char;
#else
        using mask16 = short;
        using mask8 = char;
#endif
        if constexpr (sizeof(T) == 4) {
            typedef float v16sf __attribute__((vector_size(64)));
            lanes = std::bit_cast<SV>(__builtin_ia32_rangeps512_mask(std::bit_cast<v16sf>(lanes), std::bit_cast<v16sf>(v),
                                                                     max_magnitude, v16sf{}, static_cast<mask16>(-1), current_rounding));
            return;
        } else if constexpr (sizeof(T) == 8) {
            typedef double v8df __attribute__((vector_size(64)));
            lanes = std::bit_cast<SV>(__builtin_ia32_rangepd512_mask(std::bit_cast<v8df>(lanes), std::bit_cast<v8df>(v),
                                                                     max_magnitude, v8df{}, static_cast<mask8>(-1), current_rounding));
            return;
        }
#endif
        (*this)(v);
    }
    void operator()(T x) noexcept { lone(x); }
    // The maxima of both, lane by lane: several running maxima merged before the one reduction.
    void merge(const largest_seen& other) noexcept {
        lanes = other.lanes > lanes ? other.lanes : lanes;
        lone.merge(other.lone);
    }
    bits_of<T> value_bits() const noexcept {
        bits m = lone.largest;
        for (std::size_t l = 0; l < simd<T>::lanes; ++l) m = lanes[l] > m ? lanes[l] : m;
        return static_cast<bits_of<T>>(m);
    }
    T value() const noexcept { return std::bit_cast<T>(value_bits()); }
};

// Whether largest_seen::not_nan may pass over a NaN (its vrangeps form).
#if defined(__AVX512DQ__)
inline constexpr bool maximum_passes_nan = true;
#else
inline constexpr bool maximum_passes_nan = false;
#endif

// A product's observer that shows A's coefficient vectors to not_nan, for a caller that finds a NaN
// among them in the results instead: NaN times anything (0 and ∞ too) is NaN, and so is any sum it
// enters, so a NaN in row i of A leaves (A b)_i NaN. value() is the largest |a_ij| once the product
// has read A. With AVX-512DQ each row goes to a maximum of its own, merged into the running one as
// the row ends (end_row): noted straight into that one, every vector's vrangeps waited on the one
// before, a chain through all of W^l that the loads outran (M's one-sample step 1,353-1,397 →
// 1,166-1,199 ns, W's 15.4-16.5 → 12.6-12.8 µs, three scripts/compare_benchmarks.sh runs against
// the parent's binary).
template <class T> struct largest_seen_but_nan {
    using SV = typename largest_seen<T>::SV;
    // Where the compare is unsigned and no vrangeps passes over NaN (AVX2, SSE4.1): each vector's
    // bits added to themselves, which drops the sign bit as the mask did, into one running
    // maximum (a chain of one-cycle maxima, at most one a vector: W^l's loads from L2 come no
    // faster), halved once at the end. The same maximum with no mask held in a register: beside
    // the eight vectors of a held in registers, the mask had pushed the running maximum and two
    // partial sums to the stack, eight stack accesses a row (objdump of
    // noted_product_out_of_line<float, 128, 64> on a Zen 3 core; none with this). M's one-sample
    // step 2,660 → 2,586 ns with a maximum a row, and 2,573 → 2,548 ns more with this one for all
    // rows, S's 215 → 209 ns (ROUNDS=8 scripts/compare_benchmarks.sh).
    static constexpr bool doubles = !maximum_passes_nan && !signed_magnitudes;
    largest_seen<T> seen{};
    largest_seen<T> row{};
    SV doubled{};
    void operator()(const typename simd<T>::type& v) noexcept {
        if constexpr (doubles) {
            SV bits = std::bit_cast<SV>(v);
            bits += bits;
            doubled = bits > doubled ? bits : doubled;
        } else {
            row.not_nan(v);
        }
    }
    void operator()(T x) noexcept { row(x); }
    void end_row() noexcept {
        seen.merge(row);
        row = {};
    }
    T value() const noexcept {
        largest_seen<T> all = seen;
        if constexpr (doubles) all.merge({.lanes = doubled >> 1, .lone = {}});
        return all.value();
    }
};

// Tells an observer that keeps a row's maximum apart (largest_seen_but_nan) that a row, or a block
// of short rows, has been read.
template <class Observe> inline void end_row(Observe& observe) noexcept {
    if constexpr (requires { observe.end_row(); }) observe.end_row();
}

// max |x_k| (NaN if any x_k is NaN): a loop that vectorises to integer maxima.
template <class T> inline T largest_magnitude_inline(const T* x, std::size_t n) noexcept {
    using bits = magnitude_bits<T>;
    bits largest = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const bits m = std::bit_cast<bits>(x[k]) & largest_seen<T>::magnitude;
        largest = m > largest ? m : largest;
    }
    return std::bit_cast<T>(largest);
}
// The shared loop keeps four running maxima: with one, each vector waits for the previous maximum,
// and a batch step's bounds (which read every W) ran at a vector per cycle. Four named ones,
// merged lane by lane before the one reduction: as an array, reduced one at a time, g++ kept
// them on the stack and reduced 64 lanes by scalar loads (4 % of M's one-sample step).
template <class T> NABLA_SHARED_KERNEL T largest_magnitude(const T* x, std::size_t n) noexcept {
    using S = simd<T>;
    constexpr std::size_t N = S::lanes, step = 4 * N;
    largest_seen<T> first, second, third, fourth;
    const std::size_t whole = n / step * step;
    for (std::size_t k = 0; k < whole; k += step) {
        first(S::load(x + k));
        second(S::load(x + k + N));
        third(S::load(x + k + 2 * N));
        fourth(S::load(x + k + 3 * N));
    }
    first.merge(second);
    third.merge(fourth);
    first.merge(third);
    first(largest_magnitude_inline(x + whole, n - whole));
    return std::bit_cast<T>(first.value_bits());
}
// Whether a one-sample pass's work on `count` values (a layer's R × K coefficients, a tensor)
// calls a kernel out of line, one copy a shape or a size at run time, rather than inlining its
// own: past four vectors, where a call costs little beside the work, and a copy in every layer's
// pass costs g++ more than the call saves (the compile-time bullet of docs/benchmarks-notes.md).
// Below, the one-sample steps of small networks are latency-bound.
template <class T, std::size_t count> inline constexpr bool out_of_line = count > 4 * simd<T>::lanes;

// The same for n known at compile time: inline for a few vectors, else the shared loop.
template <std::size_t n, class T> T largest_magnitude(const T* x) noexcept {
    if constexpr (!out_of_line<T, n>) return largest_magnitude_inline(x, n);
    else return largest_magnitude(x, n);
}
template <class Tensor> typename Tensor::value_type largest_magnitude(const Tensor& t) noexcept {
    return largest_magnitude<Tensor::size()>(t.data());
}

// A row of A times b, summed lane-wise in one vector (the lanes are added by lane_sums). With AVX2,
// rows of eight vectors or more sum the even and the odd ones apart, added at the end: in one sum,
// every vector waited for the addition before it, and a row of M's 64 × 128 (16 vectors) was a
// chain of 16 dependent additions that a Zen 3 core overlapped with two or three other rows only
// (perf annotate of noted_product_out_of_line<float, 64, 128>: 45 % of its samples on the three
// loads after the additions). Two chains: M's forward pass 971 → 843 ns, W's 14.7 → 12.5 µs, W's
// step 37.5 → 35.3 µs (scripts/compare_benchmarks.sh against the parent's binary); four were no
// faster. On a Zen 5 core with
// AVX-512 the same split sped W's forward pass but slowed M's step 4 % (docs/benchmarks-notes.md),
// so AVX-512 keeps one chain; so does SSE2, unmeasured, whose units are the compile-time target's.
// sum_rows sums its rows in the same chains.
template <std::size_t vectors> inline constexpr bool two_chains = simd_bytes == 32 && vectors >= 8 && vectors % 2 == 0;
template <class T, std::size_t K, class Observe>
inline typename simd<T>::type row_products(const T* row, const T* b, Observe& observe) noexcept {
    using S = simd<T>;
    constexpr std::size_t N = S::lanes, whole = K / N * N;
    const auto product = [&](std::size_t v) {
        auto coefficients = S::load(row + v * N);
        // Noted and multiplied: one load for the two (vector_unit.hpp's in_register).
        if constexpr (!std::is_same_v<std::remove_cvref_t<Observe>, ignore_coefficients>) in_register(coefficients);
        observe(coefficients);
        return coefficients * S::load(b + v * N);
    };
    typename S::type sum{};
    if constexpr (two_chains<K / N>) {
        typename S::type odd{};
        along_row_in_pairs<K / N>([&](std::size_t v) {
            sum += product(2 * v);
            odd += product(2 * v + 1);
        });
        sum += odd;
    } else {
        along_row<K / N>([&](std::size_t v) { sum += product(v); });
    }
    for (std::size_t k = whole; k < K; ++k) {
        observe(row[k]);
        sum[0] += row[k] * b[k];
    }
    end_row(observe);
    return sum;
}

// Where a product's results go: stored (out = A B), added to what out holds (out += A B: a
// gradient summed over a minibatch's parts), or, for sgd's fused batch step, handed to the update
// of the parameters they are the gradient of (training/batch_step.hpp), so that the gradient is
// never stored. store(at, value) takes a vector of results or one.
struct store_results {
    template <class T> void operator()(T* at, const typename simd<T>::type& v) const noexcept { simd<T>::store(at, v); }
    template <class T> constexpr void operator()(T* at, T v) const noexcept { *at = v; }
};
struct add_results {
    template <class T> void operator()(T* at, const typename simd<T>::type& v) const noexcept {
        simd<T>::store(at, simd<T>::load(at) + v);
    }
    template <class T> constexpr void operator()(T* at, T v) const noexcept { *at += v; }
};
// f(x_k, y_k, …) for each lane k of the vectors v…, by a loop over copies, which g++ turns back into
// one vector of results for the activations' branch-free formulas (relu, σ, tanh, their slopes).
// The loop is kept from being unrolled: unrolled whole inside a tile, it was left to g++'s SLP
// pass, which made relu's lanes scalar compares and branches in SSE2 builds.
template <class T, class F, class... V> inline typename simd<T>::type each_lane(F f, const V&... v) noexcept {
    constexpr std::size_t N = simd<T>::lanes;
    T in[sizeof...(V)][N], out[N];
    std::size_t which = 0;
    ((std::memcpy(in[which++], &v, sizeof in[0])), ...);
#pragma GCC unroll 1
    for (std::size_t k = 0; k < N; ++k)
        out[k] = [&]<std::size_t... i>(std::index_sequence<i...>) { return f(in[i][k]...); }(std::index_sequence_for<V...>{});
    typename simd<T>::type result;
    std::memcpy(&result, out, sizeof result);
    return result;
}

// z = W A + b 1ᵀ over C samples (one by default): each result stored with its row's bias added, so
// that z is written once instead of stored and then read back for the bias (out is z, bias is b).
// A vector of results runs down the rows for one sample, beside a vector of biases, and along a
// row for a batch, beside that row's bias. With Notes, the batch's tiles also show it every
// coefficient of W they multiply by: the largest |W^l|, which sgd's fused batch step must know
// before it may write W^l, without a pass of its own over W (5-6 % of M's batch step, W^l having
// left L1 since the forward pass read it). With an element-wise Activation, a = σ(z) is stored
// too (at `activated`, laid out like out) from the results still in registers, instead of by a
// pass that reads z back (by then partly out of L1 behind W^l), and its largest |a| noted (the
// bounds of sgd's fused batch step read it; a pass of their own over a took 2 % of M's step).
template <class T, std::size_t C = 1, bool Notes = false, class Activation = void> struct store_with_bias {
    static constexpr bool activates = !std::is_void_v<Activation>;
    T* out;
    const T* bias;
    T* activated = nullptr;
    [[no_unique_address]] std::conditional_t<Notes, largest_magnitude_of<T>, ignore_coefficients> coefficients{};
    [[no_unique_address]] std::conditional_t<activates, largest_seen<T>, ignore_coefficients> activations{};
    void operator()(T* at, const typename simd<T>::type& v) noexcept {
        if constexpr (C == 1) stored(at, v + simd<T>::load(bias + (at - out)));
        else stored(at, v + bias[static_cast<std::size_t>(at - out) / C]);
    }
    // The same from a tile, which knows the results' row i: a division per result to find it had
    // been an eighth of g++'s instructions for a tile with this store (twenty tiles: 4.88 → 4.31 G).
    void operator()(T* at, const typename simd<T>::type& v, std::size_t i) noexcept { stored(at, v + bias[i]); }
    void stored(T* at, const typename simd<T>::type& z) noexcept {
        simd<T>::store(at, z);
        if constexpr (activates) {
            const auto a = each_lane<T>([](T x) { return Activation::function(x); }, z);
            simd<T>::store(activated + (at - out), a);
            activations(a);
        }
    }
    void operator()(T* at, T v) noexcept {
        const T z = v + bias[static_cast<std::size_t>(at - out) / C];
        *at = z;
        if constexpr (activates) {
            const T a = Activation::function(z);
            activated[at - out] = a;
            activations(a);
        }
    }
};

// δ = σ'(z) ⊙ g for an element-wise Activation, g = (W^{l+1})ᵀ δ^{l+1} coming from its product a
// result at a time (out is δ, z and a laid out like it): δ is written once, instead of g stored
// and then scaled in place by a pass that reads it back. Its largest |δ| is noted on the way, for
// the bounds of sgd's fused batch step. Constant evaluation stores one at a time.
template <class T, class Activation> struct store_with_slope {
    T* out;
    const T* z;
    const T* a;
    largest_seen<T> deltas{};
    void operator()(T* at, const typename simd<T>::type& g) noexcept {
        const std::size_t k = static_cast<std::size_t>(at - out);
        const auto slope = each_lane<T>([](T zk, T ak) { return Activation::derivative(zk, ak); }, simd<T>::load(z + k),
                                        simd<T>::load(a + k));
        const auto delta = slope * g;
        simd<T>::store(at, delta);
        deltas(delta);
    }
    constexpr void operator()(T* at, T g) noexcept {
        const std::size_t k = static_cast<std::size_t>(at - out);
        *at = Activation::derivative(z[k], a[k]) * g;
        if !consteval {
            deltas(*at);
        }
    }
};
template <class Store> inline constexpr bool notes_coefficients = requires(Store& s) { s.coefficients.value_bits(); };

// The sums of `lanes` rows of K from `rows`, reduced together into one vector (lane_sums): a block
// of multiply_vector's, inlined always, which g++ otherwise calls for every block.
template <class T, std::size_t K, class Observe>
[[gnu::always_inline]] inline typename simd<T>::type block_products(const T* rows, const T* b, Observe& observe) noexcept {
    typename simd<T>::type sum[simd<T>::lanes];
    for (std::size_t r = 0; r < simd<T>::lanes; ++r) sum[r] = row_products<T, K>(rows + r * K, b, observe);
    lane_sums<T>::reduce(sum);
    return sum[0];
}

// How far ahead of its loads block_products_by_columns asks for A's lines (below), in elements:
// 16 KiB (8, 12, 24 and 32 KiB were slower for M's forward pass, docs/benchmarks-notes.md).
template <class T> inline constexpr std::size_t prefetch_distance = 16384 / sizeof(T);

// The sums of `lanes` rows of K from `rows`, as block_products forms them (each row from zero, its
// vectors added first to last: the same sums bit for bit), with the columns outermost: each of
// b's vectors times the same vector of every row of the block, so that the block's sums are
// independent chains held in registers until lane_sums reduces them, where row by row each sum
// waited on the one before along its row and went through the stack. That order reads a block's
// lines 256 or 512 bytes apart, which this core's prefetchers follow worse from L2 than one row
// after another (M's forward pass 455 → 525 ns in a throwaway build without Ahead, though in L1
// M's 128 × 64 product ran 157 → 88 ns in a throwaway program); with Ahead each load asks for the
// line prefetch_distance further on, in the same matrix, and M's forward pass runs 432 → 400 ns
// (ROUNDS=4 scripts/compare_benchmarks.sh against 94aea88's binary, rows one after another).
// Rows of up to eight vectors: b's vectors and the 16 sums take 24 of AVX-512's 32 registers.
template <class T, std::size_t K, bool Ahead>
[[gnu::always_inline]] inline typename simd<T>::type block_products_by_columns(const T* rows, const T* b) noexcept {
    using S = simd<T>;
    constexpr std::size_t N = S::lanes, vectors = K / N;
    static_assert(K % N == 0 && vectors <= 8);
    typename S::type held[vectors], sum[N];
#pragma GCC unroll 8
    for (std::size_t v = 0; v < vectors; ++v) held[v] = S::load(b + v * N);
#pragma GCC unroll 16
    for (std::size_t r = 0; r < N; ++r) sum[r] = typename S::type{};
#pragma GCC unroll 8
    for (std::size_t v = 0; v < vectors; ++v)
#pragma GCC unroll 16
        for (std::size_t r = 0; r < N; ++r) {
            if constexpr (Ahead) __builtin_prefetch(rows + prefetch_distance<T> + r * K + v * N, 0, 3);
            // The product apart from the sum, as row_products forms it: clang contracts a
            // multiply-add into an FMA only within one expression, g++ across them, so each
            // compiler rounds both kernels' sums alike (a test compares them bit for bit).
            const typename S::type product = S::load(rows + r * K + v * N) * held[v];
            sum[r] += product;
        }
    lane_sums<T>::reduce(sum);
    return sum[0];
}
// Whether multiply_vector sums a block of R × K's rows by columns (above): with AVX-512, rows of
// whole vectors, at most eight, and a product that notes nothing of A (the forward passes; the
// fused step's noted product keeps a maximum a row, which one chain for the block would serialise).
template <class T, std::size_t K, class Observe>
inline constexpr bool by_columns = simd_bytes == 64 && K % simd<T>::lanes == 0 && K / simd<T>::lanes <= 8 &&
                                   std::is_same_v<std::remove_cvref_t<Observe>, ignore_coefficients>;

// Whether out = A b (R × K by K) goes to multiply_vector: rows of a vector or more, however few,
// or a whole block of rows with a whole number of them to a vector. Left to g++, the plain loops
// of S's 16 × 8 and 16 × 16 transposed A by shuffles at every call (this took S's one-sample step
// from 175-222 to 159-188 ns, three compare_benchmarks runs), and summed each row of fewer rows
// than a vector (M's and W's 10 outputs) as a chain of K dependent scalar additions, since a
// plain sum may not be reordered.
template <class T, std::size_t R, std::size_t K>
inline constexpr bool vector_kernel = K >= simd<T>::lanes || (R >= simd<T>::lanes && K >= 4 && simd<T>::lanes % K == 0);

// out[0..R) = A b with A R × K row-major: blocks of `lanes` rows, each row's products summed in its
// own vector accumulator along K, the block's accumulators reduced together by lane_sums. Rows are
// taken one after another, so a block (contiguous) is read as one sequential stream; each row's
// sum lives in a local, since the array itself may alias A for the compiler. Blocks go from the
// first to the last, as the parameters lie in memory. On Zen 4 the other way had been faster
// (M's forward pass 645-656 → 634-636 ns, W's 7.91-7.93 → 7.63-7.64 µs, a training step's update
// finding the rows read last still in L1); on Zen 5, with its 48 KiB L1 and full-width AVX-512,
// first to last is the faster: M's forward pass 563-596 → 482-497 ns in five
// scripts/compare_benchmarks.sh runs, its one-sample step within 2 %. W's rows could not tell the
// two apart (docs/benchmarks-notes.md: their time moves with where a process's pages fall in L2).
template <class T, std::size_t R, std::size_t K, class Observe = ignore_coefficients, class Store = store_results>
inline void multiply_vector(T* out, const T* a, const T* b, Observe&& observe = {}, Store&& store = {}) noexcept {
    using S = simd<T>;
    constexpr std::size_t N = S::lanes, blocks = R / N, left = R % N;
    if constexpr (K < N) {
        // Rows shorter than a vector: N / K whole rows to each of a block's K vectors, times b
        // repeated, and the same tree from the round where each vector holds rows of width K.
        typedef T part __attribute__((vector_size(K * sizeof(T))));
        part loaded;
        std::memcpy(&loaded, b, sizeof loaded);
        const typename S::type repeated = [&]<std::size_t... j>(std::index_sequence<j...>) {
            return __builtin_shufflevector(loaded, loaded, static_cast<int>(j % K)...);
        }(std::make_index_sequence<N>{});
        const auto block_sums = [&](const T* rows, std::size_t count) {
            typename S::type sum[K]{};
            for (std::size_t v = 0; v < count * K / N; ++v) {
                const auto coefficients = S::load(rows + v * N);
                observe(coefficients);
                sum[v] = coefficients * repeated;
            }
            end_row(observe);
            lane_sums<T>::template reduce<K>(sum);
            return sum[0];
        };
        for (std::size_t block = 0; block < blocks; ++block) store(out + block * N, block_sums(a + block * N * K, N));
        if constexpr (left > 0) {
            // The rows past the last whole block: whole vectors of them, then one at a time.
            constexpr std::size_t packed = left * K / N * N / K;
            const auto sums = block_sums(a + blocks * N * K, packed);
            for (std::size_t r = 0; r < packed; ++r) store(out + blocks * N + r, T(sums[r]));
            for (std::size_t r = packed; r < left; ++r)
                store(out + blocks * N + r, T(row_products<T, K>(a + (blocks * N + r) * K, b, observe)[0]));
        }
    } else {
        if constexpr (!row_unrolled_whole<K / N> || R * K > 64 * N) {
            for (std::size_t block = 0; block < blocks; ++block) {
                if constexpr (by_columns<T, K, Observe>) {
                    // Asked for while the line ahead is still in A (a pointer past it is not formed).
                    const T* rows = a + block * N * K;
                    if ((block + 1) * N * K + prefetch_distance<T> <= R * K)
                        store(out + block * N, block_products_by_columns<T, K, true>(rows, b));
                    else
                        store(out + block * N, block_products_by_columns<T, K, false>(rows, b));
                } else if constexpr (simd_bytes == 64 && K / N >= 16) {
                    // Rows of 16 vectors or more (W's 256), which take half of AVX-512's registers
                    // for b: a block's rows one after another, each pair combined as soon as both
                    // are summed (combined_rows), so that no row's vector goes through memory.
                    // Summed into the array below, each row's vector went to the stack and back
                    // (b and 16 sums are more than the 32 registers), and a load of A that shares
                    // such a store's address bits below 4 KiB waits for it, so the time could
                    // depend on where the stack falls against A, which moves with every process.
                    // Four alternating processes of the array's binary and this one's, rows
                    // stack/W_forward/… (benchmarks/bench_pages.cpp, the stack moved by 0-3 KiB):
                    // W's forward pass 5.1-7.3 µs with the array (5.2 → 7.1 µs at 2-3 KiB in one
                    // process), 3.8-4.4 µs this way, the same at every offset. M's shorter rows
                    // keep the array: combined (this condition at K / N >= 4), its forward pass
                    // took 490-503 ns against 429-448 ns, its step the same (four alternating
                    // processes, --benchmark_filter='^M/(forward|train_sample)/nabla$'
                    // --benchmark_min_time=0.2 --benchmark_repetitions=3).
                    const T* rows = a + block * N * K;
                    const auto row = [&](std::size_t r) { return row_products<T, K>(rows + r * K, b, observe); };
                    store(out + block * N, lane_sums<T>::template combined_rows<N>(0, row));
                } else {
                    typename S::type sum[N];
                    // A block's rows one after another with AVX-512: since a0e6bf9 changed
                    // row_products' form, g++ unrolled M's 128 × 64 block whole, 16 sums in registers
                    // and rows eight apart interleaved (Zen 5: M's forward pass 449 ns with 2aac959's
                    // binary, 499 ns with a0e6bf9's successors; with this loop 449 ns again,
                    // scripts/compare_benchmarks.sh). AVX2 and SSE2 keep g++'s choice and the address
                    // as they had it, measured on their own cores: written as rows + r K there too,
                    // their code changed (objdump), which this core cannot time.
                    if constexpr (simd_bytes == 64) {
                        const T* rows = a + block * N * K;
#pragma GCC unroll 1
                        for (std::size_t r = 0; r < N; ++r) sum[r] = row_products<T, K>(rows + r * K, b, observe);
                    } else {
                        for (std::size_t r = 0; r < N; ++r) sum[r] = row_products<T, K>(a + (block * N + r) * K, b, observe);
                    }
                    lane_sums<T>::reduce(sum);
                    store(out + block * N, sum[0]);
                }
            }
        } else {
            // Up to 64 vectors with rows unrolled whole (along_row), g++ unrolls the blocks too,
            // into one stretch of straight code: S's at SSE2 were a basic block of 499
            // instructions, the largest g++ scheduled in S's training unit (its cc1plus
            // instructions 6.98 → 6.84 G as a loop; scripts/largest_blocks.sh and
            // scripts/cc1plus_instructions.sh). Larger products keep g++'s own choice, and
            // the block written out above: as a loop of block_products, M's 128 × 64 and 64 × 128 at
            // AVX-512 interleaved rows four apart and made its forward pass 459-464 → 501-517 ns
            // (scripts/compare_benchmarks.sh, two runs).
#pragma GCC unroll 1
            for (std::size_t block = 0; block < blocks; ++block)
                store(out + block * N, block_products<T, K>(a + block * N * K, b, observe));
        }
        if constexpr (left > 0) {
            // The rows past the last whole block: the same tree, with zeros for the missing rows.
            typename S::type sum[N]{};
            for (std::size_t r = 0; r < left; ++r) sum[r] = row_products<T, K>(a + (blocks * N + r) * K, b, observe);
            lane_sums<T>::reduce(sum);
            for (std::size_t r = 0; r < left; ++r) store(out + blocks * N + r, T(sum[0][r]));
        }
    }
}

// z = W a for one sample, one out-of-line copy for every pass that computes it (net(x), the tape,
// evaluate): inlined at each, it made M's training unit 8 % slower to compile (15.5 → 14.4 G
// g++ instructions). The fused step's product, which notes W's largest coefficient as it reads
// them, has its own, noted_product_out_of_line.
template <class T, std::size_t R, std::size_t K> [[gnu::noinline]] void stored_product(T* out, const T* a, const T* b) noexcept {
    multiply_vector<T, R, K>(out, a, b);
}

// out = A b + bias, the bias added as each result is stored, with A's largest coefficient noted
// as the product reads it (a NaN found in out rather than there: largest_seen_but_nan): the
// one-sample forward pass of a fused training step. The maximum is returned, so that it stays in
// registers; passed in by reference, it lived in memory (13 % slower, when this product was tried
// out of line before).
template <class T, std::size_t R, std::size_t K> inline T noted_product(T* out, const T* a, const T* b, const T* bias) noexcept {
    largest_seen_but_nan<T> largest;
    multiply_vector<T, R, K>(out, a, b, largest, store_with_bias<T>{out, bias});
    return largest.value();
}
// The same out of line, one copy a shape, for products past four vectors (out_of_line).
template <class T, std::size_t R, std::size_t K>
[[gnu::noinline]] T noted_product_out_of_line(T* out, const T* a, const T* b, const T* bias) noexcept {
    return noted_product<T, R, K>(out, a, b, bias);
}

// Σ_j x_ij for each row i of a rows × C array, handed to store(&out[i], …): δ 1, a batch's bias
// gradient (C its samples). The rows counted at run time, so that every layer shares one copy per
// store: as products with a column of ones, a fixed-size kernel per layer was 3 % of M's training
// unit's g++ instructions. Rows as multiply_vector takes them (each summed in a vector along j, in
// row_products' two chains where it has them, a block's sums reduced together by lane_sums, a
// vector at a time to the store), so that where a
// row is a vector or longer the sums are that product's, bit for bit (a test checks it). The two
// keep their own copies of that reduction: one helper for both, tried, took M's forward pass from
// 465-470 to 592-780 ns (scripts/compare_benchmarks.sh, two versions of the helper).
template <class T, std::size_t C, class Rows, class Store> inline void sum_rows(T* out, const T* x, Rows rows, Store& store) noexcept {
    using S = simd<T>;
    using V = typename S::type;
    constexpr std::size_t N = S::lanes, whole = C / N * N;
    const auto row_sum = [&](const T* row) {
        V sum{};
        if constexpr (two_chains<C / N>) {
            V odd{};
            for (std::size_t j = 0; j < whole; j += 2 * N) {
                sum += S::load(row + j);
                odd += S::load(row + j + N);
            }
            sum += odd;
        } else {
            for (std::size_t j = 0; j < whole; j += N) sum += S::load(row + j);
        }
        for (std::size_t j = whole; j < C; ++j) sum[0] += row[j];
        return sum;
    };
    Store local = store; // a copy whose state (an update's largest change) stays in registers
    std::size_t i = 0;
    for (; i + N <= rows; i += N) {
        V sums[N];
        for (std::size_t r = 0; r < N; ++r) sums[r] = row_sum(x + (i + r) * C);
        lane_sums<T>::reduce(sums);
        local(out + i, sums[0]);
    }
    if (i < rows) {
        V sums[N]{};
        for (std::size_t r = 0; r < rows - i; ++r) sums[r] = row_sum(x + (i + r) * C);
        lane_sums<T>::reduce(sums);
        for (std::size_t r = 0; r < rows - i; ++r) local(out + i + r, T(sums[0][r]));
    }
    store = local;
}
// The same out of line, shared, for layers of a vector's rows or more. Fewer are summed inline,
// their count fixed (Rows a std::integral_constant), which leaves only their rows' part of the
// shuffle tree: with the count at run time, T's batch step ran 3 % slower.
template <class T, std::size_t C, class Store>
NABLA_SHARED_KERNEL void sum_rows_out_of_line(T* out, const T* x, std::size_t rows, Store& store) noexcept {
    sum_rows<T, C>(out, x, rows, store);
}

// A tile's sums: zeroed, or left for the first k to set (multiply_tile).
template <class V, std::size_t Rows, std::size_t Vectors, bool Zeroed> struct tile_sums {
    V at[Rows][Vectors]{};
};
template <class V, std::size_t Rows, std::size_t Vectors> struct tile_sums<V, Rows, Vectors, false> {
    V at[Rows][Vectors];
};

// One tile of out = A B (B and out row-major, C columns): Rows rows from i0, Vectors vectors of
// columns from j0; a tile of at most 3 rows leaves its first `skip` rows unstored (a band's last
// tile, overlapping the one before it). Every B row segment loaded feeds Rows accumulators, every A
// coefficient broadcast feeds Vectors; each coefficient still sums over k in order. Not inlined: a tile holds
// Rows × Vectors × K multiply-adds, so a call costs nothing beside it, and inlining one copy per band
// made the minibatch training units a sixth slower to compile (M: 18.2 → 15.5 G g++ instructions).
// Shape (above) carries R, K and C: a larger product's tiles are shared by every layer whose tile
// shape and A row stride match (the training units' g++ instructions before and after: the
// compile-time paragraph of docs/benchmarks-notes.md).
template <class T, bool TransposeA, std::size_t Rows, std::size_t Vectors, class Store, class Shape>
NABLA_SHARED_KERNEL void multiply_tile(T* out, const T* a, const T* b, Shape shape, std::size_t i0, std::size_t j0,
                                       [[maybe_unused]] std::size_t skip, Store& store) noexcept {
    const std::size_t K = shape.inner, C = shape.columns;
    std::size_t R = 0; // read only where A is read by columns
    if constexpr (TransposeA) R = shape.rows;
    // multiply() sends K = 1 to the outer product and C < lanes elsewhere. Told so, g++ drops the
    // copies of the loop it made for a run-time K or C of 1 (M's relu tile: 566 → 494 instructions).
    if (K < 2 || C < 2) __builtin_unreachable();
    using S = simd<T>;
    using V = typename S::type;
    constexpr std::size_t N = S::lanes;
    // The sums start at zero, as the plain loop's do, and every k goes through the one loop: one
    // body instead of two (the first k setting the sums in a copy of it) took a 3-row tile's g++
    // instructions down a sixth (twenty of them in one unit: 5.51 → 4.87 G; the training units of
    // scripts/compile_cost.py: S 8.15 → 7.87 G, M 8.08 → 7.90 G, W 8.34 → 8.16 G). The stores
    // take a copy of each sum, not its address. In AVX-512's tiles (more rows than overlapping_rows,
    // 16 to 24 accumulators), g++ kept a copy of a zeroed array in memory as well and cleared it
    // (a memset of up to 1.5 KB a tile: M's minibatch step 3 % slower), so there the first k
    // still sets the sums, and tile_sums leaves them uninitialised (any initialiser brought the
    // memset back). Each step along k already holds Rows × Vectors independent
    // multiply-adds; unrolling K whole (as g++ -O3 would for K up to a few dozen) only multiplies
    // the code, and the compile time.
    constexpr bool first_sets = Rows > overlapping_rows;
    tile_sums<V, Rows, Vectors, !first_sets> sums;
    auto& sum = sums.at;
    if constexpr (first_sets) {
        V row[Vectors];
        for (std::size_t v = 0; v < Vectors; ++v) row[v] = S::load(b + j0 + v * N);
        for (std::size_t r = 0; r < Rows; ++r) {
            const T scale = TransposeA ? a[i0 + r] : a[(i0 + r) * K];
            for (std::size_t v = 0; v < Vectors; ++v) sum[r][v] = scale * row[v];
        }
    }
#pragma GCC unroll 2
    for (std::size_t k = first_sets ? 1 : 0; k < K; ++k) {
        V row[Vectors];
        for (std::size_t v = 0; v < Vectors; ++v) row[v] = S::load(b + k * C + j0 + v * N);
        for (std::size_t r = 0; r < Rows; ++r) {
            const T scale = TransposeA ? a[k * R + i0 + r] : a[(i0 + r) * K + k];
            for (std::size_t v = 0; v < Vectors; ++v) sum[r][v] += scale * row[v];
        }
    }
    // A local copy of the store policy, so that any state it keeps (an update's largest change)
    // stays in registers instead of going through memory at every result.
    Store local = store;
    if constexpr (!TransposeA && notes_coefficients<Store>) {
        // The tile's rows of A, in L1 now that the loop above has read them, and one block of
        // memory (A's row stride is K), read by the shared loop with its four maxima; by the first
        // band's tiles only. With AVX2 a minibatch of 32 is two bands, and every row had been
        // noted twice, one vector after another into one maximum: that loop held 28 % of the
        // samples of W's forward tile (perf record -e cpu-clock of ^W/train_batch32/nabla$).
        if (j0 == 0) local.coefficients(largest_magnitude(a + i0 * K, Rows * K));
    }
    // Each row tested, rather than a loop from `skip`: indexed at run time, the sums would live in
    // memory. Only where tiles overlap: in AVX-512's 12- and 24-row tiles the tests made M's and
    // W's minibatch steps about 1.5 % slower.
    for (std::size_t r = 0; r < Rows; ++r)
        if (Rows > overlapping_rows || r >= skip)
            for (std::size_t v = 0; v < Vectors; ++v) {
                T* at = out + (i0 + r) * C + j0 + v * N;
                if constexpr (requires { local(at, sum[r][v], i0 + r); }) local(at, V(sum[r][v]), i0 + r);
                else local(at, V(sum[r][v]));
            }
    store = local;
}

// Rows 0..R of a column band of `Vectors` vectors from j0: whole tiles, then the rows left. With
// tiles of at most 3 rows (SSE2 builds), those go to one more tile of the same kernel
// ending at row R, whose first one or two rows (the previous tile's last) are computed again but
// not stored: a shorter copy of the kernel for 1 or 2 rows had been two of every three tile kernels
// compiled (M's training unit: 10.64 → 9.74 G g++ instructions without them, the compile-time
// paragraph of docs/benchmarks-notes.md). The tiles of 6 rows or more (AVX2's, AVX-512's) keep a
// shorter tile for the rows left, which an overlap would compute up to 23 times again.
template <class T, std::size_t R, std::size_t K, std::size_t C, bool TransposeA, std::size_t Vectors, class Store>
inline void multiply_band(T* out, const T* a, const T* b, std::size_t j0, Store& store) noexcept {
    constexpr std::size_t most = simd_accumulators / Vectors, rows = most < R ? most : R;
    constexpr std::size_t tiles = R / rows, left = R % rows;
    constexpr auto shape = product_shape<R, K, C, TransposeA, rows, notes_coefficients<Store>>();
#pragma GCC unroll 1
    for (std::size_t t = 0; t < tiles; ++t) multiply_tile<T, TransposeA, rows, Vectors>(out, a, b, shape, t * rows, j0, 0, store);
    if constexpr (left > 0 && rows <= overlapping_rows)
        multiply_tile<T, TransposeA, rows, Vectors>(out, a, b, shape, R - rows, j0, rows - left, store);
    else if constexpr (left > 0)
        multiply_tile<T, TransposeA, left, Vectors>(out, a, b, shape, tiles * rows, j0, 0, store);
}

template <class T, std::size_t R, std::size_t K, std::size_t C, bool TransposeA, bool TransposeB, class Store = store_results>
constexpr void multiply(T* out, const T* a, const T* b, Store&& store = {}) noexcept;

// Whether the columns of out = A B that do not fill a vector (all of them in a minibatch smaller
// than a vector) go to multiply_columns: where its vectors have a vector or more to run along.
template <class T, std::size_t R, std::size_t K, bool TransposeA>
inline constexpr bool column_kernel = TransposeA ? R >= simd<T>::lanes : K >= simd<T>::lanes;

// Columns j0.. of out = A B, fewer than a vector, by the tiles, so that every coefficient still
// sums over k in order (the same bits as the plain loop, which training's exactness tests compare
// against sgd's fused steps). A B: those columns of B copied into one vector's width, zeros
// beside them (K × lanes on the stack), then tiles of rows. Aᵀ B: Bᵀ A, a few rows of Bᵀ at a
// time by the row kernels, the results put back in columns. As plain loops each coefficient was a
// chain of K dependent scalar additions: W's minibatch of 8 took 21 times longer a sample than its
// minibatch of 32.
template <class T, std::size_t R, std::size_t K, std::size_t C, bool TransposeA, class Store>
inline void multiply_columns(T* out, const T* a, const T* b, std::size_t j0, Store& store) noexcept {
    constexpr std::size_t N = simd<T>::lanes;
    const std::size_t count = C - j0; // below N
    if constexpr (TransposeA) {
        // At most 2,048 values of Bᵀ or of results on the stack at a time.
        constexpr std::size_t longest = K > R ? K : R;
        constexpr std::size_t group = 2048 / longest == 0 ? 1 : (2048 / longest < N ? 2048 / longest : N);
        for (std::size_t g0 = 0; g0 < count; g0 += group) {
            const std::size_t here = count - g0 < group ? count - g0 : group;
            T rows[group * K]{};
            for (std::size_t g = 0; g < here; ++g)
                for (std::size_t k = 0; k < K; ++k) rows[g * K + k] = b[k * C + j0 + g0 + g];
            T results[group * R];
            multiply<T, group, K, R, false, false>(results, rows, a);
            for (std::size_t g = 0; g < here; ++g)
                for (std::size_t i = 0; i < R; ++i) store(out + i * C + j0 + g0 + g, results[g * R + i]);
        }
    } else {
        T padded[K * N]{};
        for (std::size_t k = 0; k < K; ++k)
            for (std::size_t g = 0; g < count; ++g) padded[k * N + g] = b[k * C + j0 + g];
        constexpr std::size_t chunk = R < 2048 / N ? R : 2048 / N, whole = R / chunk * chunk;
        T results[chunk * N];
        const auto rows = [&]<std::size_t Rows>(std::integral_constant<std::size_t, Rows>, std::size_t i0) {
            multiply<T, Rows, K, N, false, false>(results, a + i0 * K, padded);
            for (std::size_t i = 0; i < Rows; ++i)
                for (std::size_t g = 0; g < count; ++g) store(out + (i0 + i) * C + j0 + g, results[i * N + g]);
        };
        for (std::size_t i0 = 0; i0 < whole; i0 += chunk) rows(std::integral_constant<std::size_t, chunk>{}, i0);
        if constexpr (whole < R) rows(std::integral_constant<std::size_t, R - whole>{}, whole);
    }
}

// out = A B for C >= lanes: bands of up to tile_vectors vectors (more for a single row), then the
// columns that do not fill a vector.
template <class T, std::size_t R, std::size_t K, std::size_t C, bool TransposeA, class Store>
inline void multiply_rows(T* out, const T* a, const T* b, Store& store) noexcept {
    constexpr std::size_t N = simd<T>::lanes, vectors = C / N;
    constexpr std::size_t widest = R == 1 ? simd_accumulators : tile_vectors, band = vectors < widest ? vectors : widest;
    constexpr std::size_t bands = vectors / band, left = vectors % band;
    for (std::size_t s = 0; s < bands; ++s) multiply_band<T, R, K, C, TransposeA, band>(out, a, b, s * band * N, store);
    if constexpr (left > 0) multiply_band<T, R, K, C, TransposeA, left>(out, a, b, bands * band * N, store);
    if constexpr (vectors * N < C && column_kernel<T, R, K, TransposeA>) {
        multiply_columns<T, R, K, C, TransposeA>(out, a, b, vectors * N, store);
    } else {
        for (std::size_t i = 0; i < R; ++i)
            for (std::size_t j = vectors * N; j < C; ++j) {
                T sum{};
                for (std::size_t k = 0; k < K; ++k) sum += (TransposeA ? a[k * R + i] : a[i * K + k]) * b[k * C + j];
                store(out + i * C + j, sum);
            }
    }
}

// out (columns × rows) = inᵀ for in rows × columns, both row-major. For a few dozen values (T's)
// a plain loop, inline: the call would cost more than the copy.
template <class T> inline void transpose_inline(T* out, const T* in, std::size_t rows, std::size_t columns) noexcept {
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < columns; ++j) out[j * rows + i] = in[i * columns + j];
}

// N × N blocks (N = lanes) transposed in registers, in two parts. The loads do the rounds across
// 128-bit lanes: register r of group c gathers, lane by lane, the c-th w-value chunk (w values to
// a 128-bit lane) of rows r, w + r, 2w + r, …, so that its chunk q comes from row q·w + r. What
// is left is a w × w transposition inside every 128-bit lane of the group's w registers: log2 w
// rounds (2 for float), each pairing registers i and i + w/2 and interleaving them lane by lane,
// x[2i] from their lower halves and x[2i+1] from their upper ones. Four rounds of two-register
// permutations across the whole vector were shuffle-bound: the transposition's share of M's batch
// step went from 3.9 to 3.0 % (docs/benchmarks-notes.md).
template <class T> struct block_transpose {
    using S = simd<T>;
    using V = typename S::type;
    static constexpr std::size_t N = S::lanes, w = 16 / sizeof(T) < N ? 16 / sizeof(T) : N;
    template <std::size_t n> struct part {
        typedef T type __attribute__((vector_size(n * sizeof(T))));
    };
    // `count` chunks, from rows row, row + w·stride, …, side by side.
    template <std::size_t count> static typename part<count * w>::type chunks(const T* row, std::size_t stride) noexcept {
        if constexpr (count == 1) {
            typename part<w>::type c;
            std::memcpy(&c, row, sizeof c);
            return c;
        } else {
            const auto low = chunks<count / 2>(row, stride), high = chunks<count / 2>(row + count / 2 * w * stride, stride);
            return [&]<std::size_t... p>(std::index_sequence<p...>) {
                return __builtin_shufflevector(low, high, static_cast<int>(p)...);
            }(std::make_index_sequence<count * w>{});
        }
    }
    template <std::size_t half, std::size_t... p> static V interleave(const V& x, const V& y, std::index_sequence<p...>) noexcept {
        return __builtin_shufflevector(x, y, static_cast<int>((p % 2) * N + p / w * w + p % w / 2 + half)...);
    }
    // x[0..w): w × w inside each 128-bit lane.
    template <std::size_t round = 1> static void within_lanes(V* x) noexcept {
        if constexpr (round < w) {
            V y[w];
            for (std::size_t i = 0; i < w / 2; ++i) {
                y[2 * i] = interleave<0>(x[i], x[i + w / 2], std::make_index_sequence<N>{});
                y[2 * i + 1] = interleave<w / 2>(x[i], x[i + w / 2], std::make_index_sequence<N>{});
            }
            for (std::size_t i = 0; i < w; ++i) x[i] = y[i];
            within_lanes<round * 2>(x);
        }
    }
    // The block at in (rows `columns` apart) to out (rows `rows` apart).
    static void apply(T* out, const T* in, std::size_t rows, std::size_t columns) noexcept {
        for (std::size_t c = 0; c < N / w; ++c) {
            V x[w];
            for (std::size_t r = 0; r < w; ++r) x[r] = chunks<N / w>(in + r * columns + c * w, columns);
            within_lanes(x);
            for (std::size_t e = 0; e < w; ++e) S::store(out + (c * w + e) * rows, x[e]);
        }
    }
};

// The shared copy, for more: whole blocks in registers (one coefficient at a time, the stores'
// stride of a whole row made M's batch step spend a fifth of its time here), then the edges.
template <class T> NABLA_SHARED_KERNEL void transpose(T* out, const T* in, std::size_t rows, std::size_t columns) noexcept {
    constexpr std::size_t N = simd<T>::lanes;
    const std::size_t block_rows = rows / N * N, block_columns = columns / N * N;
    for (std::size_t i = 0; i < block_rows; i += N)
        for (std::size_t j = 0; j < block_columns; j += N)
            block_transpose<T>::apply(out + j * rows + i, in + i * columns + j, rows, columns);
    // Only where there are edges: an empty inner loop per row was a tenth of the time (perf).
    if (block_columns < columns)
        for (std::size_t i = 0; i < block_rows; ++i)
            for (std::size_t j = block_columns; j < columns; ++j) out[j * rows + i] = in[i * columns + j];
    for (std::size_t i = block_rows; i < rows; ++i)
        for (std::size_t j = 0; j < columns; ++j) out[j * rows + i] = in[i * columns + j];
}

// Whether multiply<T, R, K, C, ...> hands its results to store as vectors (the tile, vector and
// outer-product kernels) rather than one coefficient at a time from a plain loop.
template <class T, std::size_t R, std::size_t K, std::size_t C>
inline constexpr bool stores_vectors = C >= simd<T>::lanes || (K > 1 && C == 1 && vector_kernel<T, R, K>);

// Whether multiply<T, R, K, C, false, false> runs A's rows through multiply_tile (the branch for
// C >= lanes below), which shows them to a store that notes coefficients (store_with_bias<T, C,
// true>). Anywhere else A must be read for its largest |coefficient| separately.
template <class T, std::size_t K, std::size_t C>
inline constexpr bool tiles_note_rows = K > 1 && C >= simd<T>::lanes;

template <class T, std::size_t R, std::size_t K, std::size_t C, bool TransposeA, bool TransposeB, class Store>
constexpr void multiply(T* out, const T* a, const T* b, Store&& store) noexcept;

// δ Aᵀ for a batch: B (stored C × K) transposed once into a buffer on the stack, then the row kernels.
template <class T, std::size_t R, std::size_t K, std::size_t C, bool TransposeA, class Store>
[[gnu::always_inline]] inline void multiply_by_transposed(T* out, const T* a, const T* b, Store& store) noexcept {
    T stored[K * C];
    if constexpr (K * C <= 64) transpose_inline(stored, b, C, K);
    else transpose(stored, b, C, K);
    multiply<T, R, K, C, TransposeA, false>(out, a, stored, store);
}
// The same past a page of B, out of line, so that the buffer (32 KiB for W's 256 × 32) is on the
// stack only during the call: inlined into the walk over the layers, clang++ kept two of them on
// the stack at once (W's minibatch step then overflowed a 256 KiB thread stack, tests/stack.cpp).
// Smaller buffers stay inline: out of line too, T's 3 × 32 took its minibatch step 265 → 280 ns
// (docs/benchmarks-notes.md, "Stack use").
template <class T, std::size_t R, std::size_t K, std::size_t C, bool TransposeA, class Store>
[[gnu::noinline]] void multiply_by_transposed_out_of_line(T* out, const T* a, const T* b, Store& store) noexcept {
    multiply_by_transposed<T, R, K, C, TransposeA>(out, a, b, store);
}

// out (R × C, row-major) = A B with A R × K and B K × C. A and B are row-major arrays, read as
// their transposes when TransposeA / TransposeB (so A is then stored K × R, B C × K). Each result
// goes to store(&out[i, j], value).
template <class T, std::size_t R, std::size_t K, std::size_t C, bool TransposeA, bool TransposeB, class Store>
constexpr void multiply(T* out, const T* a, const T* b, Store&& store) noexcept {
    static_assert(!notes_coefficients<std::remove_cvref_t<Store>> || (!TransposeA && !TransposeB && tiles_note_rows<T, K, C>),
                  "only the tiles show a store A's coefficients: any other kernel would leave its maximum at 0");
    constexpr std::size_t N = simd<T>::lanes;
    if consteval {
        for (std::size_t i = 0; i < R; ++i)
            for (std::size_t j = 0; j < C; ++j) {
                T sum{};
                for (std::size_t k = 0; k < K; ++k)
                    sum += (TransposeA ? a[k * R + i] : a[i * K + k]) * (TransposeB ? b[j * K + k] : b[k * C + j]);
                store(out + i * C + j, sum);
            }
    } else {
        if constexpr (K == 1) {
            // An outer product (δ aᵀ for one sample): A is a column, B a row, however they are stored.
            // Row i is a[i] times B, a vector at a time (left to itself, g++ vectorises down the
            // columns and transposes every block back).
            using S = simd<T>;
            constexpr std::size_t whole = C / S::lanes * S::lanes;
            for (std::size_t i = 0; i < R; ++i) {
                for (std::size_t j = 0; j < whole; j += S::lanes) store(out + i * C + j, a[i] * S::load(b + j));
                for (std::size_t j = whole; j < C; ++j) store(out + i * C + j, T(a[i] * b[j]));
            }
        } else if constexpr (TransposeB) {
            if constexpr (K * C * sizeof(T) <= 4096) multiply_by_transposed<T, R, K, C, TransposeA>(out, a, b, store);
            else multiply_by_transposed_out_of_line<T, R, K, C, TransposeA>(out, a, b, store);
        } else if constexpr (C == 1 && TransposeA) {
            // Wᵀ δ for one sample is the row δᵀ W: one row of R columns, accumulated along W's rows.
            multiply<T, 1, K, R, false, false>(out, b, a, store);
        } else if constexpr (C == 1 && vector_kernel<T, R, K> && std::is_same_v<std::remove_cvref_t<Store>, store_results>) {
            stored_product<T, R, K>(out, a, b);
        } else if constexpr (C == 1 && vector_kernel<T, R, K>) {
            multiply_vector<T, R, K>(out, a, b, ignore_coefficients{}, store);
        } else if constexpr (C >= N) {
            multiply_rows<T, R, K, C, TransposeA>(out, a, b, store);
        } else if constexpr (column_kernel<T, R, K, TransposeA>) {
            // Fewer columns than a vector (a small minibatch) with long enough rows or columns of A.
            multiply_columns<T, R, K, C, TransposeA>(out, a, b, 0, store);
        } else {
            // Sizes below one vector (the lecture's 2-3-1 net): plain loops, which the compiler unrolls.
            for (std::size_t i = 0; i < R; ++i)
                for (std::size_t j = 0; j < C; ++j) {
                    T sum{};
                    for (std::size_t k = 0; k < K; ++k) sum += (TransposeA ? a[k * R + i] : a[i * K + k]) * b[k * C + j];
                    store(out + i * C + j, sum);
                }
        }
    }
}
} // namespace nabla::detail

NABLA_END_IF_CONSTEVAL

// One sample's gradient descent step folded into the backward pass: W^l is read once to form
// (W^l)ᵀ δ^l and, in the same loop, updated with δ^l (a^{l-1})ᵀ, instead of once for the δ chain,
// once to check the step and once to write it. Used by optimizer::step(net, loss, x, y_hat) for
// rules whose change is bounded by the gradient alone (sgd), when bounds vouch for the step.
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <utility>

#include <nabla/activations/activation.hpp>
#include <nabla/detail/bytes.hpp>
#include <nabla/detail/kernels.hpp>
#include <nabla/losses/loss.hpp>
#include <nabla/network/forward.hpp>

namespace nabla::detail {

// Rules whose change is bounded by the gradient alone (sgd): |Δθ| <= change_bound(max |g|).
template <class Rule>
concept bounded_rule = requires(const Rule& rule, double g) {
    { rule.change_bound(g) } -> std::same_as<double>;
};

// Rules whose change is −c g for a factor c, c = step_factor() (sgd: c = η).
template <class Rule, class T>
concept linear_rule = requires(const Rule& rule) {
    { rule.step_factor() } -> std::same_as<T>;
};

// Linear rules on a target that contracts multiply-adds,
// where the fused step is alike to the stored gradient's to roundings, not bit for bit: there the
// one-sample update forms θ − (c scale δ_i) a_j, one multiply-add a coefficient, where
// θ − c ((scale δ_i) a_j) takes a multiply besides, which the backward pass's sum and the update
// share the FMA units with (W's one-sample step 4-7 % faster, M's within noise,
// docs/benchmarks-notes.md). Rows shorter than a vector (T's) keep the multiply: there the
// factor's multiply, one a row, lengthened the step's chain (T's 43.2 → 44.7 ns). Without FMA the
// multiply stays everywhere, which rounds as the stored gradient's path does, bit for bit at
// scale 1. The bound that vouches for the bias's change, |c scale| max |δ| below a quarter of the
// range, also keeps the factor c scale δ_i finite.
template <class Rule, class T>
concept folds_step_factor =
#if defined(__FMA__)
    linear_rule<Rule, T>;
#else
    false;
#endif

// Whether a one-sample step folds the factor into a row of `columns` coefficients (rows shorter
// than a vector keep the multiply, above): update_rows at compile time, the exact check at run time.
template <class Rule, class T> constexpr bool folds_row(std::size_t columns) noexcept {
    return folds_step_factor<Rule, T> && columns >= simd<T>::lanes;
}

// Row i's new coefficients in a one-sample step, θ_ij ← rule(θ_ij, (scale δ_i) a_j), or with Folds
// θ_ij − (c scale δ_i) a_j: the one formula update_rows writes and the exact check repeats. (scale
// δ_i) a_j is one product a coefficient, where the stored gradient's path rounds δ_i a_j first and
// then scales it (the two agree to a rounding). at(δ_i) readies a row; then next(old, a) for a
// coefficient or a vector of them.
template <class T, class Rule, bool Folds> struct row_update {
    Rule rule;
    T scale;
    T scaled = 0, factor = 0; // scale δ_i, and c scale δ_i where Folds
    void at(T delta) noexcept {
        scaled = scale * delta;
        if constexpr (Folds) factor = rule.step_factor() * scaled;
    }
    template <class U> U operator()(const U& old, const U& a) const noexcept {
        if constexpr (Folds) return old - factor * a;
        else return rule(old, scaled * a, static_cast<U*>(nullptr));
    }
};

// 2^(max_exponent - 2): a sum of two values below it cannot overflow.
template <class T> inline constexpr double quarter_range = [] {
    double r = 1;
    for (int e = 0; e < std::numeric_limits<T>::max_exponent - 2; ++e) r *= 2;
    return r;
}();

// Whether a gradient of magnitude up to largest_gradient stays below a quarter of T's range both
// as it is and scaled: the passes form g (δ_i a_j, a batch's Σ δ a) in T before scaling it or
// scale · δ_i before multiplying by a_j, and an infinite intermediate makes the new value infinite
// however small the change it stands for (g = 2e39 times scale = 1e-10 in float).
template <class T> bool gradient_is_safe(T scale, double largest_gradient) noexcept {
    const double scale_magnitude = __builtin_fabs(double(scale));
    return (scale_magnitude > 1 ? scale_magnitude : 1) * largest_gradient * 1.0001 <= quarter_range<T>;
}

// Whether a bounded rule's change for a gradient of magnitude up to largest_gradient, scaled,
// stays below a quarter of T's range (so that θ + Δθ cannot overflow when |θ| is below it too),
// and the gradient with it. 1.0001 covers the roundings of δ_i a_j, scale · g and η · (scale · g),
// or of η scale and its product.
template <class T, class Rule> bool change_is_safe(const Rule& rule, T scale, double largest_gradient) noexcept {
    return gradient_is_safe(scale, largest_gradient) &&
           rule.change_bound(__builtin_fabs(double(scale)) * largest_gradient) * 1.0001 <= quarter_range<T>;
}

// θ ← rule(θ, scale · g) at a coefficient or a vector of them, with the largest |Δθ| kept: the
// one update every fused step applies (along W's rows in the one-sample backward pass, to b, and
// as the store policy of the batch's gradient products, where g lands). By value, so that a loop
// can keep its copy in registers.
template <class T, class Rule, bool Folds = false> struct update_in_place {
    using V = typename simd<T>::type;
    Rule rule;
    T scale;
    largest_seen<T> changes{}; // of the vectors' |Δθ|
    T lone_change = 0;         // of the coefficients' written one at a time
    void operator()(T* at, const V& g) noexcept {
        const V old = simd<T>::load(at);
        replaced(at, old, new_value(old, g));
    }
    void operator()(T* at, T g) noexcept {
        const T old = *at;
        note(replaced(at, old, new_value(old, g)));
    }
    // θ's new value for a coefficient or a vector: rule(θ, scale · g), or with Folds (a linear
    // rule, folds_step_factor) θ − (c scale) g, one multiply-add a coefficient where θ − c (scale g)
    // takes a multiply besides (twelve fewer in each 6 × 2 tile's epilogue; T's batch step, whose
    // narrow layers go through apply, 413-508 → 378-391 ns in three ROUNDS=10
    // scripts/compare_benchmarks.sh runs, S's, M's and W's within the noise). Folds only where
    // bounds vouch for the step (sgd's fused batch step): the one-sample step's bias is written as
    // its exact check (largest_new_value) computes it, rule(θ, scale δ_i).
    template <class U> U new_value(const U& old, const U& g) const noexcept {
        if constexpr (Folds) return old - rule.step_factor() * scale * g;
        else return rule(old, scale * g, static_cast<U*>(nullptr));
    }
    // old at `at` replaced by next, formed by the caller: its |Δθ| noted for a vector (both finite:
    // the step was vouched for), returned for a coefficient, the sign cleared in the vector register
    // (written as ?:, g++ branched on the sign). The change is formed in a register as soon as next
    // is stored: left to g++, a minibatch tile's epilogue formed all of its changes after all of
    // its stores, every old vector of W^l kept to the end, and with AVX2's 16 registers 12 of
    // them went to the stack and were read back twice (46 stack accesses in
    // multiply_tile<float, false, 6, 2, update_in_place<…>, …>, 12 with this; the tile's share of
    // W's and M's batch steps 34.1 → 33.3 %, its epilogue's share of it 26.8 → 22.9 %).
    void replaced(T* at, const V& old, const V& next) noexcept {
        simd<T>::store(at, next);
        V change = next - old;
        in_register(change);
        changes.not_nan(change);
    }
    T replaced(T* at, T old, T next) noexcept {
        *at = next;
        if constexpr (std::is_same_v<T, float>) return __builtin_fabsf(next - old);
        else return __builtin_fabs(next - old);
    }
    // Coefficients written one at a time (a bias's last few, the lone columns of the batch step)
    // keep their largest |Δθ| as a float: the maximum stays in the vector registers, where
    // largest_seen moves each value to an integer register and back (T's one-sample step ran
    // 52.4 → 45.8 ns with this and the inlined update_rows below). A written step is finite, so
    // no NaN meets the comparison.
    void note(T change) noexcept { lone_change = change > lone_change ? change : lone_change; }
    // The largest |Δθ| so far, as bits.
    bits_of<T> change_bits() const noexcept {
        const bits_of<T> vectors = changes.value_bits(), lone = std::bit_cast<bits_of<T>>(lone_change);
        return vectors > lone ? vectors : lone;
    }
    // θ[0..n) from a stored g[0..n), a vector at a time. Past eight vectors a loop, as each_index
    // keeps one: unrolled whole, M's 64 and 128 biases at SSE2 were one basic block of 307
    // instructions in the fused step's walk, the largest g++ scheduled in M's training unit (its
    // cc1plus instructions 6.89 → 6.81 G with the loop; scripts/largest_blocks.sh and
    // scripts/cc1plus_instructions.sh).
    template <std::size_t n> void apply(T* theta, const T* g) noexcept {
        constexpr std::size_t whole = n / simd<T>::lanes * simd<T>::lanes;
        if constexpr (whole <= 8 * simd<T>::lanes) {
            for (std::size_t k = 0; k < whole; k += simd<T>::lanes) (*this)(theta + k, simd<T>::load(g + k));
        } else {
#pragma GCC unroll 1
            for (std::size_t k = 0; k < whole; k += simd<T>::lanes) (*this)(theta + k, simd<T>::load(g + k));
        }
        for (std::size_t k = whole; k < n; ++k) (*this)(theta + k, g[k]);
    }
};

// For a rule whose change is −c g (linear_rule), the least |scale δ_i| a row of a one-sample
// update needs for one of its changes to be the largest: rows below it are written without
// noting their |Δθ|, which took a subtraction and a maximum of every vector's five or so
// operations (M's and W's one-sample steps 8-10 % slower, docs/benchmarks-notes.md), while
// what the step reports stays the largest |new θ − old θ| exactly. Row i's changes are
// |c s_i a_j| (s_i = scale δ_i) to the roundings of the products and of θ − Δθ: with
// G_i = |c s_i| max |a|, each lies within G_i (1 ± 4u) ± (u max |θ| (1 ± u) + 2 min (1 + c + max |a|)),
// u half of epsilon, min the least normal (a subnormal or flushed product or result), and the
// row of the largest |s_i| reaches its lower end: the two ends' u max |θ| terms sum to
// epsilon max |θ| exactly; twice the other margins and more cover the second-order terms and
// this function's own roundings in double. Never below the least positive double: a row whose
// scale δ_i is 0 (a relu unit switched off, a saturated output) changes nothing, while every
// other row is noted where the bound gives nothing (at or below 0, or not finite: max |W| is NaN
// where W^l a^{l-1} was, a path the exact check vouches for; c max |a| is 0).
template <class T, class Rule>
double least_noted_factor(const Rule& rule, double largest_scaled, T largest_a, T largest_W) noexcept {
    constexpr double epsilon = std::numeric_limits<T>::epsilon(), least = std::numeric_limits<T>::min();
    const double c = __builtin_fabs(double(rule.step_factor())), a = double(largest_a);
    const double slack = epsilon * double(largest_W) + 8 * least * (1 + c + a);
    const double t = (c * largest_scaled * a * (1 - 8 * epsilon) - slack) / (c * a * (1 + 8 * epsilon));
    constexpr double smallest = std::numeric_limits<double>::denorm_min();
    return t > smallest && t < std::numeric_limits<double>::infinity() ? t : smallest;
}

// Whether update_rows sifts rows of K coefficients (least_noted_factor, above). Rows shorter than
// four vectors note every change: there the branch costs more than it saves, and rows narrower
// than a vector, which g++ vectorises across the rows, lost that (S's one-sample step 151 → 224
// ns with every row of a layer past four vectors sifted).
template <class Rule, class T, std::size_t K>
inline constexpr bool sifts_rows = linear_rule<Rule, T> && K >= 4 * simd<T>::lanes;

// How many of a row's vectors update_rows carries δ-weighted sums for in one walk down the rows:
// all of them where they fit the registers beside the walk's operands, else the largest divisor of
// their count that does, the rows walked once for each such piece of columns. AVX2's 16 registers
// held none of the 16 sums of M's 128-wide rows or W's 32: g++ kept them on the stack, a load and a
// store around every multiply-add (objdump of update_rows<float, 64, 128, true, …> on a Zen 3
// core; in pieces of 8, M's one-sample step 3,345 → 2,830 ns, W's 41.7 → 36.8 µs,
// scripts/compare_benchmarks.sh). A count with no divisor of at least half that many keeps one
// walk, and so do SSE2 builds: each piece unrolled whole (its sums in registers) took M's and W's
// training units at plain -O3, the compile-time target's flags, 6.81 → 7.19 G and 7.01 → 7.41 G
// cc1plus instructions (scripts/cc1plus_instructions.sh), against a margin of a few per cent.
template <std::size_t vectors> constexpr std::size_t carried_vectors() noexcept {
    // Beside the sums, a piece's walk holds δ_i broadcast, η δ_i broadcast, the noted maximum of
    // |Δθ| and its sign mask: four registers past the operands simd_accumulators leaves room for
    // (a coefficient's old and new value, a's vector). Fewer than along_row unrolls whole, which
    // the sums need to stay in registers.
    constexpr std::size_t most = simd_accumulators - 4;
    static_assert(row_unrolled_whole<most>);
    if (vectors <= most || simd_bytes < 32) return vectors;
    std::size_t piece = most;
    while (vectors % piece != 0) --piece;
    return piece >= most / 2 ? piece : vectors;
}

// Rows of W (R × K, row-major) updated by row_update; with Backpropagate, also
// g = σ' ⊙ Wᵀ δ from the same loads of the old W (g and σ' = slope are K long): δ of the layer
// below, each sum scaled as it is stored. Returns the largest |Δθ| as bits.
// largest_W (max |W| before the step) and largest_a (max |a|) let a linear rule's rows that cannot
// hold the largest change skip noting it (sifts_rows). Each g_k sums its rows in order, in however
// many walks down the rows (carried_vectors) the columns are taken.
template <class T, std::size_t R, std::size_t K, bool Backpropagate, class Rule>
inline bits_of<T> update_rows(T* W, const T* delta, const T* a, T scale, const Rule& rule, T largest_W, T largest_a,
                              T* g, const T* slope) noexcept {
    using S = simd<T>;
    using V = typename S::type;
    constexpr std::size_t N = S::lanes, vectors = K / N, whole = vectors * N;
    constexpr std::size_t piece = Backpropagate ? carried_vectors<vectors>() : vectors;
    constexpr std::size_t pieces = piece > 0 ? vectors / piece : 1;
    constexpr bool sifts = sifts_rows<Rule, T, K>;
    T tail[K - whole + 1]{};
    update_in_place<T, Rule> update{rule, scale};
    row_update<T, Rule, folds_row<Rule, T>(K)> next{rule, scale};
    double least = 0;
    if constexpr (sifts) {
        // max |s_i| (rounding is monotone): the largest |δ_i| scaled as next.at scales each
        const double largest_scaled = __builtin_fabs(double(scale * largest_magnitude<R>(delta)));
        least = least_noted_factor<T>(rule, largest_scaled, largest_a, largest_W);
    }
    for (std::size_t p = 0; p < pieces; ++p) {
        const std::size_t first = p * piece;
        const bool last = p + 1 == pieces;
        V sum[piece > 0 ? piece : 1]{};
        for (std::size_t i = 0; i < R; ++i) {
            const T d = delta[i];
            next.at(d);
            T* row = W + i * K;
            // The piece's coefficients from one pointer: with row + (first + u) N at each vector,
            // g++ kept a pointer a vector, eight `add`s a row of update_rows<float, 64, 128, true>
            // (objdump, AVX2); now one (M's one-sample step 2,586 → 2,569 ns, within the noise).
            T* segment = row + first * N;
            const auto write_row = [&](auto noted) {
                along_row<piece>([&](std::size_t u) {
                    T* at = segment + u * N;
                    const V old = S::load(at);
                    if constexpr (Backpropagate) sum[u] += d * old;
                    const V value = next(old, S::load(a + (first + u) * N));
                    if constexpr (noted) update.replaced(at, old, value);
                    else S::store(at, value);
                });
                if (!last) return;
                for (std::size_t j = whole; j < K; ++j) {
                    const T old = row[j];
                    if constexpr (Backpropagate) tail[j - whole] += d * old;
                    // As bits: g++ vectorises this loop across the rows with an integer maximum, not
                    // with a float one (S's 8-wide first layer made its step 25 % slower).
                    if constexpr (noted) update.changes(update.replaced(row + j, old, next(old, a[j])));
                    else row[j] = next(old, a[j]);
                }
            };
            if constexpr (!sifts) write_row(std::true_type{});
            else if (__builtin_fabs(double(next.scaled)) >= least) write_row(std::true_type{});
            else write_row(std::false_type{});
        }
        if constexpr (Backpropagate)
            for (std::size_t u = 0; u < piece; ++u) S::store(g + (first + u) * N, sum[u] * S::load(slope + (first + u) * N));
    }
    if constexpr (Backpropagate)
        for (std::size_t j = whole; j < K; ++j) g[j] = tail[j - whole] * slope[j];
    return update.change_bits();
}
// The same out of line, for layers past four vectors (out_of_line): a small network's step is
// short enough for the call to count; a larger layer's would gain nothing inlined but compile time.
template <class T, std::size_t R, std::size_t K, bool Backpropagate, class Rule>
[[gnu::noinline]] bits_of<T> update_rows_out_of_line(T* W, const T* delta, const T* a, T scale, const Rule& rule, T largest_W,
                                                     T largest_a, T* g, const T* slope) noexcept {
    return update_rows<T, R, K, Backpropagate>(W, delta, a, scale, rule, largest_W, largest_a, g, slope);
}

// Whether every hidden activation is element-wise, so that δ^{l-1} = σ'(z^{l-1}) ⊙ g.
template <class P> constexpr bool elementwise_hidden_layers() noexcept {
    return []<std::size_t... l>(std::index_sequence<l...>) {
        return (ElementwiseActivation<typename P::template layer<l + 1>::activation> && ...);
    }(std::make_index_sequence<P::depth - 1>{});
}

// What the bounds (step_is_safe) measure once for the passes after them: σ'(z^l) of the hidden
// layers l = 1..L-1, which the δ chain multiplies by, and max |a^{l-1}| of every layer l, which
// the update's sifting reads.
template <class P> struct step_measures {
    using T = typename P::value_type;
    static constexpr std::size_t offset(std::size_t l) noexcept {
        std::size_t at = 0;
        for (std::size_t k = 1; k < l; ++k) at += P::sizes[k];
        return at;
    }
    T slopes[offset(P::depth) + 1];
    T largest_a[P::depth + 1];
    template <std::size_t l> T* slope() noexcept { return slopes + offset(l); }
    template <std::size_t l> const T* slope() const noexcept { return slopes + offset(l); }
};

// The bounds that vouch for the step: with |θ| and every |Δθ| below a quarter of T's range, no
// new value overflows, and with every partial sum of (W^l)ᵀ δ^l bounded the δ chain stays finite.
// |(W^l)ᵀ δ^l| <= n_l · max |W^l| · max |δ^l| and |δ^{l-1}| <= max |σ'(z^{l-1})| times that. NaN
// anywhere fails every comparison. Fills `measured` on the way.
template <class P, class Tape, class Seen, class Rule>
bool step_is_safe(const Tape& tape, const Seen& seen, const typename P::value_type* delta_L, typename P::value_type scale,
                  const Rule& rule, step_measures<P>& measured) noexcept {
    using T = typename P::value_type;
    constexpr double safe = quarter_range<T>;
    double largest_delta = double(largest_magnitude<P::output_size>(delta_L));
    bool ok = true;
    const auto layer = [&]<std::size_t l>(std::integral_constant<std::size_t, l>) {
        const auto& a = tape.template a<l - 1>();
        const double largest_W = double(seen.W[l]);
        measured.largest_a[l] = largest_magnitude(a);
        const double largest_a = double(measured.largest_a[l]);
        ok = ok && largest_W < safe && double(seen.b[l]) < safe &&
             change_is_safe<T>(rule, scale, largest_delta * largest_a) && change_is_safe<T>(rule, scale, largest_delta);
        if constexpr (l >= 2) {
            using sigma = typename P::template layer<l - 1>::activation;
            const auto& z = tape.template z<l - 1>();
            T* slope = measured.template slope<l - 1>();
            each_index<T, P::sizes[l - 1]>([&](std::size_t k) { slope[k] = sigma::derivative(z.data()[k], a.data()[k]); });
            const T largest_slope = largest_magnitude<P::sizes[l - 1]>(slope);
            // (W^l)ᵀ δ^l itself must stay finite: σ'(z) = 0 does not save an infinite sum from NaN.
            const double largest_sum = double(P::sizes[l]) * largest_W * largest_delta * 1.0001;
            largest_delta = double(largest_slope) * largest_sum * 1.0001;
            ok = ok && largest_sum <= safe && largest_delta <= safe;
        }
    };
    [&]<std::size_t... k>(std::index_sequence<k...>) {
        (layer(std::integral_constant<std::size_t, P::depth - k>{}), ...);
    }(std::make_index_sequence<P::depth>{});
    return ok;
}

// The fused pass's walk from layer l down to layer 1: layer(l, δ^l, below, slope) handles W^l and
// b^l and, above layer 1, stores δ^{l-1} = σ'(z^{l-1}) ⊙ (W^l)ᵀ δ^l in below, formed from the old
// W^l, with σ'(z^{l-1}) = slope.
// Returns the largest of the layers' results (bits of non-negative floats, which order as their
// values). The update and its exact check are the two kinds of layer.
template <std::size_t l, class P, class Layer>
bits_of<typename P::value_type> down_the_layers(const step_measures<P>& measured, const typename P::value_type* delta,
                                                const Layer& layer) noexcept {
    using T = typename P::value_type;
    using bits = bits_of<T>;
    if constexpr (l == 1) {
        return layer(std::integral_constant<std::size_t, 1>{}, delta, static_cast<T*>(nullptr), static_cast<const T*>(nullptr));
    } else {
        T below[P::sizes[l - 1]];
        const bits here = layer(std::integral_constant<std::size_t, l>{}, delta, below, measured.template slope<l - 1>());
        const bits rest = down_the_layers<l - 1>(measured, below, layer);
        return rest > here ? rest : here;
    }
}

// The fused pass: every layer's b^l and W^l updated, top down, δ^{l-1} formed from the old W^l.
// Returns the largest |Δθ| as bits.
template <class P, class Tape, class Seen, class Rule>
bits_of<typename P::value_type> update_layers(P& net, const Tape& tape, const Seen& seen, const step_measures<P>& measured,
                                              const typename P::value_type* delta, typename P::value_type scale,
                                              const Rule& rule) noexcept {
    using T = typename P::value_type;
    using bits = bits_of<T>;
    return down_the_layers<P::depth>(measured, delta, [&]<std::size_t l>(std::integral_constant<std::size_t, l>, const T* d, T* below,
                                                                          const T* slope) {
        constexpr std::size_t rows = P::sizes[l], columns = P::sizes[l - 1];
        update_in_place<T, Rule> bias{rule, scale};
        bias.template apply<rows>(net.template b<l>().data(), d);
        const bits here = bias.change_bits();
        T* W = net.template W<l>().data();
        const T* a = tape.template a<l - 1>().data();
        bits change;
        if constexpr (!out_of_line<T, rows * columns>) change = update_rows<T, rows, columns, (l > 1)>(W, d, a, scale, rule, seen.W[l], measured.largest_a[l], below, slope);
        else change = update_rows_out_of_line<T, rows, columns, (l > 1)>(W, d, a, scale, rule, seen.W[l],
                                                                          measured.largest_a[l], below, slope);
        return change > here ? change : here;
    });
}

// The exact check of a step the bounds could not vouch for: every new b_i and W_ij of a layer
// (rows × columns) computed as update_rows computes them, but not stored, and with g given, also
// g = σ' ⊙ Wᵀ δ summed in update_rows' order (σ' = slope). Returns the largest new |θ| as bits: at or above
// exponent_bits<T> if any is infinite or NaN (so is it if δ or a is, or the rule's product
// overflows). Sized at run time, since the check is rarely run: one copy per rule.
template <class T, class Rule>
NABLA_RARE_KERNEL bits_of<T> largest_new_value(const T* W, const T* b, const T* delta, const T* a, std::size_t rows,
                                               std::size_t columns, T scale, const Rule& rule, T* g, const T* slope) noexcept {
    const auto new_values = [&](auto next) {
        largest_seen<T> largest;
        if (g != nullptr)
            for (std::size_t j = 0; j < columns; ++j) g[j] = 0;
        for (std::size_t i = 0; i < rows; ++i) {
            const T d = delta[i];
            next.at(d);
            largest(rule(b[i], next.scaled, static_cast<T*>(nullptr)));
            const T* row = W + i * columns;
            for (std::size_t j = 0; j < columns; ++j) largest(next(row[j], a[j]));
            if (g != nullptr)
                for (std::size_t j = 0; j < columns; ++j) g[j] += d * row[j];
        }
        if (g != nullptr)
            for (std::size_t j = 0; j < columns; ++j) g[j] *= slope[j];
        return largest.value_bits();
    };
    if constexpr (folds_step_factor<Rule, T>)
        if (folds_row<Rule, T>(columns)) return new_values(row_update<T, Rule, true>{rule, scale});
    return new_values(row_update<T, Rule, false>{rule, scale});
}

// The exact check: the fused pass's walk with largest_new_value for each layer, so the same δ
// chain; whether every new parameter of the step would be finite. (A layer past a non-finite one
// still runs: the check is rarely needed, and its δ is then NaN or infinite, which changes nothing.)
template <class P, class Tape, class Rule>
bool step_is_finite(const P& net, const Tape& tape, const step_measures<P>& measured, const typename P::value_type* delta,
                    typename P::value_type scale, const Rule& rule) noexcept {
    using T = typename P::value_type;
    const auto layer = [&]<std::size_t l>(std::integral_constant<std::size_t, l>, const T* d, T* below, const T* slope) {
        return largest_new_value(net.template W<l>().data(), net.template b<l>().data(), d, tape.template a<l - 1>().data(),
                                 P::sizes[l], P::sizes[l - 1], scale, rule, below, slope);
    };
    return down_the_layers<P::depth>(measured, delta, layer) < exponent_bits<T>;
}

} // namespace nabla::detail

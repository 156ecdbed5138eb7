// The hand-written baseline: what a careful engineer writes for one fixed network without a
// library. Plain arrays with the sizes as constants, GCC vector types of the target's width for
// every loop that runs along a row (g++ 12 reduces plain accumulator arrays one element at a time),
// weights stored column by column (Wᵀ, n_{l-1} × n_l) so that z = W a accumulates whole columns in
// registers, a batch stored feature-major (n × 32) so that its rows are vectors, and the batch's
// products in register tiles (three quarters of the register file as accumulators: 24 with
// AVX-512, 12 below, as a matrix product is blocked for registers). σ comes from std::exp and
// std::tanh, as it does in most hand-written code. A one-sample step reads and writes each row of
// Wᵀ once, its product with δ and its update in the same pass. main checks its forward passes and
// training steps against nabla's before anything is timed (check_handwritten.cpp).
// The width is the target's (bench::vector_bytes): written for AVX-512 alone, the same loops
// spilled their accumulators on an AVX2 core and ran 4-17× slower than nabla there.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <tuple>
#include <utility>

#include "common.hpp"

// Inline, in a namespace of its own: the benchmarks and the check (check_handwritten.cpp) are
// separate units, so that the check does not change how g++ compiles the timed code (with the
// check in the same unit, T's forward pass went through a store-forwarding stall, 14 → 45 ns).
namespace handwritten {

constexpr std::size_t lanes = bench::vector_bytes / sizeof(float);
typedef float vec __attribute__((vector_size(bench::vector_bytes)));
// Accumulators a register tile holds, and how many vectors wide it is, so that the sums, a row
// of vectors and the broadcast coefficient fit the register file: 6 × 4 with AVX-512's 32
// registers, 6 × 2 with 16 (3 × 4 needs 17 there, and g++ keeps a sum in memory).
constexpr std::size_t accumulators = bench::vector_registers * 3 / 4, tile_width = bench::vector_registers == 32 ? 4 : 2;

inline vec load(const float* p) {
    vec v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void store(float* p, const vec& v) { std::memcpy(p, &v, sizeof v); }

// The sum of a vector's lanes, by halves (16 → 8 → 4 → 2 → 1 with AVX-512): one dependent
// addition per halving. A template, so that only the target's width is instantiated.
template <class V> float horizontal_sum(V v) {
    if constexpr (sizeof(V) == 64) {
        v += __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
        v += __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3);
        v += __builtin_shufflevector(v, v, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1);
        v += __builtin_shufflevector(v, v, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0);
    } else if constexpr (sizeof(V) == 32) {
        v += __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3);
        v += __builtin_shufflevector(v, v, 2, 3, 0, 1, 2, 3, 0, 1);
        v += __builtin_shufflevector(v, v, 1, 0, 1, 0, 1, 0, 1, 0);
    } else {
        static_assert(sizeof(V) == 16);
        v += __builtin_shufflevector(v, v, 2, 3, 0, 1);
        v += __builtin_shufflevector(v, v, 1, 0, 1, 0);
    }
    return v[0];
}

// out[0..R) (+)= Σ_k s[k] · rows[k][0..R), one sample's z = W a: R / lanes accumulators kept in
// registers (bands of up to half the register file, one row of out where multiply's tiles below
// take several); R not a multiple of lanes finishes with scalars.
template <std::size_t R, std::size_t K, bool Add>
inline void accumulate_rows(float* out, const float* s, std::size_t s_stride, const float* rows, std::size_t row_stride) {
    constexpr std::size_t V = R / lanes, whole = V * lanes;
    if constexpr (V > 0) {
        constexpr std::size_t most = bench::vector_registers / 2, band = V < most ? V : most;
        for (std::size_t v0 = 0; v0 < V; v0 += band) {
            vec sum[band];
            for (std::size_t v = 0; v < band; ++v) sum[v] = Add ? load(out + (v0 + v) * lanes) : vec{};
            for (std::size_t k = 0; k < K; ++k) {
                const float scale = s[k * s_stride];
                for (std::size_t v = 0; v < band; ++v) sum[v] += scale * load(rows + k * row_stride + (v0 + v) * lanes);
            }
            for (std::size_t v = 0; v < band; ++v) store(out + (v0 + v) * lanes, sum[v]);
        }
    }
    for (std::size_t i = whole; i < R; ++i) {
        float sum = Add ? out[i] : 0.f;
        for (std::size_t k = 0; k < K; ++k) sum += s[k * s_stride] * rows[k * row_stride + i];
        out[i] = sum;
    }
}

// The batch products, blocked as a careful engineer blocks a matrix product for registers:
// out(i, ·) (+)= Σ_k s(i, k) · rows(k, ·) for Rows rows of out at once, Vectors vectors of each,
// so that every vector of rows(k, ·) loaded serves Rows accumulators (Rows × Vectors of them held
// in registers along k) and each s(i, k) is one broadcast. s(i, k) = s[i * si + k * sk].
template <std::size_t Rows, std::size_t Vectors, std::size_t K, bool Add>
inline void tile(float* out, std::size_t out_stride, const float* s, std::size_t si, std::size_t sk, const float* rows,
                 std::size_t row_stride) {
    vec sum[Rows][Vectors];
    for (std::size_t i = 0; i < Rows; ++i)
        for (std::size_t v = 0; v < Vectors; ++v) sum[i][v] = Add ? load(out + i * out_stride + v * lanes) : vec{};
    for (std::size_t k = 0; k < K; ++k) {
        vec row[Vectors];
        for (std::size_t v = 0; v < Vectors; ++v) row[v] = load(rows + k * row_stride + v * lanes);
        for (std::size_t i = 0; i < Rows; ++i) {
            const float scale = s[i * si + k * sk];
            for (std::size_t v = 0; v < Vectors; ++v) sum[i][v] += scale * row[v];
        }
    }
    for (std::size_t i = 0; i < Rows; ++i)
        for (std::size_t v = 0; v < Vectors; ++v) store(out + i * out_stride + v * lanes, sum[i][v]);
}

// out (R × C, rows out_stride apart) (+)= S R×K · rows (K × C): tiles of up to `accumulators`
// vectors, tile_width vectors wide where the rows are (with AVX-512, 12 rows of 2 for a batch of
// 32); the rows and columns past the last whole tile with smaller tiles and scalars.
template <std::size_t R, std::size_t C, std::size_t K, bool Add>
inline void multiply(float* out, std::size_t out_stride, const float* s, std::size_t si, std::size_t sk, const float* rows,
                     std::size_t row_stride) {
    constexpr std::size_t all_vectors = C / lanes, whole = all_vectors * lanes;
    if constexpr (all_vectors > 0) {
        constexpr std::size_t vectors = all_vectors < tile_width ? all_vectors : tile_width, band = accumulators / vectors;
        for (std::size_t j = 0; j + vectors <= all_vectors; j += vectors) {
            std::size_t i = 0;
            for (; i + band <= R; i += band)
                tile<band, vectors, K, Add>(out + i * out_stride + j * lanes, out_stride, s + i * si, si, sk,
                                            rows + j * lanes, row_stride);
            if constexpr (R % band > 0)
                tile<R % band, vectors, K, Add>(out + i * out_stride + j * lanes, out_stride, s + i * si, si, sk,
                                                rows + j * lanes, row_stride);
        }
        if constexpr (all_vectors % vectors > 0) {
            constexpr std::size_t j = all_vectors / vectors * vectors, rest = all_vectors % vectors;
            for (std::size_t i = 0; i < R; ++i)
                tile<1, rest, K, Add>(out + i * out_stride + j * lanes, out_stride, s + i * si, si, sk, rows + j * lanes,
                                      row_stride);
        }
    }
    if constexpr (whole < C) {
        // The columns past the last whole vector (a layer of 10 outputs): along each row of out,
        // so that a row's few sums are independent, not a chain along k each.
        constexpr std::size_t rest = C - whole;
        for (std::size_t i = 0; i < R; ++i) {
            float sum[rest];
            for (std::size_t c = 0; c < rest; ++c) sum[c] = Add ? out[i * out_stride + whole + c] : 0.f;
            for (std::size_t k = 0; k < K; ++k) {
                const float scale = s[i * si + k * sk];
                for (std::size_t c = 0; c < rest; ++c) sum[c] += scale * rows[k * row_stride + whole + c];
            }
            for (std::size_t c = 0; c < rest; ++c) out[i * out_stride + whole + c] = sum[c];
        }
    }
}

template <bench::act F> float sigma(float z) {
    if constexpr (F == bench::act::sigmoid) return 1.f / (1.f + std::exp(-z));
    else if constexpr (F == bench::act::tanh) return std::tanh(z);
    else if constexpr (F == bench::act::relu) return z > 0.f ? z : 0.f;
    else return z;
}
// σ'(z) from a = σ(z).
template <bench::act F> float sigma_prime(float a) {
    if constexpr (F == bench::act::sigmoid) return a * (1.f - a);
    else if constexpr (F == bench::act::tanh) return 1.f - a * a;
    else if constexpr (F == bench::act::relu) return a > 0.f ? 1.f : 0.f;
    else return 1.f;
}

template <class Net> struct model {
    static constexpr auto n = Net::sizes;
    static constexpr std::size_t L = n.size() - 1, B = bench::batch;
    template <std::size_t l> static constexpr bench::act activation = l == L ? Net::output : Net::hidden;

    // Wt[l] holds W^l transposed: n_{l-1} rows of n_l; b[l] holds b^l.
    template <std::size_t l> struct layer {
        alignas(64) float Wt[n[l - 1] * n[l]];
        alignas(64) float b[n[l]];
    };
    template <class Seq> struct all;
    template <std::size_t... l> struct all<std::index_sequence<l...>> {
        using type = std::tuple<layer<l + 1>...>;
    };
    typename all<std::make_index_sequence<L>>::type layers;
    template <std::size_t l> layer<l>& at() { return std::get<l - 1>(layers); }

    // nabla's weights (bench::weights, networks.hpp) for the benchmarks' networks; a unit that
    // trains by hand alone (scripts/compile_cost.py) takes a shape of common.hpp, which names no
    // nabla type (`Net::net`), and draws its own.
    model() {
        if constexpr (requires { typename Net::net; }) {
            const auto& w = bench::weights<Net>();
            [&]<std::size_t... l>(std::index_sequence<l...>) {
                const auto copy = [&]<std::size_t i>(std::integral_constant<std::size_t, i>) {
                    for (std::size_t r = 0; r < n[i]; ++r) {
                        for (std::size_t c = 0; c < n[i - 1]; ++c) at<i>().Wt[c * n[i] + r] = w.template W<i>()(r, c);
                        at<i>().b[r] = w.template b<i>()[r];
                    }
                };
                (copy(std::integral_constant<std::size_t, l + 1>{}), ...);
            }(std::make_index_sequence<L>{});
        }
    }

    // Activations of every layer for Cols samples, feature-major: a[l][i * Cols + j].
    template <std::size_t Cols> struct tape {
        template <std::size_t... l> static auto make(std::index_sequence<l...>) { return std::tuple<std::array<float, n[l] * Cols>...>{}; }
        decltype(make(std::make_index_sequence<L + 1>{})) a;
        template <std::size_t l> float* at() { return std::get<l>(a).data(); }
    };

    template <std::size_t l, class Tape> void output_activation(Tape& t, std::size_t cols) {
        float* a = t.template at<l>();
        if constexpr (activation<l> == bench::act::softmax) {
            for (std::size_t j = 0; j < cols; ++j) {
                float largest = a[j];
                for (std::size_t i = 1; i < n[l]; ++i) largest = a[i * cols + j] > largest ? a[i * cols + j] : largest;
                float sum = 0;
                for (std::size_t i = 0; i < n[l]; ++i) sum += a[i * cols + j] = std::exp(a[i * cols + j] - largest);
                for (std::size_t i = 0; i < n[l]; ++i) a[i * cols + j] /= sum;
            }
        } else {
            for (std::size_t k = 0; k < n[l] * cols; ++k) a[k] = sigma<activation<l>>(a[k]);
        }
    }

    // One sample: z^l = Σ_k a^{l-1}_k (column k of W^l) + b^l, then σ.
    template <class Tape> void forward_sample(Tape& t) {
        [&]<std::size_t... l>(std::index_sequence<l...>) {
            const auto step = [&]<std::size_t i>(std::integral_constant<std::size_t, i>) {
                float* z = t.template at<i>();
                std::memcpy(z, at<i>().b, sizeof at<i>().b);
                accumulate_rows<n[i], n[i - 1], true>(z, t.template at<i - 1>(), 1, at<i>().Wt, n[i]);
                output_activation<i>(t, 1);
            };
            (step(std::integral_constant<std::size_t, l + 1>{}), ...);
        }(std::make_index_sequence<L>{});
    }

    // A batch (feature-major): Z^l row i = b_i + Σ_k W^l(i, k) · row k of A^{l-1}, rows of 32.
    template <class Tape> void forward_batch(Tape& t) {
        [&]<std::size_t... l>(std::index_sequence<l...>) {
            const auto step = [&]<std::size_t i>(std::integral_constant<std::size_t, i>) {
                float* z = t.template at<i>();
                for (std::size_t r = 0; r < n[i]; ++r)
                    for (std::size_t j = 0; j < B; ++j) z[r * B + j] = at<i>().b[r];
                multiply<n[i], B, n[i - 1], true>(z, B, at<i>().Wt, 1, n[i], t.template at<i - 1>(), B);
                output_activation<i>(t, B);
            };
            (step(std::integral_constant<std::size_t, l + 1>{}), ...);
        }(std::make_index_sequence<L>{});
    }

    // δ^L from the output and the target (softmax + cross-entropy: a - y; else σ' ⊙ 2(a - y)).
    void output_delta(float* delta, const float* a, const float* y, std::size_t count) {
        for (std::size_t k = 0; k < count; ++k) {
            if constexpr (Net::output == bench::act::softmax) delta[k] = a[k] - y[k];
            else delta[k] = sigma_prime<Net::output>(a[k]) * 2.f * (a[k] - y[k]);
        }
    }

    // One sample, one SGD step, in one pass over each row c of Wt: its product with δ^l, with the
    // row as it was (δ^{l-1}_c = σ'(z_c) Wt(c, ·) · δ^l), and its update Wt(c, ·) -= η a_c δ^l
    // share the row's loads.
    template <class Tape> void train_sample(Tape& t, const float* y, float eta) {
        alignas(64) std::array<float, 256> first{}, second{};
        float* delta = first.data();
        float* previous = second.data();
        output_delta(delta, t.template at<L>(), y, n[L]);
        [&]<std::size_t... k>(std::index_sequence<k...>) {
            const auto step = [&]<std::size_t l>(std::integral_constant<std::size_t, l>) {
                const float* a = t.template at<l - 1>();
                constexpr std::size_t whole = n[l] / lanes * lanes;
                for (std::size_t c = 0; c < n[l - 1]; ++c) {
                    float* row = at<l>().Wt + c * n[l];
                    const float scale = eta * a[c];
                    vec sum{};
                    for (std::size_t r = 0; r < whole; r += lanes) {
                        const vec w = load(row + r), d = load(delta + r);
                        if constexpr (l > 1) sum += w * d;
                        store(row + r, w - scale * d);
                    }
                    float s = horizontal_sum(sum);
                    for (std::size_t r = whole; r < n[l]; ++r) {
                        if constexpr (l > 1) s += row[r] * delta[r];
                        row[r] -= scale * delta[r];
                    }
                    if constexpr (l > 1) previous[c] = sigma_prime<Net::hidden>(a[c]) * s;
                }
                for (std::size_t r = 0; r < n[l]; ++r) at<l>().b[r] -= eta * delta[r];
                if constexpr (l > 1) std::swap(delta, previous);
            };
            (step(std::integral_constant<std::size_t, L - k>{}), ...);
        }(std::make_index_sequence<L>{});
    }

    // A batch, one SGD step: Δ^{l-1} row c = σ' ⊙ Σ_r Wt(c, r) Δ^l row r; the weight gradient
    // Σ_j A(c, j) Δ(r, j) by rows of Δᵀ (transposed once), with the update folded in.
    template <class Tape> void train_batch(Tape& t, const float* y, float eta) {
        alignas(64) static float first[256 * B], second[256 * B], transposed[B * 256];
        float* delta = first;
        float* previous = second;
        static constexpr std::array<float, B> ones = [] {
            std::array<float, B> o{};
            for (auto& v : o) v = 1;
            return o;
        }();
        output_delta(delta, t.template at<L>(), y, n[L] * B);
        [&]<std::size_t... k>(std::index_sequence<k...>) {
            const auto step = [&]<std::size_t l>(std::integral_constant<std::size_t, l>) {
                const float* a = t.template at<l - 1>();
                float* Wt = at<l>().Wt;
                if constexpr (l > 1) {
                    multiply<n[l - 1], B, n[l], false>(previous, B, Wt, n[l], 1, delta, B);
                    for (std::size_t m = 0; m < n[l - 1] * B; ++m) previous[m] *= sigma_prime<Net::hidden>(a[m]);
                }
                for (std::size_t r = 0; r < n[l]; ++r)
                    for (std::size_t j = 0; j < B; ++j) transposed[j * n[l] + r] = -eta * delta[r * B + j];
                multiply<n[l - 1], n[l], B, true>(Wt, n[l], a, B, 1, transposed, n[l]);
                // b^l += Σ_j (-η Δ^l)ᵀ row j: down the columns of the transposed Δ, a vector of
                // rows at a time (summed along each row, every row ended in a horizontal sum).
                multiply<1, n[l], B, true>(at<l>().b, n[l], ones.data(), 0, 1, transposed, n[l]);
                if constexpr (l > 1) std::swap(delta, previous);
            };
            (step(std::integral_constant<std::size_t, L - k>{}), ...);
        }(std::make_index_sequence<L>{});
    }
};


} // namespace handwritten

// The step the forward fold repeats for l = 1..L: z^l = W^l a^{l-1} + b^l 1ᵀ, a^l = σ(z^l), for one
// sample (a column) or a batch (columns are samples).
#pragma once

#include <cstddef>
#include <type_traits>

#include <nabla/activations/activation.hpp>
#include <nabla/detail/assign.hpp>
#include <nabla/detail/constant_evaluation.hpp>
#include <nabla/detail/kernels.hpp>
#include <nabla/diagnostics.hpp>
#include <nabla/tensor/operations.hpp>

NABLA_BEGIN_IF_CONSTEVAL

namespace nabla::detail {

// The tensor holding n values per sample for input X: a vector for one sample, else n × B.
template <class T, std::size_t N, class X>
using column_block = std::conditional_t<X::is_vector, vector<T, N>, matrix<T, N, X::column_count>>;

// Whether x can go into a network with parameters P; if not, the one error that says why.
template <class P, class X> constexpr bool input_fits() noexcept {
    if constexpr (!Expression<X>) {
        static_assert(Expression<X>, "net(x): x must be a nabla::vector<T, n_0> or a batch nabla::matrix<T, n_0, B>");
        return false;
    } else if constexpr (X::row_count != P::input_size) {
        static_assert(check::input_size<P::input_size>::template matches<X::row_count>, NABLA_MESSAGE_INPUT_SIZE);
        return false;
    } else if constexpr (!std::is_same_v<typename X::value_type, typename P::value_type>) {
        static_assert(check::scalar_type<typename P::value_type>::template matches<typename X::value_type>,
                      NABLA_MESSAGE_SCALAR_TYPE);
        return false;
    } else {
        return P::well_formed;
    }
}

// The largest |W^l| and |b^l| of every layer, noted by a forward pass that reads them anyway, and
// for a batch the largest |a^l| and |δ^l| of the hidden layers, noted as the passes store them
// (index l; a[0] and delta[L] are not noted). NaN where a tensor holds a NaN, and W[l] on some
// builds also where W^l a^{l-1} does (propagate): which only sends the step to its exact check.
// What sgd's fused steps need to know before they may write θ, without passes of their own over
// the tensors.
template <class T, std::size_t Depth> struct magnitudes_seen {
    T W[Depth + 1]{}, b[Depth + 1]{}, a[Depth + 1]{}, delta[Depth + 1]{};
};

// z = W^l a_previous + b^l 1ᵀ, a = σ_l(z): the product by its kernel, b^l added as the kernel stores
// z (a batch, or one sample through a layer narrower than a vector) or after it.
// With a magnitudes_seen, also the largest |W^l| and |b^l|: noted by the kernel as it reads
// W^l (one sample's vector kernel, a batch's tiles), or read separately where another kernel runs;
// for a batch through a hidden layer, also the largest |a^l| (the bounds never read the output's).
// Without Activates, only z: a is left as it was.
template <std::size_t l, bool Activates = true, class P, class APrevious, class Z, class... Seen>
constexpr void propagate(const P& theta, const APrevious& a_previous, Z& z, Z& a, Seen&... seen) noexcept {
    using T = typename P::value_type;
    const auto& W = theta.template W<l>();
    const auto& b = theta.template b<l>();
    constexpr std::size_t R = Z::row_count, K = APrevious::row_count, C = Z::column_count;
    using sigma = typename P::template layer<l>::activation;
    bool activated = false; // a = σ(z) already stored, with max |a| noted, by the product's store
    if constexpr (C == 1 && R < simd<T>::lanes) {
        // One sample through a layer narrower than a vector, with rows shorter than one (T's):
        // z_i = b_i + Σ_k W_ik a_k in one loop, so that z is stored once. As a product and then
        // a bias loop, g++ vectorised the two loops' parts differently, and the bias loop's load
        // of z straddled two of the product's stores, which the CPU cannot forward (T's training
        // step ran 15 % slower). b_i starts the sum, so that every term is a multiply-add: one
        // step shorter a chain than adding b_i last (T's forward pass 8 % faster; the sum rounds
        // in another order than a batch's, within the usual few ulp).
        const auto in_one_loop = [&] {
            for (std::size_t i = 0; i < R; ++i) {
                T sum = b.data()[i];
                for (std::size_t k = 0; k < K; ++k) sum += W.data()[i * K + k] * a_previous.data()[k];
                z.data()[i] = sum;
            }
            ((seen.W[l] = largest_magnitude(W)), ...);
        };
        if constexpr (K < simd<T>::lanes) {
            in_one_loop();
        } else if consteval {
            in_one_loop();
        } else {
            // Rows of a vector or more (M's and W's output layers, 10 × 64 and 10 × 256): each
            // row summed in vectors along k, the rows' sums reduced together, b_i added as z_i is
            // stored. In the loop above, a sum g++ may not reorder, every row was a chain of K
            // dependent scalar additions: a sixth of W's forward pass.
            largest_seen<T> largest;
            const auto observe = [&](const auto& coefficients) {
                if constexpr (sizeof...(Seen) > 0) largest(coefficients);
            };
            multiply_vector<T, R, K>(z.data(), W.data(), a_previous.data(), observe, store_with_bias<T>{z.data(), b.data()});
            ((seen.W[l] = largest.value()), ...);
        }
    } else if constexpr (C == 1) {
        if constexpr (sizeof...(Seen) == 1 && vector_kernel<T, R, K>) {
            // |W| noted by vrangeps where there is one, one instruction a segment where the mask
            // and integer maximum take two, and a NaN in W^l found in z^l = W^l a^{l-1}, R values
            // read back from L1 (relu(NaN) = 0 would hide it from everything after): W's
            // one-sample step 20.5 → 20.2 µs, M's 1,872-1,887 → 1,844-1,903 ns
            // (scripts/compare_benchmarks.sh against the parent's binary, three runs). Out of line
            // past four vectors (out_of_line), as the update's rows are, one copy a shape, with
            // b^l added as it stores z^l: inlined in every layer's pass with a loop adding b^l,
            // it was 3-5 % of a training unit's g++ instructions (9cd685d, with the δ chain's
            // slopes: W's 7.39 → 7.01 G, S's 7.36 → 6.98 G), for S's one-sample step 151-153 →
            // 158-159 ns in the calls.
            T largest;
            if constexpr (!out_of_line<T, R * K>) largest = noted_product<T, R, K>(z.data(), W.data(), a_previous.data(), b.data());
            else largest = noted_product_out_of_line<T, R, K>(z.data(), W.data(), a_previous.data(), b.data());
            ((seen.W[l] = largest), ...);
            if constexpr (maximum_passes_nan) {
                const T largest_z = largest_magnitude(z);
                if (largest_z != largest_z) ((seen.W[l] = largest_z), ...);
            }
        } else {
            assign(z.data(), W * a_previous);
            ((seen.W[l] = largest_magnitude(W)), ...);
            each_index<T, R>([&](std::size_t i) { z.data()[i] += b[i]; });
        }
    } else if consteval {
        assign(z.data(), W * a_previous);
        for (std::size_t i = 0; i < R; ++i)
            for (std::size_t j = 0; j < C; ++j) z.data()[i * C + j] += b[i];
    } else {
        // A batch: b_i added to each result of row i as it is stored, and |W^l| noted by the tiles
        // that read it, where the product goes to them. Past small_product, whose tiles are copies
        // shared by the layers, a = σ(z) is formed there too for an element-wise σ; in the one
        // copy of every small product's tiles, tanh's formula took S's training unit from 8.6 to
        // 10.8 G g++ instructions.
        constexpr bool noted = sizeof...(Seen) > 0 && tiles_note_rows<T, K, C>;
        constexpr bool fused = Activates && ElementwiseActivation<sigma> && R * K * C > small_product;
        store_with_bias<T, C, noted, std::conditional_t<fused, sigma, void>> store{z.data(), b.data(), a.data()};
        (W * a_previous).evaluate_into(z.data(), store);
        if constexpr (noted) ((seen.W[l] = store.coefficients.value()), ...);
        else ((seen.W[l] = largest_magnitude(W)), ...);
        if constexpr (fused) {
            ((seen.a[l] = store.activations.value()), ...);
            activated = true;
        }
    }
    ((seen.b[l] = largest_magnitude(b)), ...);
    if (Activates && !activated) {
        activate<sigma, (sizeof...(Seen) > 0)>(z, a); // noting magnitudes: a fused training step's pass
        if constexpr (C > 1 && l < P::depth) ((seen.a[l] = largest_magnitude(a)), ...);
    }
}

// The forward pass from a^{l-1} = a, without a tape: a^L, or with Logits z^L, for a loss computed
// from z^L (softmax's exps are then not needed for C).
template <std::size_t l, bool Logits = false, class P, class A> constexpr auto propagate_from(const P& theta, const A& a) noexcept {
    if constexpr (l > P::depth) {
        return a;
    } else {
        constexpr bool last = Logits && l == P::depth;
        column_block<typename P::value_type, P::sizes[l], A> z(uninitialized), next(uninitialized);
        propagate<l, !last>(theta, a, z, next);
        if constexpr (last) return z;
        else return propagate_from<l + 1, Logits>(theta, next);
    }
}

} // namespace nabla::detail

NABLA_END_IF_CONSTEVAL

// sgd's step on a batch with ∂C/∂W^l applied where it is formed: each result of δ^l (A^{l-1})ᵀ, still
// in a register, updates the coefficient of W^l it is the gradient of, so ∇C is never stored (for
// a 256-wide network, 800 KiB zeroed, written and read back per step). Used by
// optimizer::step(net, loss, X, Y) for rules whose change is bounded by the gradient alone (sgd),
// when bounds vouch for the step.
#pragma once

#include <cstddef>
#include <limits>
#include <utility>

#include <nabla/detail/bytes.hpp>
#include <nabla/detail/kernels.hpp>
#include <nabla/network/gradient.hpp>
#include <nabla/training/sample_step.hpp>

namespace nabla::detail {

// Where a product's results come a coefficient at a time (layers narrower than a vector), they
// are stored first, on the stack, and applied a vector at a time: an update per coefficient would
// keep the compiler from vectorising the product's loop.
template <class E, class T, class Update> void apply_gradient(const E& gradient, T* theta, Update& update) noexcept {
    if constexpr (E::stores_vectors) {
        gradient.evaluate_into(theta, update);
    } else {
        T stored[E::row_count * E::column_count];
        gradient.evaluate_into(stored);
        update.template apply<E::row_count * E::column_count>(theta, stored);
    }
}

// The bounds that vouch for the step: |θ| (noted by the forward pass, in seen) below a quarter of
// T's range, and the change from |∂C/∂W^l_ij| = |Σ_b δ^l_ib a^{l-1}_jb| <= B · max |δ^l| ·
// max |a^{l-1}| (the computed sum within (1 + B ε) of that) below it too. NaN anywhere fails every
// comparison. max |a^l| and max |δ^l| of the hidden layers were noted as the passes stored them;
// the input's and the output layer's δ are read here.
template <class Tape, class Seen, class Deltas, class Rule>
bool batch_step_is_safe(const Tape& tape, const Seen& seen, const Deltas& delta, typename Tape::network_type::value_type scale,
                        const Rule& rule) noexcept {
    using T = typename Tape::network_type::value_type;
    constexpr double safe = quarter_range<T>;
    constexpr double samples = double(Tape::input_type::column_count);
    constexpr double rounding = 1 + 2 * samples * std::numeric_limits<T>::epsilon();
    bool ok = true;
    const auto layer = [&]<std::size_t l>(std::integral_constant<std::size_t, l>) {
        const T largest_delta = l == Tape::depth ? largest_magnitude(delta.template at<Tape::depth>()) : seen.delta[l];
        const T largest_a = l == 1 ? largest_magnitude(tape.template a<0>()) : seen.a[l - 1];
        const double largest_sum = samples * double(largest_delta) * rounding;
        ok = ok && double(seen.W[l]) < safe && double(seen.b[l]) < safe &&
             change_is_safe<T>(rule, scale, largest_sum * double(largest_a)) && change_is_safe<T>(rule, scale, largest_sum);
    };
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        (layer(std::integral_constant<std::size_t, l + 1>{}), ...);
    }(std::make_index_sequence<Tape::depth>{});
    return ok;
}

// θ ← rule(θ, scale · ∇C) for every layer, each gradient product storing into its update. Returns
// the largest |Δθ| as bits.
template <class P, class Tape, class Deltas, class Rule>
bits_of<typename P::value_type> update_with_batch_gradient(P& net, const Tape& tape, const Deltas& delta,
                                                           typename P::value_type scale, const Rule& rule) noexcept {
    using T = typename P::value_type;
    update_in_place<T, Rule, folds_step_factor<Rule, T>> update{rule, scale};
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        (layer_gradient<l + 1>(tape, delta,
                               [&](const auto& W, const auto& b) {
                                   apply_gradient(W, net.template W<l + 1>().data(), update);
                                   apply_gradient(b, net.template b<l + 1>().data(), update);
                               }),
         ...);
    }(std::make_index_sequence<P::depth>{});
    return update.change_bits();
}

} // namespace nabla::detail

// backward(net, tape, loss, y_hat): the δ chain, δ^L = σ'(z^L) ⊙ ∇C(y) and
// δ^l = σ'(z^l) ⊙ (W^{l+1})ᵀ δ^{l+1}, unrolled from l = L down to 1 at compile time.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include <nabla/detail/assign.hpp>
#include <nabla/detail/records.hpp>
#include <nabla/diagnostics.hpp>
#include <nabla/losses/loss.hpp>
#include <nabla/network/forward.hpp>

namespace nabla {
namespace detail {

// δ^l, written by the pass before it is read.
template <class Z> struct delta_record {
    constexpr delta_record() noexcept : delta(uninitialized) {}
    Z delta;
};
template <class N, class X, class Indices> struct delta_storage;
template <class N, class X, std::size_t... l> struct delta_storage<N, X, std::index_sequence<l...>> {
    using type = record_list<delta_record<column_block<typename N::value_type, N::sizes[l + 1], X>>...>;
};

// Whether loss and target suit the tape's output layer; if not, the one error that says why.
template <class Tape, class L, class Y> constexpr bool target_fits() noexcept {
    using N = typename Tape::network_type;
    using output = typename Tape::output_type;
    using sigma = typename N::template layer<N::depth>::activation;
    if constexpr (!Loss<L>) {
        static_assert(Loss<L>, "the loss must be a nabla loss such as nabla::squared_error{}");
        return false;
    } else if constexpr (!Expression<Y>) {
        static_assert(Expression<Y>, "the target y_hat must be a nabla::vector (or a matrix for a batch)");
        return false;
    } else if constexpr (Y::row_count != N::output_size) {
        static_assert(check::target_size<N::output_size>::template matches<Y::row_count>, NABLA_MESSAGE_TARGET_SIZE);
        return false;
    } else if constexpr (Y::column_count != output::column_count) {
        static_assert(check::batch_size<output::column_count>::template matches<Y::column_count>, NABLA_MESSAGE_BATCH_SIZE);
        return false;
    } else if constexpr (!std::is_same_v<typename Y::value_type, typename N::value_type>) {
        static_assert(check::scalar_type<typename N::value_type>::template matches<typename Y::value_type>,
                      NABLA_MESSAGE_SCALAR_TYPE);
        return false;
    } else if constexpr (!L::template accepts_output<sigma>) {
        static_assert(check::output_activation<sigma>::template suits<L>, NABLA_MESSAGE_LOSS_ACTIVATION);
        return false;
    } else {
        return true;
    }
}

} // namespace detail

// δ^l for l = 1..L, of one sample or of every sample of a batch (column by column).
//   auto delta = nabla::backward(net, tape, nabla::squared_error{}, y_hat);  delta.at<1>()
template <class N, class X> class deltas {
public:
    using network_type = N;
    static constexpr std::size_t depth = N::depth;

    template <class L, class Y> constexpr deltas(const N& net, const forward_tape<N, X>& tape, L, const Y& y_hat) noexcept {
        pass<L>(net, tape, y_hat);
    }
    // The same pass, noting the largest |δ^l| of the hidden layers in seen.delta as it stores them
    // (for sgd's fused batch step).
    template <class L, class Y>
    deltas(const N& net, const forward_tape<N, X>& tape, L, const Y& y_hat,
           detail::magnitudes_seen<typename N::value_type, depth>& seen) noexcept {
        pass<L>(net, tape, y_hat, seen);
    }

    // δ^l = ∂C/∂z^l, l = 1..L.
    template <std::size_t l> constexpr auto& at() noexcept { return detail::record<checked<l>() - 1>(values_).delta; }
    template <std::size_t l> constexpr const auto& at() const noexcept {
        return detail::record<checked<l>() - 1>(values_).delta;
    }

private:
    template <class L, class Y, class... Seen> constexpr void pass(const N& net, const forward_tape<N, X>& tape, const Y& y_hat, Seen&... seen) noexcept {
        using sigma = typename N::template layer<depth>::activation;
        detail::output_delta<L, sigma>(tape.template z<depth>(), tape.template a<depth>(), y_hat, at<depth>());
        [&]<std::size_t... k>(std::index_sequence<k...>) {
            (step<depth - 1 - k>(net, tape, seen...), ...);
        }(std::make_index_sequence<depth - 1>{});
    }
    template <std::size_t l> static constexpr std::size_t checked() noexcept {
        static_assert(check::layer_index<l>::template between_1_and<depth>, NABLA_MESSAGE_LAYER_INDEX);
        return l >= 1 && l <= depth ? l : 1;
    }

    // δ^l = J_σ(z^l)ᵀ (W^{l+1})ᵀ δ^{l+1}.
    template <std::size_t l, class... Seen>
    constexpr void step(const N& net, const forward_tape<N, X>& tape, Seen&... seen) noexcept {
        using sigma = typename N::template layer<l>::activation;
        const auto& z = tape.template z<l>();
        const auto g = transpose(net.template W<l + 1>()) * at<l + 1>();
        // σ'(z^l) applied as the product hands over its results, past small_product (whose tiles
        // are shared copies; see propagate).
        if constexpr (ElementwiseActivation<sigma> && N::sizes[l] * N::sizes[l + 1] * X::column_count > detail::small_product) {
            using T = typename N::value_type;
            detail::store_with_slope<T, sigma> store{at<l>().data(), z.data(), tape.template a<l>().data()};
            g.evaluate_into(at<l>().data(), store);
            ((seen.delta[l] = store.deltas.value()), ...);
        } else {
            // (W^{l+1})ᵀ δ^{l+1} stored in δ^l's place, then J_σᵀ applied there: a separate
            // temporary was one more batch-sized array through the cache.
            detail::assign(at<l>().data(), g);
            detail::backpropagate<sigma>(z, tape.template a<l>(), at<l>(), at<l>());
            ((seen.delta[l] = detail::largest_magnitude(at<l>())), ...);
        }
    }

    typename detail::delta_storage<N, X, std::make_index_sequence<depth>>::type values_;
};

// The backward pass: δ^l for every layer from the tape of forward(net, x) and the target y_hat.
//   auto delta = nabla::backward(net, tape, nabla::squared_error{}, nabla::vector<float, 1>{1.f});
template <class N, class X, class L, class Y>
constexpr auto backward(const N& net, const forward_tape<N, X>& tape, L loss, const Y& y_hat) noexcept {
    if constexpr (!detail::target_fits<forward_tape<N, X>, L, Y>()) return detail::error_result{};
    else return deltas<N, X>(net, tape, loss, y_hat);
}

} // namespace nabla

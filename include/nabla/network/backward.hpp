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

// Whether a destination of the δs writes δ^l where the tape's z^l is (deltas_over_z).
template <class Out> inline constexpr bool writes_over_z = false;
template <class Tape> inline constexpr bool writes_over_z<deltas_over_z<Tape>> = true;

// δ^l = J_σ(z^l)ᵀ (W^{l+1})ᵀ δ^{l+1}.
template <std::size_t l, class N, class Tape, class Out, class... Seen>
constexpr void backward_step(const N& net, const Tape& tape, Out& out, Seen&... seen) noexcept {
    using sigma = typename N::template layer<l>::activation;
    using T = typename N::value_type;
    using X = typename Tape::input_type;
    const auto& z = tape.template z<l>();
    auto& delta = out.template at<l>();
    const auto g = transpose(net.template W<l + 1>()) * out.template at<l + 1>();
    // σ'(z^l) applied as the product hands over its results, past small_product (whose tiles
    // are shared copies; see propagate): each result reads z^l's lanes before it writes δ^l's.
    if constexpr (ElementwiseActivation<sigma> && N::sizes[l] * N::sizes[l + 1] * X::column_count > small_product) {
        store_with_slope<T, sigma> store{delta.data(), z.data(), tape.template a<l>().data()};
        g.evaluate_into(delta.data(), store);
        ((seen.delta[l] = store.deltas.value()), ...);
    } else {
        if constexpr (writes_over_z<Out>) {
            // (W^{l+1})ᵀ δ^{l+1} cannot wait in δ^l's place, which still holds z^l.
            std::remove_cvref_t<decltype(delta)> product(uninitialized);
            assign(product.data(), g);
            backpropagate<sigma>(z, tape.template a<l>(), product, delta);
        } else {
            // (W^{l+1})ᵀ δ^{l+1} stored in δ^l's place, then J_σᵀ applied there: a separate
            // temporary was one more batch-sized array through the cache.
            assign(delta.data(), g);
            backpropagate<sigma>(z, tape.template a<l>(), delta, delta);
        }
        ((seen.delta[l] = largest_magnitude(delta)), ...);
    }
}

// The δ chain from l = L down to 1, each δ^l stored in out.at<l>(): a deltas object's own storage,
// or (deltas_over_z) the tape's z^l, which no step reads once δ^l is formed from it.
template <class L, class N, class Tape, class Out, class Y, class... Seen>
constexpr void backward_pass(const N& net, const Tape& tape, const Y& y_hat, Out& out, Seen&... seen) noexcept {
    constexpr std::size_t depth = N::depth;
    using sigma = typename N::template layer<depth>::activation;
    // Every loss reads z^L[k] before it writes δ^L[k] (most read only a^L), so δ^L may take z^L's place.
    output_delta<L, sigma>(tape.template z<depth>(), tape.template a<depth>(), y_hat, out.template at<depth>());
    [&]<std::size_t... k>(std::index_sequence<k...>) {
        (backward_step<depth - 1 - k>(net, tape, out, seen...), ...);
    }(std::make_index_sequence<depth - 1>{});
}

} // namespace detail

// δ^l for l = 1..L, of one sample or of every sample of a batch (column by column).
//   auto delta = nabla::backward(net, tape, nabla::squared_error{}, y_hat);  delta.at<1>()
template <class N, class X> class deltas {
public:
    using network_type = N;
    static constexpr std::size_t depth = N::depth;

    template <class L, class Y> constexpr deltas(const N& net, const forward_tape<N, X>& tape, L, const Y& y_hat) noexcept {
        detail::backward_pass<L>(net, tape, y_hat, *this);
    }
    // The same pass, noting the largest |δ^l| of the hidden layers in seen.delta as it stores them
    // (for sgd's fused batch step).
    template <class L, class Y>
    deltas(const N& net, const forward_tape<N, X>& tape, L, const Y& y_hat,
           detail::magnitudes_seen<typename N::value_type, depth>& seen) noexcept {
        detail::backward_pass<L>(net, tape, y_hat, *this, seen);
    }

    // δ^l = ∂C/∂z^l, l = 1..L.
    template <std::size_t l> constexpr auto& at() noexcept { return detail::record<checked<l>() - 1>(values_).delta; }
    template <std::size_t l> constexpr const auto& at() const noexcept {
        return detail::record<checked<l>() - 1>(values_).delta;
    }

private:
    template <std::size_t l> static constexpr std::size_t checked() noexcept {
        static_assert(check::layer_index<l>::template between_1_and<depth>, NABLA_MESSAGE_LAYER_INDEX);
        return l >= 1 && l <= depth ? l : 1;
    }

    typename detail::delta_storage<N, X, std::make_index_sequence<depth>>::type values_;
};

namespace detail {

// δ^l written over the z^l of a tape whose z is not read again (sgd's fused batch step): a batch's
// δs take no stack of their own (97 KiB for W's 256-wide layers and 32 columns). The tape's z<l>()
// reads δ^l once the pass has run.
template <class Tape> class deltas_over_z {
public:
    using network_type = typename Tape::network_type;
    static constexpr std::size_t depth = Tape::depth;

    template <class L, class Y>
    deltas_over_z(const network_type& net, Tape& tape, L, const Y& y_hat,
                  magnitudes_seen<typename network_type::value_type, depth>& seen) noexcept
        : tape_(tape) {
        backward_pass<L>(net, tape, y_hat, *this, seen);
    }

    template <std::size_t l> auto& at() noexcept { return tape_.template z_storage<l>(); }
    template <std::size_t l> const auto& at() const noexcept { return tape_.template z<l>(); }

private:
    Tape& tape_;
};

} // namespace detail

// The backward pass: δ^l for every layer from the tape of forward(net, x) and the target y_hat.
//   auto delta = nabla::backward(net, tape, nabla::squared_error{}, nabla::vector<float, 1>{1.f});
template <class N, class X, class L, class Y>
constexpr auto backward(const N& net, const forward_tape<N, X>& tape, L loss, const Y& y_hat) noexcept {
    if constexpr (!detail::target_fits<forward_tape<N, X>, L, Y>()) return detail::error_result{};
    else return deltas<N, X>(net, tape, loss, y_hat);
}

} // namespace nabla

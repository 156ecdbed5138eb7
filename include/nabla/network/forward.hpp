// forward(net, x): the forward pass that keeps every z^l and a^l, the tape the backward pass reads.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include <nabla/detail/records.hpp>
#include <nabla/network/network.hpp>
#include <nabla/network/propagate.hpp>

namespace nabla {
namespace detail {

// z^l and a^l, written by the pass before they are read.
template <class Z> struct layer_record {
    constexpr layer_record() noexcept : z(uninitialized), a(uninitialized) {}
    Z z, a;
};

template <class P, class X, class Indices> struct tape_storage;
template <class P, class X, std::size_t... l> struct tape_storage<P, X, std::index_sequence<l...>> {
    using type = record_list<layer_record<column_block<typename P::value_type, P::sizes[l + 1], X>>...>;
};

template <class Tape> class deltas_over_z;

} // namespace detail

// Every z^l (l = 1..L) and a^l (l = 0..L) of one forward pass of network N on input X.
//   auto tape = nabla::forward(net, x);  tape.z<1>(), tape.a<0>() == x, tape.output()
// a⁰ is a copy of x, unless BorrowsInput (internal: a tape that lives only while x does, in a call
// that is given x already as a tensor of input_type; 32 KiB less stack for a batch of W).
template <class N, class X, bool BorrowsInput = false> class forward_tape {
public:
    using network_type = N;
    using input_type = detail::column_block<typename N::value_type, N::input_size, X>;
    using output_type = detail::column_block<typename N::value_type, N::output_size, X>;
    static constexpr std::size_t depth = N::depth;

    template <class Input> constexpr forward_tape(const N& net, const Input& x) noexcept : input_(x) {
        [&]<std::size_t... l>(std::index_sequence<l...>) {
            (record<l + 1>(net), ...);
        }(std::make_index_sequence<depth>{});
    }
    // The same pass, noting the largest |W^l| and |b^l| as it reads them (for the fused training step).
    template <class Input>
    forward_tape(const N& net, const Input& x, detail::magnitudes_seen<typename N::value_type, depth>& seen) noexcept
        : input_(x) {
        [&]<std::size_t... l>(std::index_sequence<l...>) {
            (record<l + 1>(net, seen), ...);
        }(std::make_index_sequence<depth>{});
    }

    // z^l, l = 1..L.
    template <std::size_t l> constexpr const auto& z() const noexcept {
        static_assert(check::layer_index<l>::template between_1_and<depth>, NABLA_MESSAGE_LAYER_INDEX);
        return detail::record<(l >= 1 && l <= depth ? l - 1 : 0)>(layers_).z;
    }
    // a^l, l = 0..L, a⁰ = x.
    template <std::size_t l> constexpr const auto& a() const noexcept {
        static_assert(l <= depth, NABLA_MESSAGE_LAYER_INDEX);
        if constexpr (l == 0) return input_;
        else return detail::record<(l <= depth ? l - 1 : 0)>(layers_).a;
    }
    // y = a^L.
    constexpr const output_type& output() const noexcept { return a<depth>(); }

private:
    template <class> friend class detail::deltas_over_z;
    template <std::size_t l> auto& z_storage() noexcept { return detail::record<l - 1>(layers_).z; }

    template <std::size_t l, class... Seen> constexpr void record(const N& net, Seen&... seen) noexcept {
        auto& entry = detail::record<l - 1>(layers_);
        detail::propagate<l>(net, a<l - 1>(), entry.z, entry.a, seen...);
    }

    std::conditional_t<BorrowsInput, const input_type&, input_type> input_;
    typename detail::tape_storage<N, X, std::make_index_sequence<depth>>::type layers_;
};

// The forward pass of net on x (one sample or a batch), keeping z^l and a^l for every layer.
//   auto tape = nabla::forward(net, x);
template <class N, class X> constexpr auto forward(const N& net, const X& x) noexcept {
    if constexpr (!detail::input_fits<typename N::parameters_type, X>()) return detail::error_result{};
    else return forward_tape<N, detail::column_block<typename N::value_type, N::input_size, X>>(net, x);
}

} // namespace nabla

// loss_value: C at the output of a forward pass, computed from z^L where that keeps it finite.
#pragma once

#include <nabla/losses/loss.hpp>
#include <nabla/network/backward.hpp>
#include <nabla/network/forward.hpp>

namespace nabla {

// C(y, ŷ) for the tape's output y (summed over a batch's samples).
//   float C = nabla::loss_value(tape, nabla::binary_cross_entropy{}, y_hat);
template <class N, class X, class L, class Y>
constexpr auto loss_value(const forward_tape<N, X>& tape, L, const Y& y_hat) noexcept {
    if constexpr (!detail::target_fits<forward_tape<N, X>, L, Y>()) {
        return detail::error_result{};
    } else {
        using sigma = typename N::template layer<N::depth>::activation;
        return detail::output_value<L, sigma>(tape.template z<N::depth>(), tape.output(), y_hat);
    }
}

// C(net(x), ŷ).   double C = nabla::loss_value(net, nabla::squared_error{}, x, y_hat);
// A loss computed from z^L gets it from a pass without a tape, which never forms a^L.
template <class N, class L, class X, class Y>
constexpr auto loss_value(const N& net, [[maybe_unused]] L loss, const X& x, const Y& y_hat) noexcept {
    using sigma = typename N::template layer<N::depth>::activation;
    if constexpr (!detail::input_fits<typename N::parameters_type, X>()) {
        return detail::error_result{};
    } else {
        using T = typename N::value_type;
        using Z = detail::column_block<T, N::output_size, X>;
        if constexpr (!detail::target_fits<forward_tape<N, detail::column_block<T, N::input_size, X>>, L, Y>())
            return detail::error_result{};
        else if constexpr (detail::value_from_logits<L, sigma, Z, Y>)
            return L::template value_from_logits<sigma>(detail::propagate_from<1, true>(net, x), y_hat);
        else
            return loss_value(forward(net, x), loss, y_hat);
    }
}

} // namespace nabla

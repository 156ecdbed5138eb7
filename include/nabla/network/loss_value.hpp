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
template <class N, class L, class X, class Y>
constexpr auto loss_value(const N& net, L loss, const X& x, const Y& y_hat) noexcept {
    const auto tape = forward(net, x);
    if constexpr (std::is_same_v<decltype(tape), const detail::error_result>) return detail::error_result{};
    else return loss_value(tape, loss, y_hat);
}

} // namespace nabla

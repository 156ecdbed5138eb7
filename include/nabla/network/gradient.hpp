// gradient: ∂C/∂W^l = δ^l (a^{l-1})ᵀ and ∂C/∂b^l = δ^l (summed over a batch's samples), shaped like θ.
#pragma once

#include <cstddef>
#include <utility>

#include <nabla/network/backward.hpp>
#include <nabla/network/forward.hpp>

namespace nabla {
namespace detail {

// 1, a column of B ones: δ 1 sums δ's columns, the bias gradient of a batch.
template <class T, std::size_t B> constexpr vector<T, B> ones() noexcept {
    vector<T, B> v;
    for (auto& e : v) e = T(1);
    return v;
}

} // namespace detail

// ∇C(θ) from a tape and its deltas, with the network's accessors: grad.W<l>(), grad.b<l>().
//   auto grad = nabla::gradient(tape, delta);
template <class N, class X>
constexpr typename N::parameters_type gradient(const forward_tape<N, X>& tape, const deltas<N, X>& delta) noexcept {
    typename N::parameters_type grad;
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        // Straight into grad (no alias is possible), each product by its kernel.
        (detail::assign(grad.template W<l + 1>().data(), delta.template at<l + 1>() * transpose(tape.template a<l>())), ...);
        (detail::assign(grad.template b<l + 1>().data(),
                        delta.template at<l + 1>() * detail::ones<typename N::value_type, X::column_count>()),
         ...);
    }(std::make_index_sequence<N::depth>{});
    return grad;
}

namespace detail {

// The forward and the backward pass at (x, y_hat), then f(tape, delta); error_result, and no further
// error, when either pass refuses the shapes.
template <class N, class L, class X, class Y, class F>
constexpr auto with_tape_and_deltas(const N& net, L loss, const X& x, const Y& y_hat, F f) noexcept {
    const auto tape = forward(net, x);
    if constexpr (std::is_same_v<decltype(tape), const error_result>) {
        return error_result{};
    } else {
        const auto delta = backward(net, tape, loss, y_hat);
        if constexpr (std::is_same_v<decltype(delta), const error_result>) return error_result{};
        else return f(tape, delta);
    }
}

} // namespace detail

// forward, backward and gradient in one call: ∇C(θ) at sample (x, y_hat) or summed over a batch.
//   auto grad = nabla::gradient(net, nabla::squared_error{}, x, y_hat);
template <class N, class L, class X, class Y>
constexpr auto gradient(const N& net, L loss, const X& x, const Y& y_hat) noexcept {
    return detail::with_tape_and_deltas(net, loss, x, y_hat,
                                        [](const auto& tape, const auto& delta) { return gradient(tape, delta); });
}

} // namespace nabla

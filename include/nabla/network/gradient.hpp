// gradient: ∂C/∂W^l = δ^l (a^{l-1})ᵀ and ∂C/∂b^l = δ^l (summed over a batch's samples), shaped like θ.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include <nabla/detail/constant_evaluation.hpp>
#include <nabla/network/backward.hpp>
#include <nabla/network/forward.hpp>

NABLA_BEGIN_IF_CONSTEVAL

namespace nabla {
namespace detail {

// δ 1, the sums of δ's rows: a batch's bias gradient (for one sample, δ itself), by the one
// kernel every layer shares (detail::sum_rows).
template <class D> class row_sums {
public:
    static_assert(D::is_leaf, "row sums read a stored δ");
    using value_type = typename D::value_type;
    static constexpr std::size_t row_count = D::row_count, column_count = 1;
    static constexpr bool is_vector = true, is_leaf = false;
    // A batch's sums go to the store a vector at a time (batch_step.hpp's apply_gradient).
    static constexpr bool stores_vectors = D::column_count > 1;

    constexpr explicit row_sums(const D& d) noexcept : operand_(d) {}
    constexpr value_type coefficient(std::size_t i, std::size_t) const noexcept {
        value_type sum{};
        for (std::size_t j = 0; j < D::column_count; ++j) sum += operand_.data()[i * D::column_count + j];
        return sum;
    }
    template <class Store = store_results> constexpr void evaluate_into(value_type* out, Store&& store = {}) const noexcept {
        const value_type* d = operand_.data();
        if constexpr (D::column_count == 1) {
            for (std::size_t i = 0; i < row_count; ++i) store(out + i, d[i]);
        } else if consteval {
            for (std::size_t i = 0; i < row_count; ++i) store(out + i, coefficient(i, 0));
        } else {
            if constexpr (row_count < simd<value_type>::lanes)
                sum_rows<value_type, D::column_count>(out, d, std::integral_constant<std::size_t, row_count>{}, store);
            else sum_rows_out_of_line<value_type, D::column_count>(out, d, row_count, store);
        }
    }

private:
    const D& operand_;
};

// ∂C/∂W^l = δ^l (A^{l-1})ᵀ and ∂C/∂b^l = δ^l 1 as products, handed to f(W's, b's): gradient()
// stores them, sgd's batch step applies them where they land (training/batch_step.hpp).
template <std::size_t l, class Tape, class Deltas, class F>
constexpr void layer_gradient(const Tape& tape, const Deltas& delta, F&& f) noexcept {
    f(delta.template at<l>() * transpose(tape.template a<l - 1>()), row_sums(delta.template at<l>()));
}

// Every layer's ∂C/∂W^l and ∂C/∂b^l straight into grad (no alias is possible), each product by its
// kernel, each result handed to store: stored (gradient) or added (add_gradient).
template <class Tape, class Deltas, class Store>
constexpr void gradient_into(typename Tape::network_type::parameters_type& grad, const Tape& tape, const Deltas& delta,
                             Store store) noexcept {
    using N = typename Tape::network_type;
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        (layer_gradient<l + 1>(tape, delta,
                               [&](const auto& W, const auto& b) {
                                   W.evaluate_into(grad.template W<l + 1>().data(), store);
                                   b.evaluate_into(grad.template b<l + 1>().data(), store);
                               }),
         ...);
    }(std::make_index_sequence<N::depth>{});
}

} // namespace detail

// ∇C(θ) from a tape and its deltas, with the network's accessors: grad.W<l>(), grad.b<l>().
//   auto grad = nabla::gradient(tape, delta);
template <class N, class X>
constexpr typename N::parameters_type gradient(const forward_tape<N, X>& tape, const deltas<N, X>& delta) noexcept {
    typename N::parameters_type grad;
    detail::gradient_into(grad, tape, delta, detail::store_results{});
    return grad;
}

namespace detail {

// The forward pass at x (noting the parameters' magnitudes in seen, if given), then f(tape), once
// loss and y_hat are known to suit it; error_result, and no further error, when the shapes are refused.
// With Borrow, a tape that reads x in place where x is already a tensor of the tape's input_type.
template <bool Borrow = false, class N, class L, class X, class Y, class F, class... Seen>
constexpr auto with_tape(const N& net, L, const X& x, const Y&, F f, Seen&... seen) noexcept {
    if constexpr (!input_fits<typename N::parameters_type, X>()) {
        return error_result{};
    } else {
        using Input = column_block<typename N::value_type, N::input_size, X>;
        using Tape = forward_tape<N, Input, Borrow && std::is_same_v<X, Input>>;
        Tape tape(net, x, seen...);
        if constexpr (!target_fits<Tape, L, Y>()) return error_result{};
        else return f(tape);
    }
}

} // namespace detail

// forward, backward and gradient in one call: ∇C(θ) at sample (x, y_hat) or summed over a batch.
//   auto grad = nabla::gradient(net, nabla::squared_error{}, x, y_hat);
template <class N, class L, class X, class Y>
constexpr auto gradient(const N& net, L loss, const X& x, const Y& y_hat) noexcept {
    return detail::with_tape(net, loss, x, y_hat,
                             [&](const auto& tape) { return gradient(tape, backward(net, tape, loss, y_hat)); });
}

namespace detail {

// total += ∇C at (x, y_hat), over the first `used` columns of a batch: each gradient product adds
// into total as it is formed, so that a sum over a minibatch's parts needs no gradient-sized
// temporary, and its passes are compiled once. A column past `used` gets δ^l = 0 in every layer, so
// its share of every product, δ^l (a^{l-1})ᵀ, is an exact zero (its a^{l-1} being finite when it
// repeats a counted sample): a short last batch runs the batch's passes instead of compiling the
// one-sample passes too.
template <class N, class L, class X, class Y>
constexpr void add_gradient(typename N::parameters_type& total, const N& net, L loss, const X& x, const Y& y_hat,
                            std::size_t used = X::column_count) noexcept {
    with_tape(net, loss, x, y_hat, [&](const auto& tape) {
        auto delta = backward(net, tape, loss, y_hat);
        constexpr std::size_t C = X::column_count;
        if (used < C) {
            [&]<std::size_t... l>(std::index_sequence<l...>) {
                const auto clear = [&](auto& d) {
                    for (std::size_t i = 0; i < d.row_count; ++i)
                        for (std::size_t j = used; j < C; ++j) d.data()[i * C + j] = 0;
                };
                (clear(delta.template at<l + 1>()), ...);
            }(std::make_index_sequence<N::depth>{});
        }
        gradient_into(total, tape, delta, add_results{});
    });
}

} // namespace detail

} // namespace nabla

NABLA_END_IF_CONSTEVAL

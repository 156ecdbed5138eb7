// network<T, input<n_0>, dense<n_1, σ_1>, …, dense<n_L, σ_L>>: a topology as a type, its parameters
// on the stack, and the forward pass y = σ_L(W^L … σ_1(W¹x + b¹) … + b^L) unrolled at compile time.
#pragma once

#include <cstddef>

#include <nabla/network/parameters.hpp>
#include <nabla/network/propagate.hpp>

namespace nabla {

// A feed-forward network. Default-constructed to zero parameters; copyable, comparable with ==;
// its tensors of whole cache lines start on one (detail/assign.hpp), so sizeof(network) is the
// size of its parameters and that alignment's padding.
//   using net_t = nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::sigmoid>,
//                                nabla::dense<1, nabla::sigmoid>>;
//   net_t net;  nabla::vector<float, 1> y = net(nabla::vector<float, 2>{0.f, 1.f});
template <class T, class Input, class... Layers> class network : public parameters<T, Input, Layers...> {
public:
    using parameters_type = parameters<T, Input, Layers...>;

    // The forward pass: a^L for x = a⁰, one sample (vector<T, n_0>) or a batch (matrix<T, n_0, B>).
    // One recursion step per layer, resolved at compile time: no loop over layers, no virtual call.
    template <class X> constexpr auto operator()(const X& x) const noexcept {
        if constexpr (!detail::input_fits<parameters_type, X>()) return detail::error_result{};
        else return detail::propagate_from<1>(*this, x);
    }
};

} // namespace nabla

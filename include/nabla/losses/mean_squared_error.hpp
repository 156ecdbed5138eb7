// mean_squared_error: the square error averaged over the output's n_L components.
#pragma once

#include <cstddef>

#include <nabla/losses/squared_error.hpp>

namespace nabla {

// C(y, ŷ) = (1/n_L) Σ_k (y_k - ŷ_k)² per sample, ∇C(y) = (2/n_L)(y - ŷ); summed over a batch's columns.
//   nabla::loss_value(net, nabla::mean_squared_error{}, x, y_hat)
struct mean_squared_error final {
    template <class A> static constexpr bool accepts_output = true;

    template <class Y, class H> static constexpr typename Y::value_type value(const Y& y, const H& y_hat) noexcept {
        return squared_error::value(y, y_hat) / static_cast<typename Y::value_type>(Y::row_count);
    }
    template <class Y, class H> static constexpr Y gradient(const Y& y, const H& y_hat) noexcept {
        Y g = squared_error::gradient(y, y_hat);
        for (auto& v : g) v /= static_cast<typename Y::value_type>(Y::row_count);
        return g;
    }
};

} // namespace nabla

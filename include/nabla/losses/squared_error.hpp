// squared_error: the lecture's loss, C = Σ_k (y_k - ŷ_k)², with no ½.
#pragma once

#include <cstddef>

namespace nabla {

// C(y, ŷ) = Σ_k (y_k - ŷ_k)², ∇C(y) = 2 (y - ŷ); summed over the columns of a batch.
//   nabla::gradient(net, nabla::squared_error{}, x, y_hat)
struct squared_error final {
    template <class A> static constexpr bool accepts_output = true;

    template <class Y, class H> static constexpr typename Y::value_type value(const Y& y, const H& y_hat) noexcept {
        typename Y::value_type sum{};
        for (std::size_t k = 0; k < Y::size(); ++k) {
            const auto d = y.data()[k] - y_hat.data()[k];
            sum += d * d;
        }
        return sum;
    }
    template <class Y, class H> static constexpr Y gradient(const Y& y, const H& y_hat) noexcept {
        Y g;
        for (std::size_t k = 0; k < Y::size(); ++k) g.data()[k] = 2 * (y.data()[k] - y_hat.data()[k]);
        return g;
    }
};

} // namespace nabla

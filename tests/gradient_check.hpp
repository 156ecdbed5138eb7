// The finite-difference gradient check, written once and run for every activation, loss and depth.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "testing.hpp"

namespace testing {

// Every parameter in order W¹, b¹, W², …, as a flat list of references.
template <class P> auto flatten(P& theta) {
    std::vector<typename std::remove_cvref_t<P>::value_type*> out;
    for_each_layer(theta, [&](auto& W, auto& b) {
        for (auto& w : W) out.push_back(&w);
        for (auto& v : b) out.push_back(&v);
    });
    return out;
}

template <class Loss, class Tensor> void fill_target(Tensor& y_hat, random_source& random) {
    if constexpr (std::is_same_v<Loss, nabla::cross_entropy>) {
        // A probability distribution, not only one-hot: the fused delta must be exact for any target.
        double total = 0;
        for (auto& v : y_hat) total += (v = static_cast<typename Tensor::value_type>(random.uniform(0, 1)));
        for (auto& v : y_hat) v /= static_cast<typename Tensor::value_type>(total);
    } else if constexpr (std::is_same_v<Loss, nabla::binary_cross_entropy>) {
        fill(y_hat, random, 0, 1);
    } else {
        fill(y_hat, random, -1, 1);
    }
}

// ∂C/∂θ_i from nabla::gradient against (C(θ + h e_i) - C(θ - h e_i)) / 2h, in double; then the same
// network in float agrees with double to float precision.
template <class Hidden, class Output, class Loss, std::size_t... Sizes> void check_against_finite_differences(std::uint64_t seed) {
    constexpr std::size_t n[] = {Sizes...};
    constexpr std::size_t L = sizeof...(Sizes) - 1;
    using double_net = decltype([]<std::size_t... l>(std::index_sequence<l...>) {
        return nabla::network<double, nabla::input<n[0]>,
                              nabla::dense<n[l + 1], std::conditional_t<l + 1 == L, Output, Hidden>>...>{};
    }(std::make_index_sequence<L>{}));
    using float_net = decltype([]<std::size_t... l>(std::index_sequence<l...>) {
        return nabla::network<float, nabla::input<n[0]>,
                              nabla::dense<n[l + 1], std::conditional_t<l + 1 == L, Output, Hidden>>...>{};
    }(std::make_index_sequence<L>{}));

    double_net net;
    randomize(net, seed);
    random_source random{seed ^ 0x5eedULL};
    nabla::vector<double, n[0]> x;
    fill(x, random, -2, 2);
    nabla::vector<double, n[L]> y_hat;
    fill_target<Loss>(y_hat, random);

    auto grad = nabla::gradient(net, Loss{}, x, y_hat);
    const auto analytic = flatten(grad);
    const auto parameters = flatten(net);
    REQUIRE(analytic.size() == double_net::parameter_count);
    // Richardson's extrapolation of two central differences cancels the h² error term, so the
    // reference is accurate to about 1e-12 relative; its rounding error grows with |C|.
    const double h = 1e-4;
    const double C = nabla::loss_value(net, Loss{}, x, y_hat);
    double largest = 0;
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        const double saved = *parameters[i];
        const auto difference = [&](double step) {
            *parameters[i] = saved + step;
            const double up = nabla::loss_value(net, Loss{}, x, y_hat);
            *parameters[i] = saved - step;
            const double down = nabla::loss_value(net, Loss{}, x, y_hat);
            *parameters[i] = saved;
            return (up - down) / (2 * step);
        };
        const double numeric = (4 * difference(h / 2) - difference(h)) / 3;
        INFO("parameter " << i << " of " << parameters.size() << ": analytic " << *analytic[i] << ", numeric " << numeric);
        CHECK(close(*analytic[i], numeric, 1e-6, 1e-9 * (1 + std::abs(C))));
        largest = std::max(largest, std::abs(*analytic[i]));
    }

    float_net net_f;
    auto theta_f = flatten(net_f);
    for (std::size_t i = 0; i < parameters.size(); ++i) *theta_f[i] = static_cast<float>(*parameters[i]);
    nabla::vector<float, n[0]> x_f;
    nabla::vector<float, n[L]> y_hat_f;
    for (std::size_t k = 0; k < n[0]; ++k) x_f[k] = static_cast<float>(x[k]);
    for (std::size_t k = 0; k < n[L]; ++k) y_hat_f[k] = static_cast<float>(y_hat[k]);
    auto grad_f = nabla::gradient(net_f, Loss{}, x_f, y_hat_f);
    const auto analytic_f = flatten(grad_f);
    for (std::size_t i = 0; i < analytic.size(); ++i) {
        INFO("parameter " << i << ": float " << *analytic_f[i] << ", double " << *analytic[i]);
        CHECK(close(static_cast<double>(*analytic_f[i]), *analytic[i], 1e-3, 1e-5 * (1 + largest)));
    }
}

// One network per depth, 1 to 5, widths from 1 to 32.
template <class Hidden, class Output, class Loss> void check_depths(std::uint64_t seed) {
    check_against_finite_differences<Hidden, Output, Loss, 3, 2>(seed);
    check_against_finite_differences<Hidden, Output, Loss, 4, 8, 3>(seed + 1);
    check_against_finite_differences<Hidden, Output, Loss, 5, 32, 1>(seed + 2);
    check_against_finite_differences<Hidden, Output, Loss, 2, 7, 5, 3>(seed + 3);
    check_against_finite_differences<Hidden, Output, Loss, 1, 6, 16, 9, 4>(seed + 4);
    check_against_finite_differences<Hidden, Output, Loss, 3, 4, 12, 5, 3, 2>(seed + 5);
}

} // namespace testing

// optimizer<net_t, Method>: one update θ ← update(θ, ∇C) at a time, with the method's state
// (velocity, moments) fixed-size beside it; never applies a step that would leave θ non-finite.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <nabla/detail/bytes.hpp>
#include <nabla/detail/math.hpp>

namespace nabla {

// What one step did: whether it was applied, and the largest |Δθ| it made.
struct step_result {
    bool applied = true;
    double largest_change = 0;
};

namespace detail {

// Calls f(a, b, c...) on the matching tensors (W¹, b¹, W², …) of several parameter sets.
template <class F, class P, class... Q> constexpr void zip_tensors(F&& f, P& first, Q&... rest) noexcept {
    const auto layer = [&]<std::size_t l>(std::integral_constant<std::size_t, l>) {
        f(first.template W<l>(), rest.template W<l>()...);
        f(first.template b<l>(), rest.template b<l>()...);
    };
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        (layer(std::integral_constant<std::size_t, l + 1>{}), ...);
    }(std::make_index_sequence<P::depth>{});
}

} // namespace detail

// Applies Method's update to a network, step by step.
//   nabla::optimizer<net_t, nabla::adam> opt{nabla::adam{.learning_rate = 1e-3}};
//   opt.step(net, nabla::gradient(net, nabla::squared_error{}, x, y_hat));
template <class N, class Method> class optimizer {
public:
    using parameters_type = typename N::parameters_type;
    using value_type = typename N::value_type;

    constexpr explicit optimizer(Method method = {}) noexcept : method_(method) {}

    // θ ← update(θ, scale · grad). If any new parameter or state would be infinite or NaN, nothing
    // changes and the result says so.
    constexpr step_result step(parameters_type& net, const parameters_type& grad, value_type scale = 1) noexcept {
        const std::size_t t = steps_ + 1;
        const double beta1_t = power1_ * beta(0), beta2_t = power2_ * beta(1);
        const typename Method::template rule<value_type> rule(method_, t, beta1_t, beta2_t);
        // Two passes with the same arithmetic: the first only looks, so a refused step leaves no trace.
        if (!sweep<false>(net, grad, scale, rule).finite) return {false, 0};
        const auto written = sweep<true>(net, grad, scale, rule);
        steps_ = t;
        power1_ = beta1_t;
        power2_ = beta2_t;
        return {true, static_cast<double>(std::bit_cast<value_type>(written.largest))};
    }
    constexpr step_result step(N& net, const parameters_type& grad, value_type scale = 1) noexcept {
        return step(static_cast<parameters_type&>(net), grad, scale);
    }

    constexpr std::size_t steps() const noexcept { return steps_; }
    constexpr const Method& method() const noexcept { return method_; }

private:
    constexpr double beta(int which) const noexcept {
        if constexpr (requires { method_.beta1; }) return which == 0 ? method_.beta1 : method_.beta2;
        else return 1;
    }

    using bits = detail::bits_of<value_type>;
    // The exponent field of an IEEE float or double.
    static constexpr bits exponent = sizeof(value_type) == 4 ? bits{0x7f800000u} : static_cast<bits>(0x7ff0000000000000ull);
    struct sweep_result {
        bool finite = true;
        bits largest = 0; // of |Δθ|, as bits: for non-negative floats their order is the values'
    };

    // Computes every new parameter and state value; Write stores them and tracks the largest
    // change, otherwise only finiteness is checked. Each tensor is one flat loop with its own
    // accumulators, branch-free, so that it vectorises.
    template <bool Write, class Rule>
    constexpr sweep_result sweep(parameters_type& net, const parameters_type& grad, value_type scale, const Rule& rule) noexcept {
        sweep_result result;
        [&]<std::size_t... k>(std::index_sequence<k...>) {
            detail::zip_tensors(
                [&](auto& theta, const auto& g, auto&... state) {
                    value_type* t = theta.data();
                    const value_type* d = g.data();
                    bits non_finite = 0; // non-zero once a value's exponent bits are all ones (inf, NaN)
                    bits largest = 0;
                    for (std::size_t i = 0; i < theta.size(); ++i) {
                        value_type s[Method::state_count + 1] = {state.data()[i]...};
                        const value_type next = rule(t[i], scale * d[i], s);
                        if constexpr (Write) {
                            const bits change = std::bit_cast<bits>(next > t[i] ? next - t[i] : t[i] - next);
                            largest = change > largest ? change : largest;
                            t[i] = next;
                            ((state.data()[i] = s[k]), ...);
                        } else {
                            non_finite |= static_cast<bits>((std::bit_cast<bits>(next) & exponent) == exponent);
                            ((non_finite |= static_cast<bits>((std::bit_cast<bits>(s[k]) & exponent) == exponent)), ...);
                        }
                    }
                    result.finite &= non_finite == 0;
                    result.largest = largest > result.largest ? largest : result.largest;
                },
                net, grad, state_[k]...);
        }(std::make_index_sequence<Method::state_count>{});
        return result;
    }

    Method method_;
    std::array<parameters_type, Method::state_count> state_{};
    std::size_t steps_ = 0;
    double power1_ = 1, power2_ = 1;
};

} // namespace nabla

// What an activation σ is, and the two generic steps every layer uses: a = σ(z) and
// delta = σ'(z) ⊙ g (for softmax, whose Jacobian is not diagonal, delta = J(z)^T g).
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

#include <nabla/detail/approximations.hpp>
#include <nabla/detail/constant_evaluation.hpp>
#include <nabla/detail/vector_unit.hpp>

NABLA_BEGIN_IF_CONSTEVAL

namespace nabla {

// An element-wise activation: σ(z) and σ'(z), the latter given both z and a = σ(z) so that each
// activation uses whichever is cheaper and stable.
template <class A>
concept ElementwiseActivation = requires(double z) {
    { A::function(z) } -> std::same_as<double>;
    { A::derivative(z, z) } -> std::same_as<double>;
};

// An activation that maps a whole column at once (softmax).
template <class A>
concept ColumnActivation = requires { A::is_column_activation; };

template <class A>
concept Activation = ElementwiseActivation<A> || ColumnActivation<A>;

namespace detail {

template <class A> constexpr bool output_layer_only() noexcept {
    if constexpr (requires { A::output_layer_only; }) return A::output_layer_only;
    else return false;
}

// Below this many values (a narrow layer, one sample) there is no loop worth vectorising, and an
// activation may offer a form tuned for values computed alone: A::function(z, lone_value{}), and
// for up to four float values, the same on the lanes of one register: A::function(v, four_lanes{}).
inline constexpr std::size_t lone_width = 4;
template <class A, class T, std::size_t n>
concept lane_values = std::is_same_v<T, float> && n > 1 && n <= 4 && requires(four_floats v) {
    { A::function(v, four_lanes{}) } -> std::same_as<four_floats>;
};

// a = σ(z), for a column or a batch of columns. Chained: the pass is a link in a chain of
// dependent steps (training: each step reads the parameters the last one wrote), so a narrow
// layer takes the lone form, whose latency is shortest; otherwise the four-lane form, whose
// instructions are fewest (packing z into the register and a out of it adds a few cycles to the
// chain: T's training step 45.7 → 48.2 ns with it, its forward pass 16.4 → 11.9 ns).
template <Activation A, bool Chained = false, class Z, class Out> constexpr void activate(const Z& z, Out& a) noexcept {
    using T = typename Z::value_type;
    if constexpr (!Chained && lane_values<A, T, Z::size()>) {
        if !consteval {
            four_floats lanes{};
            for (std::size_t k = 0; k < Z::size(); ++k) {
                float value = z.data()[k];
                in_register(value);
                lanes[k] = value;
            }
            lanes = A::function(lanes, four_lanes{});
            for (std::size_t k = 0; k < Z::size(); ++k) a.data()[k] = lanes[k];
            return;
        }
    }
    if constexpr (ElementwiseActivation<A> && Z::size() < lone_width && requires(T v) { A::function(v, lone_value{}); }) {
        for (std::size_t k = 0; k < Z::size(); ++k) a.data()[k] = A::function(z.data()[k], lone_value{});
    } else if constexpr (ElementwiseActivation<A>) {
        each_index<T, Z::size()>([&](std::size_t k) { a.data()[k] = A::function(z.data()[k]); });
    } else {
        A::apply(z, a);
    }
}

// delta = J_σ(z)^T g: σ'(z) ⊙ g for element-wise activations. g may be delta itself (the backward
// pass scales (W^{l+1})ᵀ δ^{l+1} in place): each coefficient of g is read before the coefficient of
// delta it gives is written, here and in softmax's column form.
template <Activation A, class Z, class G, class Out>
constexpr void backpropagate(const Z& z, const Z& a, const G& g, Out& delta) noexcept {
    if constexpr (ElementwiseActivation<A>) {
        for (std::size_t k = 0; k < Z::size(); ++k)
            delta.data()[k] = A::derivative(z.data()[k], a.data()[k]) * g.data()[k];
    } else {
        A::backpropagate(z, a, g, delta);
    }
}

} // namespace detail
} // namespace nabla

NABLA_END_IF_CONSTEVAL

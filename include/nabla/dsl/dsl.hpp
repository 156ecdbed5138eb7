// The formula form of a topology: y = σ(W^L … σ(W¹ x + b¹) … + b^L) written as nested calls,
// dsl::sigmoid(dsl::affine<1>(dsl::sigmoid(dsl::affine<3>(dsl::input<2>)))), whose type
// network_of turns into the same flat network<T, input<…>, dense<…>…> as the layer list.
#pragma once

#include <cstddef>
#include <type_traits>

#include <nabla/activations/identity.hpp>
#include <nabla/activations/fast_sigmoid.hpp>
#include <nabla/activations/fast_tanh.hpp>
#include <nabla/activations/leaky_relu.hpp>
#include <nabla/activations/relu.hpp>
#include <nabla/activations/sigmoid.hpp>
#include <nabla/activations/softmax.hpp>
#include <nabla/activations/tanh.hpp>
#include <nabla/diagnostics.hpp>
#include <nabla/layers/dense.hpp>
#include <nabla/layers/input.hpp>
#include <nabla/network/network.hpp>

namespace nabla {
namespace dsl {

// x ∈ R^N, where every formula starts.
template <std::size_t N> struct input_term final {
    static constexpr bool is_affine_term = false;
};
// W e + b with fresh parameters W (N × size(e)) and b (N).
template <std::size_t N, class E> struct affine_term final {
    static constexpr bool is_affine_term = true;
};
// σ(e), applied to an affine map.
template <class Activation, class E> struct activation_term final {
    static constexpr bool is_affine_term = false;
};

template <class E> struct is_term : std::false_type {};
template <std::size_t N> struct is_term<input_term<N>> : std::true_type {};
template <std::size_t N, class E> struct is_term<affine_term<N, E>> : std::true_type {};
template <class A, class E> struct is_term<activation_term<A, E>> : std::true_type {};

// A formula built from dsl::input.
template <class E>
concept Formula = is_term<E>::value;

// x = dsl::input<2>
template <std::size_t N> inline constexpr input_term<N> input{};

// dsl::affine<3>(x): W¹ x + b¹.
template <std::size_t N, class E> constexpr auto affine(E) noexcept {
    if constexpr (std::is_same_v<E, nabla::detail::error_result>) {
        return E{}; // an inner term's check has spoken
    } else if constexpr (!Formula<E>) {
        static_assert(check::formula<E>::starts_from_input, NABLA_MESSAGE_FORMULA_START);
        return nabla::detail::error_result{};
    } else if constexpr (N == 0) {
        static_assert(check::affine_size<N>::is_positive, NABLA_MESSAGE_AFFINE_SIZE);
        return nabla::detail::error_result{};
    } else {
        return affine_term<N, E>{};
    }
}

namespace detail {
template <class A, class E> constexpr auto activate(E) noexcept {
    if constexpr (std::is_same_v<E, nabla::detail::error_result>) {
        return E{};
    } else if constexpr (!Formula<E>) {
        static_assert(check::formula<E>::starts_from_input, NABLA_MESSAGE_FORMULA_START);
        return nabla::detail::error_result{};
    } else if constexpr (!E::is_affine_term) {
        static_assert(check::activation_argument<A>::template is_affine<E>, NABLA_MESSAGE_ACTIVATION_ARGUMENT);
        return nabla::detail::error_result{};
    } else {
        return activation_term<A, E>{};
    }
}
} // namespace detail

// σ(e) for each activation: dsl::sigmoid(dsl::affine<3>(x)).
template <class E> constexpr auto identity(E e) noexcept { return detail::activate<nabla::identity>(e); }
template <class E> constexpr auto sigmoid(E e) noexcept { return detail::activate<nabla::sigmoid>(e); }
template <class E> constexpr auto fast_sigmoid(E e) noexcept { return detail::activate<nabla::fast_sigmoid>(e); }
template <class E> constexpr auto fast_tanh(E e) noexcept { return detail::activate<nabla::fast_tanh>(e); }
template <class E> constexpr auto tanh(E e) noexcept { return detail::activate<nabla::tanh>(e); }
template <class E> constexpr auto relu(E e) noexcept { return detail::activate<nabla::relu>(e); }
template <class E> constexpr auto leaky_relu(E e) noexcept { return detail::activate<nabla::leaky_relu>(e); }
template <class E> constexpr auto softmax(E e) noexcept { return detail::activate<nabla::softmax>(e); }

} // namespace dsl

namespace detail {

// Flattens a formula into network<T, input<n_0>, dense<n_1, σ_1>, …>, innermost layer first.
template <class T, class E, class... Outer> struct flatten_formula;
template <class T, std::size_t N, class... Layers> struct flatten_formula<T, dsl::input_term<N>, Layers...> {
    using type = network<T, input<N>, Layers...>;
};
template <class T, class A, std::size_t N, class E, class... Layers>
struct flatten_formula<T, dsl::activation_term<A, dsl::affine_term<N, E>>, Layers...>
    : flatten_formula<T, E, dense<N, A>, Layers...> {};
// An affine map with no activation after it is an identity-activated dense layer.
template <class T, std::size_t N, class E, class... Layers>
struct flatten_formula<T, dsl::affine_term<N, E>, Layers...> : flatten_formula<T, E, dense<N, identity>, Layers...> {};

template <class T, class E> struct network_of {
    static_assert(check::formula<E>::starts_from_input, NABLA_MESSAGE_FORMULA_START);
    using type = error_result;
};
template <class T, class E>
    requires dsl::Formula<E>
struct network_of<T, E> : flatten_formula<T, E> {};
// The formula's own check has spoken.
template <class T> struct network_of<T, error_result> {
    using type = error_result;
};

} // namespace detail

// The network type of a formula.   using net_t = nabla::network_of<float, decltype(y)>;
template <class T, class E> using network_of = typename detail::network_of<T, std::remove_cvref_t<E>>::type;

} // namespace nabla

// parameters<T, input<n_0>, Layers...>: θ = {W¹, b¹, …, W^L, b^L} of a topology, on the stack.
// It is the storage of a network and the type of its gradient.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

// hana::basic_tuple, not hana::tuple: the layers need storage and at_c, none of tuple's algorithms,
// and tuple's header and <tuple> cost every unit that includes nabla 2 % of its compile time.
#include <boost/hana/basic_tuple.hpp>

#include <nabla/activations/activation.hpp>
#include <nabla/activations/identity.hpp>
#include <nabla/diagnostics.hpp>
#include <nabla/layers/dense.hpp>
#include <nabla/layers/input.hpp>

namespace nabla {
namespace detail {

template <class T, auto Sizes, class Indices> struct dense_parameter_tuple;
template <class T, auto Sizes, std::size_t... I> struct dense_parameter_tuple<T, Sizes, std::index_sequence<I...>> {
    using type = boost::hana::basic_tuple<dense_parameters<T, Sizes[I + 1], Sizes[I]>...>;
};

// The first index whose entry fails Good, or Sizes.size() if none does.
template <class E, std::size_t N, class Good> constexpr std::size_t first_failing(const std::array<E, N>& v, Good good) {
    for (std::size_t k = 0; k < N; ++k)
        if (!good(v[k], k)) return k;
    return N;
}

} // namespace detail

template <class T, class Input, class... Layers> class parameters {
    static_assert(sizeof(Input) == 0, "nabla::network<T, input<N>, dense<...>...>: the first layer must be nabla::input<N>");
};

template <class T, std::size_t N0, class... Layers> class parameters<T, input<N0>, Layers...> {
public:
    using value_type = T;
    // L, the number of layers with parameters; layers are numbered 1..L as in the math.
    static constexpr std::size_t depth = sizeof...(Layers);
    // n_0, n_1, …, n_L.
    static constexpr std::array<std::size_t, depth + 1> sizes{N0, Layers::size...};
    static constexpr std::size_t input_size = N0;
    static constexpr std::size_t output_size = sizes[depth];
    // Σ_l n_l (n_{l-1} + 1): every weight and bias.
    static constexpr std::size_t parameter_count = [] {
        std::size_t count = 0;
        for (std::size_t l = 1; l <= depth; ++l) count += sizes[l] * (sizes[l - 1] + 1);
        return count;
    }();

    // The l-th layer's type (dense<n_l, σ>), l = 1..L.
    template <std::size_t l>
    using layer = std::remove_cvref_t<decltype(boost::hana::at_c<l - 1>(std::declval<const boost::hana::basic_tuple<Layers...>&>()))>;

private:
    static_assert(depth > 0, "nabla::network<T, input<N>, dense<...>...> needs at least one dense layer");
    static constexpr std::size_t empty_layer = detail::first_failing(sizes, [](std::size_t n, std::size_t) { return n > 0; });
    static_assert(check::layer<empty_layer>::template size_is_positive<sizes[empty_layer <= depth ? empty_layer : 0]>,
                  NABLA_MESSAGE_LAYER_SIZE);
    static constexpr std::array<bool, depth + 1> output_only{false, detail::output_layer_only<typename Layers::activation>()...};
    static constexpr std::size_t misplaced = detail::first_failing(
        output_only, [](bool only_output, std::size_t l) { return !only_output || l == depth; });
    using misplaced_activation = typename std::conditional_t<(misplaced <= depth), layer<(misplaced <= depth ? misplaced : 1)>,
                                                              dense<1, identity>>::activation;
    static_assert(check::hidden_layer<misplaced>::template accepts<misplaced_activation>, NABLA_MESSAGE_HIDDEN_ACTIVATION);

public:
    static constexpr bool well_formed = empty_layer > depth && misplaced > depth;

    constexpr parameters() noexcept = default;

    // W^l, an n_l × n_{l-1} matrix, l = 1..L.   net.W<1>() = {{0.1f, 0.2f}, {0.3f, 0.4f}, {0.5f, 0.6f}};
    template <std::size_t l> constexpr decltype(auto) W() noexcept { return layer_at<l, true>(*this); }
    template <std::size_t l> constexpr decltype(auto) W() const noexcept { return layer_at<l, true>(*this); }
    // b^l, an n_l vector, l = 1..L.   net.b<2>() = {0.5f};
    template <std::size_t l> constexpr decltype(auto) b() noexcept { return layer_at<l, false>(*this); }
    template <std::size_t l> constexpr decltype(auto) b() const noexcept { return layer_at<l, false>(*this); }

    friend constexpr bool operator==(const parameters& l, const parameters& r) noexcept {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return ((boost::hana::at_c<I>(l.layers_) == boost::hana::at_c<I>(r.layers_)) && ...);
        }(std::make_index_sequence<well_formed ? depth : 0>{});
    }

private:
    template <std::size_t l, bool Weights, class Self> static constexpr decltype(auto) layer_at(Self& self) noexcept {
        if constexpr (!well_formed) {
            return detail::error_result{}; // the topology's own check has spoken
        } else if constexpr (l < 1 || l > depth) {
            static_assert(check::layer_index<l>::template between_1_and<depth>, NABLA_MESSAGE_LAYER_INDEX);
            return detail::error_result{};
        } else if constexpr (Weights) {
            return (boost::hana::at_c<l - 1>(self.layers_).W);
        } else {
            return (boost::hana::at_c<l - 1>(self.layers_).b);
        }
    }

    using storage = std::conditional_t<well_formed,
        typename detail::dense_parameter_tuple<T, sizes, std::make_index_sequence<depth>>::type, boost::hana::basic_tuple<>>;
    storage layers_{};
};

} // namespace nabla

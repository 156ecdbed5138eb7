// input<N>: the first entry of a topology, a⁰ = x with N components.
#pragma once

#include <cstddef>

namespace nabla {

// The network's input layer, a⁰ = x ∈ R^N.   nabla::network<float, nabla::input<2>, ...>
template <std::size_t N> struct input final {
    static constexpr std::size_t size = N;
};

} // namespace nabla

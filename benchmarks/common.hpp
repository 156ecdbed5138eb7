// What the hand-written code (handwritten.hpp) shares with the other benchmarks without including
// nabla, so that a unit of hand-written training alone can be compiled and timed
// (scripts/compile_cost.py): the activations' names, the minibatch's size, and the declaration of
// the shared weights.
#pragma once

#include <cstddef>

namespace bench {

enum class act { sigmoid, tanh, relu, identity, softmax };

inline constexpr std::size_t batch = 32;

// A benchmark network's weights, as nabla holds them (defined in networks.hpp).
template <class Net> const typename Net::net& weights();

} // namespace bench

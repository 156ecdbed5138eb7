// sample<net_t>: one training pair {x, ŷ}, shaped by the network.
#pragma once

#include <nabla/tensor/vector.hpp>

namespace nabla {

// An input x and its target ŷ (.y).   nabla::sample<net_t> s{{0, 1}, {1}};
template <class N> struct sample {
    vector<typename N::value_type, N::input_size> x;
    vector<typename N::value_type, N::output_size> y;
};

} // namespace nabla

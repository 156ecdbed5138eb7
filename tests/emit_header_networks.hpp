// The networks the emit_header round trip writes out at build time and checks in the test.
#pragma once

#include <ratio>

#include <nabla/io/emit_header.hpp>
#include <nabla/nabla.hpp>

namespace emitted {

using digits_t = nabla::network<float, nabla::input<64>, nabla::dense<32, nabla::sigmoid>, nabla::dense<10, nabla::softmax>>;
using mixed_t = nabla::network<double, nabla::input<3>, nabla::dense<5, nabla::leaky_relu_with<std::ratio<1, 5>>>,
                               nabla::dense<4, nabla::tanh>, nabla::dense<2, nabla::identity>>;

template <class N> N make(std::uint64_t seed) {
    N net;
    nabla::initialize(net, nabla::init::normal{0, 2}, seed);
    return net;
}

} // namespace emitted

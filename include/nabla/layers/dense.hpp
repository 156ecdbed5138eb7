// dense<N, σ>: a fully connected layer, z^l = W^l a^{l-1} + b^l, a^l = σ(z^l), with n_l = N.
#pragma once

#include <cstddef>

#include <nabla/activations/activation.hpp>
#include <nabla/tensor/matrix.hpp>
#include <nabla/tensor/vector.hpp>

namespace nabla {

// A fully connected layer of N neurons; its input size is the size of the layer before it.
//   nabla::dense<3, nabla::sigmoid>
template <std::size_t N, Activation A> struct dense final {
    static constexpr std::size_t size = N;
    using activation = A;
};

// The parameters θ^l = {W^l, b^l} of one dense layer with In inputs and Out neurons.
template <class T, std::size_t Out, std::size_t In> struct dense_parameters {
    matrix<T, Out, In> W;
    vector<T, Out> b;
    friend constexpr bool operator==(const dense_parameters&, const dense_parameters&) noexcept = default;
};

} // namespace nabla

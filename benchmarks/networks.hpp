// The four networks every implementation is measured on, their FLOP counts, and the weights and
// data they all share (the same numbers, from nabla::initialize, copied into each library).
#pragma once

#include <array>
#include <cstddef>
#include <string>

#include <nabla/nabla.hpp>

#include "common.hpp"

namespace bench {

// The shapes of common.hpp with nabla's network type and the loss: square error for T and S,
// cross-entropy for M and W.
struct T : shape::T {
    using net = nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<1, nabla::sigmoid>>;
    using loss = nabla::squared_error;
};
struct S : shape::S {
    using net = nabla::network<float, nabla::input<8>, nabla::dense<16, nabla::tanh>, nabla::dense<16, nabla::tanh>,
                               nabla::dense<4, nabla::identity>>;
    using loss = nabla::squared_error;
};
struct M : shape::M {
    using net = nabla::network<float, nabla::input<64>, nabla::dense<128, nabla::relu>, nabla::dense<64, nabla::relu>,
                               nabla::dense<10, nabla::softmax>>;
    using loss = nabla::cross_entropy;
};
struct W : shape::W {
    using net = nabla::network<float, nabla::input<256>, nabla::dense<256, nabla::relu>, nabla::dense<256, nabla::relu>,
                               nabla::dense<256, nabla::relu>, nabla::dense<10, nabla::softmax>>;
    using loss = nabla::cross_entropy;
};

inline constexpr float learning_rate = 1e-4f; // small, so that repeated steps keep the weights in range

// Multiply-adds count twice. Forward: W a per layer; a training step adds (W^{l})ᵀ δ for l ≥ 2,
// the weight gradient δ aᵀ and the update.
template <class Net> constexpr double forward_flops() {
    double f = 0;
    for (std::size_t l = 1; l < Net::sizes.size(); ++l) f += 2.0 * static_cast<double>(Net::sizes[l] * Net::sizes[l - 1]);
    return f;
}
template <class Net> constexpr double train_flops() {
    const double first = 2.0 * static_cast<double>(Net::sizes[1] * Net::sizes[0]);
    return 3 * forward_flops<Net>() - first;
}

// The shared weights and data, as nabla holds them.
template <class Net> const typename Net::net& weights() {
    static const typename Net::net w = [] {
        typename Net::net n;
        nabla::initialize(n, nabla::init::xavier_uniform{}, 42);
        return n;
    }();
    return w;
}
template <class Net> const nabla::matrix<float, Net::sizes.front(), batch>& inputs() {
    static const auto x = [] {
        nabla::matrix<float, Net::sizes.front(), batch> m;
        nabla::detail::random_stream random(7);
        for (auto& v : m) v = static_cast<float>(random.uniform(-1, 1));
        return m;
    }();
    return x;
}
template <class Net> const nabla::matrix<float, Net::sizes.back(), batch>& targets() {
    static const auto y = [] {
        nabla::matrix<float, Net::sizes.back(), batch> m;
        for (std::size_t j = 0; j < batch; ++j) {
            if constexpr (Net::output == act::softmax) m(j % Net::sizes.back(), j) = 1;
            else
                for (std::size_t i = 0; i < Net::sizes.back(); ++i) m(i, j) = static_cast<float>((i + j) % 2);
        }
        return m;
    }();
    return y;
}

// The one-sample rows' sample: the batch's first column, of inputs<Net>() or targets<Net>().
template <std::size_t n> nabla::vector<float, n> first_sample(const nabla::matrix<float, n, batch>& m) {
    nabla::vector<float, n> v;
    for (std::size_t i = 0; i < n; ++i) v[i] = m(i, 0);
    return v;
}

// The heap allocations made so far (the benchmark binary replaces operator new to count them).
std::size_t allocations();

// Whether the hand-written code computes what nabla does (bench_handwritten.cpp); checked by main
// before anything is timed.
bool handwritten_agrees();

} // namespace bench

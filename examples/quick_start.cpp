// The README's example: the lecture's 2-3-1 sigmoid network, its forward pass, deltas and gradient.
#include <cstdio>

#include <nabla/nabla.hpp>

int main() {
    // f : R^2 -> R^1,  y = σ(W² σ(W¹ x + b¹) + b²)
    using net_t = nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<1, nabla::sigmoid>>;

    net_t net;                                                // θ = {W¹, b¹, W², b²}, zero, on the stack
    net.W<1>() = {{0.1f, 0.2f}, {0.3f, 0.4f}, {0.5f, 0.6f}};  // nabla::matrix<float, 3, 2>
    net.b<2>() = {0.5f};                                      // nabla::vector<float, 1>
    nabla::vector<float, 2> x{0.f, 1.f};
    nabla::vector<float, 1> y = net(x);                       // forward pass

    auto tape = nabla::forward(net, x);                       // every z^l and a^l
    auto delta = nabla::backward(net, tape, nabla::squared_error{}, nabla::vector<float, 1>{1.f});
    auto grad = nabla::gradient(tape, delta);                 // grad.W<l>() = δ^l (a^{l-1})^T, grad.b<l>() = δ^l
    auto same = nabla::gradient(net, nabla::squared_error{}, x, nabla::vector<float, 1>{1.f});

    std::printf("y = %.6f, C = %.6f\n", static_cast<double>(y[0]),
                static_cast<double>(nabla::loss_value(tape, nabla::squared_error{}, nabla::vector<float, 1>{1.f})));
    std::printf("dC/db2 = %.6f, dC/dW1(0,1) = %.6f, same = %s\n", static_cast<double>(grad.b<2>()[0]),
                static_cast<double>(grad.W<1>()(0, 1)), grad == same ? "yes" : "no");
    return grad == same ? 0 : 1;
}

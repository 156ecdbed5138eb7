// gradient(net, loss, x, y_hat) with a target of the wrong size.
// expect: the target y_hat must have as many rows as the network's output layer
// expect: nabla::check::target_size<1>::matches<2>
#include <nabla/nabla.hpp>

int main() {
    nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<1, nabla::sigmoid>> net;
#ifdef NABLA_FAIL
    nabla::vector<float, 2> y_hat;
#else
    nabla::vector<float, 1> y_hat;
#endif
    auto grad = nabla::gradient(net, nabla::squared_error{}, nabla::vector<float, 2>{}, y_hat);
    return static_cast<int>(grad.b<1>()[0]);
}

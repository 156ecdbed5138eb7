// binary_cross_entropy on an output layer that is not sigmoid.
// expect: cross_entropy needs a softmax output layer, binary_cross_entropy a sigmoid output layer
// expect: nabla::check::output_activation<nabla::tanh>::suits<nabla::binary_cross_entropy>
#include <nabla/nabla.hpp>

int main() {
#ifdef NABLA_FAIL
    nabla::network<double, nabla::input<2>, nabla::dense<1, nabla::tanh>> net;
#else
    nabla::network<double, nabla::input<2>, nabla::dense<1, nabla::sigmoid>> net;
#endif
    double C = nabla::loss_value(net, nabla::binary_cross_entropy{}, nabla::vector<double, 2>{}, nabla::vector<double, 1>{1});
    return static_cast<int>(C);
}

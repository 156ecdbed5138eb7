// cross_entropy on an output layer that is not softmax.
// expect: cross_entropy needs a softmax output layer, binary_cross_entropy a sigmoid output layer
// expect: nabla::check::output_activation<nabla::relu>::suits<nabla::cross_entropy>
#include <nabla/nabla.hpp>

int main() {
#ifdef NABLA_FAIL
    nabla::network<float, nabla::input<4>, nabla::dense<3, nabla::relu>> net;
#else
    nabla::network<float, nabla::input<4>, nabla::dense<3, nabla::softmax>> net;
#endif
    auto grad = nabla::gradient(net, nabla::cross_entropy{}, nabla::vector<float, 4>{}, nabla::vector<float, 3>{1, 0, 0});
    return static_cast<int>(grad.b<1>()[0]);
}

// softmax in a hidden layer.
// expect: softmax is only allowed in the output layer
// expect: nabla::check::hidden_layer<1>::accepts<nabla::softmax>
#include <nabla/nabla.hpp>

int main() {
#ifdef NABLA_FAIL
    nabla::network<float, nabla::input<4>, nabla::dense<8, nabla::softmax>, nabla::dense<3, nabla::softmax>> net;
#else
    nabla::network<float, nabla::input<4>, nabla::dense<8, nabla::relu>, nabla::dense<3, nabla::softmax>> net;
#endif
    return static_cast<int>(net.W<1>()(0, 0));
}

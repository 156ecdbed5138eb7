// A layer with no neurons.
// expect: every layer needs at least one neuron
// expect: nabla::check::layer<2>::size_is_positive<0>
#include <nabla/nabla.hpp>

int main() {
#ifdef NABLA_FAIL
    nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::relu>, nabla::dense<0, nabla::relu>> net;
#else
    nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::relu>, nabla::dense<1, nabla::relu>> net;
#endif
    return static_cast<int>(net.W<1>()(0, 0));
}

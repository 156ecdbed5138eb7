// b<3>() on a network with L = 2.
// expect: W<l>(), b<l>(), z<l>(), delta.at<l>(): layers are numbered 1 to L (a<0>() is the input)
// expect: nabla::check::layer_index<3>::between_1_and<2>
#include <nabla/nabla.hpp>

int main() {
    const nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<1, nabla::sigmoid>> net;
#ifdef NABLA_FAIL
    float b = net.b<3>()[0];
#else
    float b = net.b<2>()[0];
#endif
    return static_cast<int>(b);
}

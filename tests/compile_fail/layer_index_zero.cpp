// W<0>(): layers with parameters are numbered from 1.
// expect: W<l>(), b<l>(), z<l>(), delta.at<l>(): layers are numbered 1 to L (a<0>() is the input)
// expect: nabla::check::layer_index<0>::between_1_and<2>
#include <nabla/nabla.hpp>

int main() {
    nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<1, nabla::sigmoid>> net;
#ifdef NABLA_FAIL
    net.W<0>() = {{1.f, 2.f}, {3.f, 4.f}, {5.f, 6.f}};
#else
    net.W<1>() = {{1.f, 2.f}, {3.f, 4.f}, {5.f, 6.f}};
#endif
    return static_cast<int>(net.b<1>()[0]);
}

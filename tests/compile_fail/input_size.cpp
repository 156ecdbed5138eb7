// net(x) with x of the wrong size.
// expect: net(x): x must have as many rows as the network's input layer
// expect: nabla::check::input_size<2>::matches<3>
#include <nabla/nabla.hpp>

int main() {
    nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<1, nabla::sigmoid>> net;
#ifdef NABLA_FAIL
    nabla::vector<float, 3> x;
#else
    nabla::vector<float, 2> x;
#endif
    nabla::vector<float, 1> y = net(x);
    return static_cast<int>(y[0]);
}

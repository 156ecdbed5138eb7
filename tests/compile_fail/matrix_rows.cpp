// Fewer rows than the matrix has.
// expect: matrix<T, R, C>{{row}, ...}: give exactly R rows
// expect: nabla::check::initializer_rows<3>::matches<2>
#include <nabla/nabla.hpp>

int main() {
    nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::sigmoid>> net;
#ifdef NABLA_FAIL
    net.W<1>() = {{0.1f, 0.2f}, {0.3f, 0.4f}};
#else
    net.W<1>() = {{0.1f, 0.2f}, {0.3f, 0.4f}, {0.5f, 0.6f}};
#endif
    return static_cast<int>(net.W<1>()(0, 0));
}

// A row with more values than the matrix has columns.
// expect: matrix<T, R, C>{{row}, ...}: give exactly C values in every row
// expect: nabla::check::initializer_columns<2>::match<2, 3, 2>
#include <nabla/nabla.hpp>

int main() {
#ifdef NABLA_FAIL
    nabla::matrix<float, 3, 2> W{{0.1f, 0.2f}, {0.3f, 0.4f, 0.7f}, {0.5f, 0.6f}};
#else
    nabla::matrix<float, 3, 2> W{{0.1f, 0.2f}, {0.3f, 0.4f}, {0.5f, 0.6f}};
#endif
    return static_cast<int>(W(0, 0));
}

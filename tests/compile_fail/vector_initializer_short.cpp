// Fewer values than the vector holds.
// expect: vector<T, N>{values...}: give exactly N values
// expect: nabla::check::initializer_count<3>::matches<2>
#include <nabla/nabla.hpp>

int main() {
#ifdef NABLA_FAIL
    nabla::vector<double, 3> x{1.0, 2.0};
#else
    nabla::vector<double, 3> x{1.0, 2.0, 3.0};
#endif
    return static_cast<int>(x[0]);
}

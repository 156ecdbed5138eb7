// More values than the vector holds.
// expect: vector<T, N>{values...}: give exactly N values
// expect: nabla::check::initializer_count<2>::matches<3>
#include <nabla/nabla.hpp>

int main() {
#ifdef NABLA_FAIL
    nabla::vector<float, 2> x{1.f, 2.f, 3.f};
#else
    nabla::vector<float, 2> x{1.f, 2.f};
#endif
    return static_cast<int>(x[0]);
}

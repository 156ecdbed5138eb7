// a + b with a and b of different sizes.
// expect: a + b, a - b and hadamard(a, b) need operands of the same shape
// expect: nabla::check::elementwise<nabla::check::vector<3>, nabla::check::vector<2>>::shapes_match
#include <nabla/nabla.hpp>

int main() {
    nabla::vector<double, 3> a;
#ifdef NABLA_FAIL
    nabla::vector<double, 2> b;
#else
    nabla::vector<double, 3> b;
#endif
    nabla::vector<double, 3> c = a + b;
    return static_cast<int>(c[0]);
}

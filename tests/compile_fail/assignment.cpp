// Assigning an expression to a tensor of another shape.
// expect: tensor = expression: the expression's shape must equal the tensor's
// expect: nabla::check::assignment<nabla::check::vector<2>, nabla::check::vector<3>>::shapes_match
#include <nabla/nabla.hpp>

int main() {
    nabla::matrix<float, 3, 2> W;
    nabla::vector<float, 2> x;
#ifdef NABLA_FAIL
    nabla::vector<float, 2> z = W * x;
#else
    nabla::vector<float, 3> z = W * x;
#endif
    return static_cast<int>(z[0]);
}

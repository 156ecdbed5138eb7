// W * x where W has fewer columns than x has rows.
// expect: A * B: A's column count must equal B's row count
// expect: nabla::check::product<nabla::check::matrix<3, 2>, nabla::check::vector<4>>::inner_sizes_match
#include <nabla/nabla.hpp>

int main() {
    nabla::matrix<float, 3, 2> W;
#ifdef NABLA_FAIL
    nabla::vector<float, 4> x;
#else
    nabla::vector<float, 2> x;
#endif
    nabla::vector<float, 3> z = W * x;
    return static_cast<int>(z[0]);
}

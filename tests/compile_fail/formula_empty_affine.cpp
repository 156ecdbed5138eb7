// An affine map with no outputs.
// expect: dsl::affine<N>(e) needs N > 0
// expect: check::affine_size<0>::is_positive
#include <nabla/nabla.hpp>

namespace dsl = nabla::dsl;

int main() {
#ifdef NABLA_FAIL
    constexpr auto y = dsl::relu(dsl::affine<0>(dsl::input<2>));
#else
    constexpr auto y = dsl::relu(dsl::affine<4>(dsl::input<2>));
#endif
    nabla::network_of<float, decltype(y)> net;
    return static_cast<int>(net.b<1>()[0]);
}

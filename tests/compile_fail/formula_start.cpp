// A formula that does not start from dsl::input.
// expect: a formula starts from dsl::input<N>: dsl::affine<M>(dsl::input<N>)
// expect: check::formula<int>::starts_from_input
#include <nabla/nabla.hpp>

namespace dsl = nabla::dsl;

int main() {
#ifdef NABLA_FAIL
    constexpr auto y = dsl::sigmoid(dsl::affine<3>(2));
#else
    constexpr auto y = dsl::sigmoid(dsl::affine<3>(dsl::input<2>));
#endif
    nabla::network_of<float, decltype(y)> net;
    return static_cast<int>(net.b<1>()[0]);
}

// An activation applied to something other than an affine map.
// expect: an activation applies to an affine map: dsl::sigmoid(dsl::affine<N>(e))
// expect: check::activation_argument<nabla::tanh>::is_affine<nabla::dsl::input_term<2>>
#include <nabla/nabla.hpp>

namespace dsl = nabla::dsl;

int main() {
#ifdef NABLA_FAIL
    constexpr auto y = dsl::tanh(dsl::input<2>);
#else
    constexpr auto y = dsl::tanh(dsl::affine<2>(dsl::input<2>));
#endif
    nabla::network_of<float, decltype(y)> net;
    return static_cast<int>(net.b<1>()[0]);
}

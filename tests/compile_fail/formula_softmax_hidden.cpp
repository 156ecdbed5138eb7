// softmax under another layer in a formula.
// expect: softmax is only allowed in the output layer
// expect: check::hidden_layer<1>::accepts<nabla::softmax>
#include <nabla/nabla.hpp>

namespace dsl = nabla::dsl;

int main() {
#ifdef NABLA_FAIL
    constexpr auto y = dsl::sigmoid(dsl::affine<1>(dsl::softmax(dsl::affine<3>(dsl::input<2>))));
#else
    constexpr auto y = dsl::sigmoid(dsl::affine<1>(dsl::relu(dsl::affine<3>(dsl::input<2>))));
#endif
    nabla::network_of<float, decltype(y)> net;
    return static_cast<int>(net.b<1>()[0]);
}

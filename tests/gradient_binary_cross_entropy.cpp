// Gradients against independent references: binary_cross_entropy with sigmoid outputs, against
// finite differences at depths 1 to 5 and widths 1 to 32, in double and in float.
#include "gradient_check.hpp"

using testing::check_depths;

TEST_CASE("gradients match finite differences: binary_cross_entropy with sigmoid", "[gradient]") {
    SECTION("sigmoid hidden") { check_depths<nabla::sigmoid, nabla::sigmoid, nabla::binary_cross_entropy>(101); }
    SECTION("tanh hidden") { check_depths<nabla::tanh, nabla::sigmoid, nabla::binary_cross_entropy>(111); }
    SECTION("relu hidden") { check_depths<nabla::relu, nabla::sigmoid, nabla::binary_cross_entropy>(121); }
}

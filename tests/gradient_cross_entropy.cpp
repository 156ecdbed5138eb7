// Gradients against independent references: cross_entropy with softmax outputs, against
// finite differences at depths 1 to 5 and widths 1 to 32, in double and in float.
#include "gradient_check.hpp"

using testing::check_depths;

TEST_CASE("gradients match finite differences: cross_entropy with softmax", "[gradient]") {
    SECTION("sigmoid hidden") { check_depths<nabla::sigmoid, nabla::softmax, nabla::cross_entropy>(131); }
    SECTION("tanh hidden") { check_depths<nabla::tanh, nabla::softmax, nabla::cross_entropy>(141); }
    SECTION("relu hidden") { check_depths<nabla::relu, nabla::softmax, nabla::cross_entropy>(151); }
    SECTION("leaky_relu hidden") { check_depths<nabla::leaky_relu, nabla::softmax, nabla::cross_entropy>(161); }
}

// Gradients against independent references: the lecture's closed form for one neuron, and squared_error and mean_squared_error, against
// finite differences at depths 1 to 5 and widths 1 to 32, in double and in float.
#include "gradient_check.hpp"

using testing::check_depths;

TEST_CASE("one sigmoid neuron with square error: the lecture's closed form", "[gradient]") {
    // ∂C/∂w_i = 2(σ(Wx+b) - ŷ)(1 - σ(Wx+b))σ(Wx+b) x_i, ∂C/∂b = 2(σ(Wx+b) - ŷ)(1 - σ(Wx+b))σ(Wx+b).
    using net_t = nabla::network<double, nabla::input<2>, nabla::dense<1, nabla::sigmoid>>;
    net_t net;
    net.W<1>() = {{0.7, -1.3}};
    net.b<1>() = {0.25};
    const nabla::vector<double, 2> x{1.5, -0.5};
    const nabla::vector<double, 1> y_hat{0.2};
    const double s = 1 / (1 + std::exp(-(0.7 * 1.5 + -1.3 * -0.5 + 0.25)));
    const double common = 2 * (s - 0.2) * (1 - s) * s;

    auto grad = nabla::gradient(net, nabla::squared_error{}, x, y_hat);
    CHECK(testing::close(grad.W<1>()(0, 0), common * 1.5, 1e-14));
    CHECK(testing::close(grad.W<1>()(0, 1), common * -0.5, 1e-14));
    CHECK(testing::close(grad.b<1>()[0], common, 1e-14));
    CHECK(testing::close(nabla::loss_value(net, nabla::squared_error{}, x, y_hat), (s - 0.2) * (s - 0.2), 1e-14));
}

TEST_CASE("gradients match finite differences: squared_error", "[gradient]") {
    SECTION("identity") { check_depths<nabla::identity, nabla::identity, nabla::squared_error>(11); }
    SECTION("sigmoid") { check_depths<nabla::sigmoid, nabla::sigmoid, nabla::squared_error>(21); }
    SECTION("tanh") { check_depths<nabla::tanh, nabla::tanh, nabla::squared_error>(31); }
    SECTION("relu") { check_depths<nabla::relu, nabla::identity, nabla::squared_error>(41); }
    SECTION("leaky_relu") { check_depths<nabla::leaky_relu, nabla::leaky_relu, nabla::squared_error>(51); }
    SECTION("fast_tanh, fast_sigmoid") { check_depths<nabla::fast_tanh, nabla::fast_sigmoid, nabla::squared_error>(53); }
    SECTION("leaky_relu_with<1/5>") {
        check_depths<nabla::leaky_relu_with<std::ratio<1, 5>>, nabla::identity, nabla::squared_error>(61);
    }
    SECTION("softmax output, through its full Jacobian") { check_depths<nabla::tanh, nabla::softmax, nabla::squared_error>(71); }
}

TEST_CASE("gradients match finite differences: mean_squared_error", "[gradient]") {
    SECTION("sigmoid") { check_depths<nabla::sigmoid, nabla::sigmoid, nabla::mean_squared_error>(81); }
    SECTION("relu") { check_depths<nabla::relu, nabla::relu, nabla::mean_squared_error>(91); }
}

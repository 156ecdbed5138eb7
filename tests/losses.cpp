// Losses: values computed by hand, gradients against finite differences, and the values from the
// tape staying finite where the output has saturated.
#include <cmath>
#include <limits>

#include "testing.hpp"

TEMPLATE_TEST_CASE("loss values and gradients", "[losses]", float, double) {
    using T = TestType;
    const nabla::vector<T, 3> y{T(0.2), T(0.5), T(0.3)};
    const nabla::vector<T, 3> y_hat{T(0), T(1), T(0)};

    SECTION("squared_error is Σ (y - ŷ)², no ½") {
        CHECK(testing::close(nabla::squared_error::value(y, y_hat), T(0.04 + 0.25 + 0.09), 1e-6));
        CHECK(nabla::squared_error::gradient(y, y_hat) == nabla::vector<T, 3>{T(0.4), T(-1), T(0.6)});
    }
    SECTION("mean_squared_error divides by the output size") {
        CHECK(testing::close(nabla::mean_squared_error::value(y, y_hat), T(0.38 / 3), 1e-6));
        CHECK(testing::close(nabla::mean_squared_error::gradient(y, y_hat)[1], T(-1.0 / 3), 1e-6));
    }
    SECTION("cross_entropy is -Σ ŷ log y") {
        CHECK(testing::close(nabla::cross_entropy::value(y, y_hat), -std::log(T(0.5)), 1e-6));
        CHECK(testing::close(nabla::cross_entropy::gradient(y, y_hat)[1], T(-2), 1e-6));
    }
    SECTION("binary_cross_entropy") {
        const T expected = -(std::log(T(0.8)) + std::log(T(0.5)) + std::log(T(0.7)));
        CHECK(testing::close(nabla::binary_cross_entropy::value(y, y_hat), expected, 1e-6));
    }
    SECTION("gradients are the derivatives of the values") {
        const double h = 1e-6;
        for (std::size_t k = 0; k < 3; ++k) {
            nabla::vector<double, 3> up{0.2, 0.5, 0.3}, down = up;
            const nabla::vector<double, 3> target{0.1, 0.7, 0.2};
            up[k] += h;
            down[k] -= h;
            const auto numeric = [&](auto loss) { return (loss.value(up, target) - loss.value(down, target)) / (2 * h); };
            const nabla::vector<double, 3> at{0.2, 0.5, 0.3};
            CHECK(testing::close(nabla::squared_error::gradient(at, target)[k], numeric(nabla::squared_error{}), 1e-7));
            CHECK(testing::close(nabla::mean_squared_error::gradient(at, target)[k], numeric(nabla::mean_squared_error{}), 1e-7));
            CHECK(testing::close(nabla::cross_entropy::gradient(at, target)[k], numeric(nabla::cross_entropy{}), 1e-7));
            CHECK(testing::close(nabla::binary_cross_entropy::gradient(at, target)[k], numeric(nabla::binary_cross_entropy{}), 1e-7));
        }
    }
}

TEMPLATE_TEST_CASE("losses from the tape are exact where the output saturates", "[losses]", float, double) {
    using T = TestType;
    SECTION("binary_cross_entropy at z = 50 with ŷ = 0 is 50") {
        nabla::network<T, nabla::input<1>, nabla::dense<1, nabla::sigmoid>> net;
        net.template W<1>() = {{T(50)}};
        const T C = nabla::loss_value(net, nabla::binary_cross_entropy{}, nabla::vector<T, 1>{1}, nabla::vector<T, 1>{0});
        CHECK(testing::close(C, T(50), 1e-6));
        const auto grad = nabla::gradient(net, nabla::binary_cross_entropy{}, nabla::vector<T, 1>{1}, nabla::vector<T, 1>{0});
        CHECK(testing::close(grad.template b<1>()[0], T(1), 1e-6)); // δ = y - ŷ
    }
    SECTION("cross_entropy through log-softmax: a class with probability e^-300 costs 300") {
        nabla::network<T, nabla::input<1>, nabla::dense<2, nabla::softmax>> net;
        net.template b<1>() = {T(300), T(0)};
        const T C = nabla::loss_value(net, nabla::cross_entropy{}, nabla::vector<T, 1>{0}, nabla::vector<T, 2>{0, 1});
        CHECK(std::isfinite(C));
        CHECK(testing::close(C, T(300), 1e-6));
    }
}

// loss_value(net, …) computes a loss that reads z^L from a pass that never forms a^L (no tape, no
// softmax): the same bits as the value from the tape, for one sample and through the batch's tiles.
template <class T, class Out, class L> void check_value_without_tape(L loss) {
    using net_t = nabla::network<T, nabla::input<64>, nabla::dense<48, nabla::relu>, nabla::dense<10, Out>>;
    net_t net;
    testing::randomize(net, 7);
    testing::random_source random{8};
    nabla::matrix<T, 64, 20> X;
    nabla::matrix<T, 10, 20> Y;
    testing::fill(X, random);
    for (std::size_t j = 0; j < 20; ++j) Y(j % 10, j) = T(1);
    nabla::vector<T, 64> x;
    nabla::vector<T, 10> y;
    for (std::size_t k = 0; k < 64; ++k) x[k] = X(k, 3);
    for (std::size_t k = 0; k < 10; ++k) y[k] = Y(k, 3);
    CHECK(nabla::loss_value(net, loss, x, y) == nabla::loss_value(nabla::forward(net, x), loss, y));
    CHECK(nabla::loss_value(net, loss, X, Y) == nabla::loss_value(nabla::forward(net, X), loss, Y));
}

TEMPLATE_TEST_CASE("loss_value of a network is the value from its tape", "[losses]", float, double) {
    check_value_without_tape<TestType, nabla::softmax>(nabla::cross_entropy{});
    check_value_without_tape<TestType, nabla::sigmoid>(nabla::binary_cross_entropy{});
    check_value_without_tape<TestType, nabla::identity>(nabla::squared_error{});
}

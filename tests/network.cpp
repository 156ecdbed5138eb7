// The network as a value and its forward pass: accessors numbered as in the math, the tape, a batch
// equal to its columns, and backward/gradient on a batch equal to the sum over its samples.
#include <type_traits>

#include "testing.hpp"

namespace {
template <class T>
using lecture_t = nabla::network<T, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<1, nabla::sigmoid>>;
template <class T>
using classifier_t = nabla::network<T, nabla::input<5>, nabla::dense<7, nabla::tanh>, nabla::dense<6, nabla::relu>,
                                    nabla::dense<4, nabla::softmax>>;
// θ + g, layer by layer.
template <class P> P add(P sum, const P& g) {
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        ((sum.template W<l + 1>() = sum.template W<l + 1>() + g.template W<l + 1>()), ...);
        ((sum.template b<l + 1>() = sum.template b<l + 1>() + g.template b<l + 1>()), ...);
    }(std::make_index_sequence<P::depth>{});
    return sum;
}
} // namespace

TEMPLATE_TEST_CASE("a network is a regular value", "[network]", float, double) {
    using T = TestType;
    lecture_t<T> net;
    SECTION("default construction gives zero parameters") {
        for (auto w : net.template W<1>()) CHECK(w == T(0));
        for (auto v : net.template b<2>()) CHECK(v == T(0));
        CHECK(net(nabla::vector<T, 2>{3, 4})[0] == T(0.5));
    }
    SECTION("copies compare equal until one changes") {
        testing::randomize(net, 5);
        auto copy = net;
        CHECK(copy == net);
        copy.template W<2>()(0, 2) += T(1);
        CHECK_FALSE(copy == net);
    }
}

TEMPLATE_TEST_CASE("the forward pass is the lecture's composition", "[network]", float, double) {
    using T = TestType;
    lecture_t<T> net;
    net.template W<1>() = {{0.1, 0.2}, {0.3, 0.4}, {0.5, 0.6}};
    net.template b<1>() = {-0.1, 0, 0.1};
    net.template W<2>() = {{1, -2, 0.5}};
    net.template b<2>() = {0.5};
    const nabla::vector<T, 2> x{0.5, -1};
    const auto s = [](double z) { return 1 / (1 + std::exp(-z)); };
    const double a1[] = {s(0.05 - 0.2 - 0.1), s(0.15 - 0.4), s(0.25 - 0.6 + 0.1)};
    const double y = s(a1[0] - 2 * a1[1] + 0.5 * a1[2] + 0.5);

    CHECK(testing::close(static_cast<double>(net(x)[0]), y, 1e-6));

    const auto tape = nabla::forward(net, x);
    CHECK(tape.template a<0>() == x);
    CHECK(testing::close(static_cast<double>(tape.template z<1>()[1]), 0.15 - 0.4, 1e-6));
    CHECK(testing::close(static_cast<double>(tape.template a<1>()[2]), a1[2], 1e-6));
    CHECK(testing::close(static_cast<double>(tape.output()[0]), y, 1e-6));
    CHECK(tape.output() == net(x));
}

TEMPLATE_TEST_CASE("a batch is its samples side by side", "[network]", float, double) {
    using T = TestType;
    classifier_t<T> net;
    testing::randomize(net, 9);
    constexpr std::size_t B = 6;
    nabla::matrix<T, 5, B> X;
    nabla::matrix<T, 4, B> Y;
    testing::random_source random{17};
    testing::fill(X, random, -2, 2);
    for (std::size_t j = 0; j < B; ++j) Y(j % 4, j) = 1;

    const auto column = [](const auto& M, std::size_t j) {
        nabla::vector<T, std::remove_cvref_t<decltype(M)>::rows()> v;
        for (std::size_t i = 0; i < v.size(); ++i) v[i] = M(i, j);
        return v;
    };

    const nabla::matrix<T, 4, B> out = net(X);
    typename classifier_t<T>::parameters_type sum;
    T loss_sum = 0;
    for (std::size_t j = 0; j < B; ++j) {
        const auto y = net(column(X, j));
        for (std::size_t k = 0; k < 4; ++k) CHECK(testing::close(out(k, j), y[k], 1e-6));
        const auto g = nabla::gradient(net, nabla::cross_entropy{}, column(X, j), column(Y, j));
        sum = add(sum, g);
        loss_sum += nabla::loss_value(net, nabla::cross_entropy{}, column(X, j), column(Y, j));
    }
    const auto batch = nabla::gradient(net, nabla::cross_entropy{}, X, Y);
    const auto compare = [](const auto& l, const auto& r) {
        for (std::size_t k = 0; k < l.size(); ++k) CHECK(testing::close(l.data()[k], r.data()[k], 1e-4, 1e-6));
    };
    nabla::detail::zip_tensors(compare, batch, sum); // every W^l and b^l
    CHECK(testing::close(nabla::loss_value(net, nabla::cross_entropy{}, X, Y), loss_sum, 1e-5));
}

TEST_CASE("backward gives each layer's delta", "[network]") {
    lecture_t<double> net;
    testing::randomize(net, 3);
    const nabla::vector<double, 2> x{0.3, -0.7};
    const nabla::vector<double, 1> y_hat{1};
    const auto tape = nabla::forward(net, x);
    const auto delta = nabla::backward(net, tape, nabla::squared_error{}, y_hat);
    const double y = tape.output()[0];
    // δ² = σ'(z²) ∇C(y) = y(1 - y) 2(y - ŷ); δ¹ = σ'(z¹) ⊙ (W²)ᵀ δ².
    CHECK(testing::close(delta.at<2>()[0], y * (1 - y) * 2 * (y - 1), 1e-14));
    for (std::size_t k = 0; k < 3; ++k) {
        const double a = tape.a<1>()[k];
        CHECK(testing::close(delta.at<1>()[k], a * (1 - a) * net.W<2>()(0, k) * delta.at<2>()[0], 1e-14));
    }
    const auto grad = nabla::gradient(tape, delta);
    CHECK(grad.W<1>()(2, 1) == delta.at<1>()[2] * x[1]);
    CHECK(grad.b<2>()[0] == delta.at<2>()[0]);
}

// Activations: σ against the standard library, σ' against finite differences, and softmax's
// Jacobian-vector product against the full Jacobian.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "testing.hpp"

namespace {

// σ' is formed from a = σ(z) as rounded: for tanh, 1 - a² moves by 2|a| times a's error, and a
// float a within two ulps of tanh z is within ε of it (an ulp of [1/2, 1) is ε/2), so σ' may be
// 2ε off; near saturation that is more than 1e-5 of σ' (at z = 4.25, σ' = 8.1e-4 moved by 1.5e-8
// when g++ contracted 1 - a · a into one rounding).
template <class A, class T> void check_derivative(T z) {
    const double h = 1e-6, zd = static_cast<double>(z);
    const double numeric = (A::function(zd + h) - A::function(zd - h)) / (2 * h);
    const T a = A::function(z);
    INFO("z = " << z);
    CHECK(testing::close(static_cast<double>(A::derivative(z, a)), numeric, std::is_same_v<T, float> ? 1e-5 : 1e-8,
                         std::is_same_v<T, float> ? 2 * std::numeric_limits<float>::epsilon() : 1e-9));
}

} // namespace

TEMPLATE_TEST_CASE("element-wise activations and their derivatives", "[activations]", float, double) {
    using T = TestType;
    const T z = GENERATE(T(-3.5), T(-0.75), T(-0.1), T(0.2), T(1), T(4.25));

    SECTION("identity") {
        CHECK(nabla::identity::function(z) == z);
        check_derivative<nabla::identity>(z);
    }
    SECTION("sigmoid") {
        CHECK(testing::close(nabla::sigmoid::function(z), T(1) / (T(1) + std::exp(-z)), 4 * std::numeric_limits<T>::epsilon()));
        check_derivative<nabla::sigmoid>(z);
    }
    SECTION("tanh") {
        // float's tanh is the vectorisable approximation, within an ulp or two of std::tanh.
        CHECK(testing::close(nabla::tanh::function(z), std::tanh(z), 2 * std::numeric_limits<T>::epsilon()));
        check_derivative<nabla::tanh>(z);
    }
    SECTION("relu") {
        CHECK(nabla::relu::function(z) == (z > 0 ? z : T(0)));
        check_derivative<nabla::relu>(z);
    }
    SECTION("leaky_relu, slope 0.01") {
        CHECK(nabla::leaky_relu::function(z) == (z > 0 ? z : T(0.01) * z));
        check_derivative<nabla::leaky_relu>(z);
    }
    SECTION("leaky_relu_with<1/5>") {
        CHECK(testing::close(nabla::leaky_relu_with<std::ratio<1, 5>>::function(z), z > 0 ? z : T(0.2) * z, 1e-7));
        check_derivative<nabla::leaky_relu_with<std::ratio<1, 5>>>(z);
    }
}

TEMPLATE_TEST_CASE("sigmoid never overflows", "[activations]", float, double) {
    using T = TestType;
    const T z = GENERATE(T(-1000), T(-100), T(-50), T(50), T(100), T(1000), std::numeric_limits<T>::lowest(),
                         std::numeric_limits<T>::max());
    const T a = nabla::sigmoid::function(z);
    CHECK(std::isfinite(a));
    CHECK(a >= T(0));
    CHECK(a <= T(1));
    CHECK(std::isfinite(nabla::sigmoid::derivative(z, a)));
    CHECK(nabla::sigmoid::function(T(-1000)) == T(0));
    CHECK(nabla::sigmoid::function(T(1000)) == T(1));
}

TEST_CASE("relu and leaky_relu at the kink take the left derivative", "[activations]") {
    CHECK(nabla::relu::derivative(0.0, 0.0) == 0.0);
    CHECK(nabla::leaky_relu::derivative(0.0, 0.0) == 0.01);
}

TEMPLATE_TEST_CASE("softmax", "[activations]", float, double) {
    using T = TestType;
    const nabla::vector<T, 4> z{T(1), T(-2), T(0.5), T(3)};
    nabla::vector<T, 4> a;
    nabla::detail::activate<nabla::softmax>(z, a);

    SECTION("is e^z normalised") {
        double sum = 0;
        for (std::size_t k = 0; k < 4; ++k) sum += std::exp(static_cast<double>(z[k]));
        for (std::size_t k = 0; k < 4; ++k) CHECK(testing::close(a[k], static_cast<T>(std::exp(static_cast<double>(z[k])) / sum), 1e-6));
    }
    SECTION("is finite for huge z") {
        const nabla::vector<T, 3> big{T(1000), T(-1000), T(999)};
        nabla::vector<T, 3> p;
        nabla::detail::activate<nabla::softmax>(big, p);
        CHECK(testing::close(p[0] + p[2], T(1), 1e-6));
        CHECK(p[1] == T(0));
    }
    SECTION("applies its full Jacobian diag(a) - a aᵀ in the backward step") {
        const nabla::vector<T, 4> g{T(0.3), T(-1), T(2), T(0.1)};
        nabla::vector<T, 4> delta;
        nabla::detail::backpropagate<nabla::softmax>(z, a, g, delta);
        for (std::size_t j = 0; j < 4; ++j) {
            double expected = 0;
            for (std::size_t k = 0; k < 4; ++k) expected += ((j == k ? a[k] : 0) - a[k] * a[j]) * g[k];
            CHECK(testing::close(static_cast<double>(delta[j]), expected, 1e-5, 1e-7));
        }
    }
    SECTION("works column by column on a batch") {
        nabla::matrix<T, 2, 3> Z{{0, 1, -1}, {0, 1, 1}}, A;
        nabla::detail::activate<nabla::softmax>(Z, A);
        CHECK(A(0, 0) == T(0.5));
        CHECK(A(1, 1) == T(0.5));
        CHECK(testing::close(A(0, 2), T(1) / (T(1) + std::exp(T(2))), 1e-6));
    }
}

// A sigmoid layer of two to four values runs on the lanes of one register where the pass stands
// alone (net(x), the tape of a gradient), and one value at a time in a training step's pass,
// whose latency it shortens; both must give σ's values bit for bit, as a wide layer would.
// The same bits either way, so the values alone would not show the lanes left out: the hook is
// checked by itself.
static_assert(nabla::detail::lane_values<nabla::sigmoid, float, 3> && !nabla::detail::lane_values<nabla::tanh, float, 3> &&
              !nabla::detail::lane_values<nabla::sigmoid, double, 3> && !nabla::detail::lane_values<nabla::sigmoid, float, 1>);
TEST_CASE("narrow sigmoid layers give the same values in every pass", "[activations]") {
    using net_t = nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<2, nabla::sigmoid>,
                                 nabla::dense<1, nabla::sigmoid>>;
    net_t net;
    nabla::initialize(net, nabla::init::uniform{-4, 4}, 41);
    testing::random_source random{42};
    const auto bits = [](float v) { return std::bit_cast<std::uint32_t>(v); };
    for (int k = 0; k < 50; ++k) {
        nabla::vector<float, 2> x;
        testing::fill(x, random, -30, 30); // σ near 0 and 1 as well as in between
        const auto alone = nabla::forward(net, x);
        nabla::detail::magnitudes_seen<float, 3> seen;
        const nabla::forward_tape<net_t, nabla::vector<float, 2>> chained(net, x, seen); // a fused step's pass
        const auto same_layer = [&]<std::size_t l>(std::integral_constant<std::size_t, l>) {
            for (std::size_t i = 0; i < net_t::sizes[l]; ++i) {
                const float z = alone.template z<l>()[i];
                CHECK(bits(chained.template z<l>()[i]) == bits(z));
                CHECK(bits(alone.template a<l>()[i]) == bits(nabla::detail::sigmoid_approximation(z)));
                CHECK(bits(chained.template a<l>()[i]) == bits(nabla::detail::sigmoid_approximation(z)));
            }
        };
        same_layer(std::integral_constant<std::size_t, 1>{});
        same_layer(std::integral_constant<std::size_t, 2>{});
        same_layer(std::integral_constant<std::size_t, 3>{});
        CHECK(bits(net(x)[0]) == bits(alone.output()[0]));
    }
    // A value past the lanes' range (|z| > 86) sends the whole layer to the lone form.
    net.W<1>()(1, 0) = 10;
    nabla::vector<float, 2> x{20, 0};
    const auto far = nabla::forward(net, x);
    REQUIRE(far.z<1>()[1] > 86);
    for (std::size_t i = 0; i < 3; ++i) CHECK(bits(far.a<1>()[i]) == bits(nabla::detail::sigmoid_approximation(far.z<1>()[i])));
}

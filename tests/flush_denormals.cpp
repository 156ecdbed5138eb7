// flush_denormals: subnormal inputs read as zero and subnormal results become zero while a guard
// lives; the previous mode comes back when it dies, also when guards nest.
#include <cfloat>

#include "testing.hpp"

namespace {

// Through volatile, so that the compiler cannot fold the arithmetic at compile time.
float product(float a, float b) {
    volatile float x = a, y = b;
    return x * y;
}

} // namespace

TEST_CASE("flush_denormals flushes subnormals while alive and restores the mode", "[denormals]") {
    if (!nabla::flush_denormals::active()) {
        WARN("this target has no flush-to-zero mode: the guard does nothing");
        return;
    }
    const float subnormal = FLT_MIN / 1024; // 1.1e-41
    REQUIRE(product(subnormal, 1.f) == subnormal);
    REQUIRE(product(1e-30f, 1e-10f) > 0.f); // 1e-40: a subnormal result
    {
        nabla::flush_denormals guard;
        CHECK(product(subnormal, 1.f) == 0.f); // the input reads as zero
        CHECK(product(1e-30f, 1e-10f) == 0.f); // the result is flushed
        CHECK(product(FLT_MIN, 2.f) == 2 * FLT_MIN); // normal numbers are untouched
        {
            nabla::flush_denormals inner;
            CHECK(product(subnormal, 1.f) == 0.f);
        }
        CHECK(product(subnormal, 1.f) == 0.f); // the inner guard restored the outer one's mode
    }
    CHECK(product(subnormal, 1.f) == subnormal);
    CHECK(product(1e-30f, 1e-10f) > 0.f);
}

TEST_CASE("a network under flush_denormals maps subnormal inputs like zeros", "[denormals]") {
    using net_t = nabla::network<float, nabla::input<4>, nabla::dense<8, nabla::tanh>, nabla::dense<2, nabla::identity>>;
    net_t net;
    nabla::initialize(net, nabla::init::xavier_uniform{}, 3);
    nabla::vector<float, 4> tiny{FLT_MIN / 8, -FLT_MIN / 16, FLT_MIN / 32, 0.f}, zero{};
    const auto exact = net(tiny);
    nabla::flush_denormals guard;
    const auto flushed = net(tiny);
    const auto at_zero = net(zero);
    CHECK(flushed == at_zero);
    CHECK(testing::close(exact[0], flushed[0], 1e-6, 1e-30));
}

// emit_header's output compiles, and its constants are bit-identical to the networks written out.
#include <cstring>
#include <limits>

#include "testing.hpp"

#include "emit_header_networks.hpp"
#include "emitted_networks.hpp"

static_assert(emitted_digits.W<1>()(0, 0) == std::numeric_limits<float>::denorm_min());
static_assert(emitted_mixed.W<3>().rows() == 2);

TEST_CASE("emitted headers hold the parameters bit for bit", "[io]") {
    auto digits = emitted::make<emitted::digits_t>(1);
    digits.W<1>()(0, 0) = std::numeric_limits<float>::denorm_min();
    digits.b<2>()[0] = -0.f;
    CHECK(std::memcmp(&emitted_digits, &digits, sizeof digits) == 0);
    const auto mixed = emitted::make<emitted::mixed_t>(2);
    CHECK(std::memcmp(&emitted_mixed, &mixed, sizeof mixed) == 0);
    CHECK(emitted_mixed(nabla::vector<double, 3>{1, 2, 3}) == mixed(nabla::vector<double, 3>{1, 2, 3}));
}

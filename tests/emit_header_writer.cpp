// Writes, at build time, the header that tests/emit_header.cpp includes: two networks' parameters
// as constants, by nabla::emit_header, including values a careless printer would round (denormals,
// -0).
#include <iostream>
#include <limits>

#include "emit_header_networks.hpp"

int main() {
    auto digits = emitted::make<emitted::digits_t>(1);
    digits.W<1>()(0, 0) = std::numeric_limits<float>::denorm_min();
    digits.b<2>()[0] = -0.f;
    nabla::emit_header(digits, "emitted_digits", std::cout);
    nabla::emit_header(emitted::make<emitted::mixed_t>(2), "emitted_mixed", std::cout);
}

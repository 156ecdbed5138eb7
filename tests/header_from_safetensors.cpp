// tools/nabla_header on a safetensors file written by tools/export_pytorch.py: the generated
// header compiles, and its constants are bit-identical to what load_safetensors reads from the
// same file.
#include <cstring>

#include "testing.hpp"

#include <nabla/io/safetensors.hpp>

#include "sequential_weights.hpp"

TEST_CASE("nabla_header turns a safetensors file into the same weights load_safetensors reads", "[io]") {
    std::remove_const_t<decltype(sequential_weights)> loaded;
    const nabla::status s = nabla::load_safetensors(loaded, NABLA_SEQUENTIAL_SAFETENSORS);
    INFO(s.message());
    REQUIRE(s);
    CHECK(std::memcmp(&loaded, &sequential_weights, sizeof loaded) == 0);
    CHECK_FALSE(loaded == decltype(loaded){});
}

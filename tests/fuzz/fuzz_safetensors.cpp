// libFuzzer target for nabla::load_safetensors: never a crash, a hang, a leak or a sanitizer
// report, and a failed load leaves the network as it was.
#include "loader_property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    check_loader(data, size, [](fuzz_net_t& net, std::span<const std::byte> bytes) { return nabla::load_safetensors(net, bytes); });
    return 0;
}

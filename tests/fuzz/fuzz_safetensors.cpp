// libFuzzer target for nabla::load_safetensors: any bytes give either the network from a valid
// file or an error with the network untouched; never a crash, a hang, a leak or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <nabla/nabla.hpp>

using net_t = nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<1, nabla::sigmoid>>;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static net_t net = [] {
        net_t n;
        nabla::initialize(n, nabla::init::uniform{-1, 1}, 1);
        return n;
    }();
    const net_t before = net;
    const nabla::status s =
        nabla::load_safetensors(net, std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size));
    if (!s && std::memcmp(&net, &before, sizeof net) != 0) __builtin_trap(); // a failed load changed the network
    if (std::strlen(s.message()) == 0) __builtin_trap();
    net = before;
    return 0;
}

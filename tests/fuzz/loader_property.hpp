// The property both loader fuzzers check: any bytes give either a loaded network or an error with
// a message and the network untouched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include <nabla/io/safetensors.hpp>
#include <nabla/nabla.hpp>

using fuzz_net_t = nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<1, nabla::sigmoid>>;

template <class Load> void check_loader(const std::uint8_t* data, std::size_t size, Load load) {
    static fuzz_net_t net = [] {
        fuzz_net_t n;
        nabla::initialize(n, nabla::init::uniform{-1, 1}, 1);
        return n;
    }();
    const fuzz_net_t before = net;
    const nabla::status s = load(net, std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size));
    if (!s && std::memcmp(&net, &before, sizeof net) != 0) __builtin_trap(); // a failed load changed the network
    if (std::strlen(s.message()) == 0) __builtin_trap();
    net = before;
}

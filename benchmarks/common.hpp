// What the hand-written code (handwritten.hpp) shares with the other benchmarks without including
// nabla, so that a unit of hand-written training alone can be compiled and timed
// (scripts/compile_cost.py): the activations' names, the four networks' shapes, the minibatch's
// size, and the declaration of the shared weights.
#pragma once

#include <array>
#include <cstddef>

namespace bench {

enum class act { sigmoid, tanh, relu, identity, softmax };

// T 2-3-1 sigmoid (the lecture's XOR net), S 8-16-16-4 tanh/identity, M 64-128-64-10 and
// W 256-256-256-256-10 relu/softmax: the layer sizes and activations, without nabla's types
// (networks.hpp adds them and the loss).
namespace shape {
struct T {
    static constexpr const char* name = "T";
    static constexpr std::array<std::size_t, 3> sizes{2, 3, 1};
    static constexpr act hidden = act::sigmoid, output = act::sigmoid;
};
struct S {
    static constexpr const char* name = "S";
    static constexpr std::array<std::size_t, 4> sizes{8, 16, 16, 4};
    static constexpr act hidden = act::tanh, output = act::identity;
};
struct M {
    static constexpr const char* name = "M";
    static constexpr std::array<std::size_t, 4> sizes{64, 128, 64, 10};
    static constexpr act hidden = act::relu, output = act::softmax;
};
struct W {
    static constexpr const char* name = "W";
    static constexpr std::array<std::size_t, 5> sizes{256, 256, 256, 256, 10};
    static constexpr act hidden = act::relu, output = act::softmax;
};
} // namespace shape

inline constexpr std::size_t batch = 32;

// The widest vector registers the compiler targets and how many it has, as code written for the
// machine it runs on sizes its vectors and register tiles: AVX-512's 32 of 64 bytes, AVX's 16 of
// 32, SSE's 16 of 16. One width for every target made the hand-written loops and the peak's FMA
// chains spill on an AVX2 core (Zen 3: a 64-byte vector is two registers there, and 24 of them
// are three times the register file; the peak came out at 6 GFLOP/s, its loop moving vectors
// through the stack).
#if defined(__AVX512F__)
inline constexpr std::size_t vector_bytes = 64, vector_registers = 32;
#elif defined(__AVX__)
inline constexpr std::size_t vector_bytes = 32, vector_registers = 16;
#else
inline constexpr std::size_t vector_bytes = 16, vector_registers = 16;
#endif

// A benchmark network's weights, as nabla holds them (defined in networks.hpp).
template <class Net> const typename Net::net& weights();

} // namespace bench

// Random numbers that are the same on every compiler and standard library: splitmix64 bits, and
// uniform and normal deviates computed with nabla's own arithmetic (std:: distributions differ
// between implementations). Usable in constant evaluation.
#pragma once

#include <cstddef>
#include <cstdint>

#include <nabla/detail/math.hpp>

namespace nabla::detail {

class random_stream {
public:
    constexpr explicit random_stream(std::uint64_t seed) noexcept : state_(seed) {}

    // splitmix64 (Steele, Lea, Flood 2014): passes BigCrush, and is one add and three multiplies.
    constexpr std::uint64_t bits() noexcept {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1), 53 random bits.
    constexpr double uniform() noexcept { return static_cast<double>(bits() >> 11) * 0x1.0p-53; }
    constexpr double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }
    // Standard normal, by Marsaglia's polar method: needs only log and sqrt, both nabla's own.
    constexpr double normal() noexcept {
        for (;;) {
            const double u = uniform(-1, 1), v = uniform(-1, 1), s = u * u + v * v;
            if (s > 0 && s < 1) return u * constexpr_sqrt(-2 * constexpr_log(s) / s);
        }
    }

private:
    std::uint64_t state_;
};

// A random permutation of 0..n-1 that needs no storage: a four-round Feistel network on the
// smallest even number of bits that covers n, cycle-walked back into range (on average fewer than
// four rounds of walking). Different keys give different orders.
class index_permutation {
public:
    constexpr index_permutation(std::size_t n, std::uint64_t key) noexcept : n_(n) {
        while ((std::uint64_t{1} << (2 * half_bits_)) < n) ++half_bits_;
        random_stream keys(key);
        for (auto& k : round_keys_) k = keys.bits();
    }

    constexpr std::size_t operator()(std::size_t i) const noexcept {
        std::uint64_t v = i;
        do v = encrypt(v);
        while (v >= n_);
        return static_cast<std::size_t>(v);
    }

private:
    constexpr std::uint64_t encrypt(std::uint64_t v) const noexcept {
        const std::uint64_t mask = (std::uint64_t{1} << half_bits_) - 1;
        std::uint64_t left = v >> half_bits_, right = v & mask;
        for (std::uint64_t k : round_keys_) {
            std::uint64_t f = (right ^ k) * 0xbf58476d1ce4e5b9ULL;
            f ^= f >> 29;
            const std::uint64_t next = left ^ (f & mask);
            left = right;
            right = next;
        }
        return (left << half_bits_) | right;
    }

    std::size_t n_;
    unsigned half_bits_ = 1;
    std::uint64_t round_keys_[4]{};
};

} // namespace nabla::detail

// Little-endian reading and writing of integers and IEEE floats, whatever the host's byte order.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

namespace nabla::detail {

template <class U> constexpr U from_little_endian(const std::byte* p) noexcept {
    U value = 0;
    for (std::size_t k = 0; k < sizeof(U); ++k) value |= static_cast<U>(static_cast<U>(p[k]) << (8 * k));
    return value;
}
template <class U> constexpr void to_little_endian(U value, std::byte* p) noexcept {
    for (std::size_t k = 0; k < sizeof(U); ++k) p[k] = static_cast<std::byte>((value >> (8 * k)) & 0xff);
}

template <class T> using bits_of = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
// The exponent field of an IEEE float or double: the bits of +inf, below those of every NaN.
template <class T> inline constexpr bits_of<T> exponent_bits = sizeof(T) == 4 ? bits_of<T>{0x7f800000u} : static_cast<bits_of<T>>(0x7ff0000000000000ull);

// A cursor over a byte span that never reads past its end.
class byte_reader {
public:
    constexpr explicit byte_reader(std::span<const std::byte> bytes) noexcept : bytes_(bytes) {}
    constexpr bool has(std::size_t n) const noexcept { return bytes_.size() - position_ >= n; }
    constexpr std::size_t position() const noexcept { return position_; }
    constexpr std::size_t remaining() const noexcept { return bytes_.size() - position_; }
    template <class U> constexpr U read() noexcept {
        const U v = from_little_endian<U>(bytes_.data() + position_);
        position_ += sizeof(U);
        return v;
    }
    template <class T> constexpr T read_float() noexcept { return std::bit_cast<T>(read<bits_of<T>>()); }

private:
    std::span<const std::byte> bytes_;
    std::size_t position_ = 0;
};

// FNV-1a, 64 bits: a checksum that catches corrupted and reordered bytes.
constexpr std::uint64_t fnv1a(std::span<const std::byte> bytes) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (std::byte b : bytes) h = (h ^ static_cast<std::uint64_t>(b)) * 0x100000001b3ULL;
    return h;
}

} // namespace nabla::detail

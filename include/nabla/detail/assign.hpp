// The one loop that evaluates every tensor expression: each coefficient once, fused, in place.
#pragma once

#include <cstddef>

#include <nabla/tensor/expression.hpp>

namespace nabla::detail {

// Writes e into the row-major array at destination. The caller guarantees that the destination is
// not read by e (tensors' operator= makes sure of it by evaluating into a fresh object).
template <Expression E>
constexpr void assign(typename E::value_type* destination, const E& e) noexcept {
    // A product is evaluated whole, by a kernel shaped by its sizes.
    if constexpr (requires { e.evaluate_into(destination); }) return e.evaluate_into(destination);
    for (std::size_t i = 0; i < E::row_count; ++i)
        for (std::size_t j = 0; j < E::column_count; ++j)
            destination[i * E::column_count + j] = e.coefficient(i, j);
}

// Storage that the code creating it writes whole before reading it (an evaluated expression, the
// z, a and δ of a pass) is not zeroed first: for a batch on a 256-wide network that is a third of
// a megabyte a step.
struct uninitialized_t {
    explicit constexpr uninitialized_t() = default;
};
inline constexpr uninitialized_t uninitialized{};

// Storage that is whole 64-byte cache lines starts on one, so that a row of whole vectors is read
// without loads that straddle two lines (benchmark placement/W_products measures what that saves).
// Other storage keeps T's alignment: either way sizeof is Count · sizeof(T).
inline constexpr std::size_t cache_line = 64;
template <class T, std::size_t Count>
inline constexpr std::size_t storage_alignment = Count * sizeof(T) % cache_line == 0 ? cache_line : alignof(T);

// Row-major storage of Count values, zero-initialised unless asked not to be; what vector and
// matrix share.
template <class T, std::size_t Count> class storage {
public:
    using value_type = T;

    constexpr storage() noexcept : values_{} {}
    constexpr explicit storage(uninitialized_t) noexcept {}

    constexpr T* data() noexcept { return values_; }
    constexpr const T* data() const noexcept { return values_; }
    constexpr T* begin() noexcept { return values_; }
    constexpr T* end() noexcept { return values_ + Count; }
    constexpr const T* begin() const noexcept { return values_; }
    constexpr const T* end() const noexcept { return values_ + Count; }

    friend constexpr bool operator==(const storage& l, const storage& r) noexcept {
        for (std::size_t k = 0; k < Count; ++k)
            if (!(l.values_[k] == r.values_[k])) return false;
        return true;
    }

protected:
    alignas(storage_alignment<T, Count>) T values_[Count];
};

} // namespace nabla::detail

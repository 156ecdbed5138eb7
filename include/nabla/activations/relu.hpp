// relu: the rectified linear unit, max(0, z).
#pragma once

namespace nabla {

// σ(z) = max(0, z), σ'(z) = 1 for z > 0 and 0 otherwise (σ'(0) = 0).   nabla::dense<128, nabla::relu>
struct relu final {
    static constexpr const char* name = "relu";
    static constexpr const char* symbol = "relu"; // in formulas; empty: none is written
    template <class T> static constexpr T function(T z) noexcept { return z > T(0) ? z : T(0); }
    template <class T> static constexpr T derivative(T z, T) noexcept { return z > T(0) ? T(1) : T(0); }
};

} // namespace nabla

// identity: σ(z) = z, for linear outputs (regression).
#pragma once

namespace nabla {

// σ(z) = z, σ'(z) = 1.   nabla::dense<4, nabla::identity>
struct identity final {
    static constexpr const char* name = "identity";
    static constexpr const char* symbol = ""; // in formulas; empty: none is written
    template <class T> static constexpr T function(T z) noexcept { return z; }
    template <class T> static constexpr T derivative(T, T) noexcept { return T(1); }
};

} // namespace nabla

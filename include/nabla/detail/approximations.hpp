// Float e^x, tanh and σ as branch-free polynomials: std::exp and std::tanh are calls, so a loop over
// them runs one element at a time, while a loop over these vectorises. They are constexpr, and
// within a few ulp of std:: over every float (tests/approximations.cpp measures it on all 2^32).
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include <nabla/detail/bytes.hpp>
#include <nabla/detail/constant_evaluation.hpp>
#include <nabla/detail/vector_unit.hpp>

NABLA_BEGIN_IF_CONSTEVAL

namespace nabla::detail {

// condition ? a : b by bit masks. g++ sinks a division used by one arm of ?: into a branch that it
// then may not vectorise (the division could trap); both arms here are computed, then chosen.
template <class T> constexpr T choose(bool condition, T a, T b) noexcept {
    using bits = bits_of<T>;
    const bits mask = bits{0} - static_cast<bits>(condition);
    return std::bit_cast<T>((mask & std::bit_cast<bits>(a)) | (~mask & std::bit_cast<bits>(b)));
}

// |x| and x's sign put on a magnitude, by the sign bit: -0 stays -0, and no branch is needed.
template <class T> constexpr T magnitude_of(T x) noexcept {
    using bits = bits_of<T>;
    return std::bit_cast<T>(std::bit_cast<bits>(x) & (~bits{} >> 1));
}
template <class T> constexpr T with_sign_of(T magnitude, T x) noexcept {
    using bits = bits_of<T>;
    return std::bit_cast<T>(std::bit_cast<bits>(magnitude) | (std::bit_cast<bits>(x) & ~(~bits{} >> 1)));
}

// How a formula picks between two values it has computed. by_masks: bit masks, never a branch,
// for loops the compiler vectorises (with ?:, g++ sinks a division into a branch or jump-threads a
// clamp into constant-folded copies, and then will not vectorise). lone_value: ?:, |x| and the sign
// in floating-point registers, for a value computed alone (a layer narrower than a vector), where
// the masks' round trips through integer registers cost more than the arithmetic. The two give
// the same results.
struct by_masks {
    template <class T> static constexpr T pick(bool condition, T a, T b) noexcept { return choose(condition, a, b); }
    template <bool> static constexpr float at_least(float x, float bound) noexcept { return choose(x < bound, bound, x); }
    template <bool> static constexpr float at_most(float x, float bound) noexcept { return choose(x > bound, bound, x); }
    template <class T> static constexpr T magnitude(T x) noexcept { return magnitude_of(x); }
    template <class T> static constexpr T signed_like(T magnitude, T x) noexcept { return with_sign_of(magnitude, x); }
};
struct lone_value {
    template <class T> static constexpr T pick(bool condition, T a, T b) noexcept { return condition ? a : b; }
    // Clamps: by a branch where it is almost never taken (Predicted), else as vmaxss/vminss, the
    // bound hidden from the optimiser so that it cannot thread the clamped case into a constant-folded
    // copy of the whole formula (measured: σ is faster with the branches, tanh with min/max).
    template <bool Predicted> static constexpr float at_least(float x, float bound) noexcept {
        if constexpr (!Predicted) in_register(bound);
        return x < bound ? bound : x;
    }
    template <bool Predicted> static constexpr float at_most(float x, float bound) noexcept {
        if constexpr (!Predicted) in_register(bound);
        return x > bound ? bound : x;
    }
    template <class T> static constexpr T magnitude(T x) noexcept {
        if consteval {
            return magnitude_of(x);
        } else {
            if constexpr (std::is_same_v<T, float>) return __builtin_fabsf(x);
            else return __builtin_fabs(x);
        }
    }
    template <class T> static constexpr T signed_like(T magnitude, T x) noexcept {
        if consteval {
            return with_sign_of(magnitude, x);
        } else {
            if constexpr (std::is_same_v<T, float>) return __builtin_copysignf(magnitude, x);
            else return __builtin_copysign(magnitude, x);
        }
    }
};

// e^x: x = n ln 2 + r with |r| <= ln 2 / 2, e^r by Cephes' degree-7 polynomial (relative error
// below 2e-7), then 2^n built in the exponent field. exp_reduced stops before 2^n: it returns e^r
// and n (as the bits of a two's complement integer). NaN passes through every step (the clamps
// keep it), so it needs no case of its own. NotPositive: x <= 0 or NaN (σ's e^{-|x|}), so the upper
// clamp is left out (g++ cannot see that it never acts, and laid σ's lone form out around it).
// F is float, or four_floats for σ's four-lane form below (n then four integers).
typedef float four_floats __attribute__((vector_size(16)));
typedef std::uint32_t four_bits __attribute__((vector_size(16)));
typedef std::int32_t four_ints __attribute__((vector_size(16)));
template <class F> struct exp_parts {
    F q; // e^r - 1
    std::conditional_t<std::is_same_v<F, float>, std::uint32_t, four_bits> n;
};
template <class Pick = by_masks, bool PredictedClamps = false, bool NotPositive = false, class F = float>
constexpr exp_parts<F> exp_reduced(F x) noexcept {
    // e^-104 < half the smallest subnormal: 0; e^89 > FLT_MAX: +inf. NaN stays NaN.
    const F floored = Pick::template at_least<PredictedClamps>(x, -104.f);
    F clamped = floored;
    if constexpr (!NotPositive) clamped = Pick::template at_most<PredictedClamps>(floored, 89.f);
    // Round to nearest by the 1.5 · 2^23 trick: the sum's last bits are the integer n's, so n
    // also comes out of the sum's bits, with no float-to-integer conversion.
    constexpr float round_shift = 12582912.f;
    const F shifted = clamped * 1.44269504088896341f + round_shift;
    const F n = shifted - round_shift;
    // Cody and Waite: ln 2 in two parts, so that n · ln2_high is exact.
    const F r = (clamped - n * 0.693359375f) - n * -2.12194440e-4f;
    // Estrin's scheme: three pairs side by side, then e^r - 1 = (r + r² low) + r⁴ (middle + r² high),
    // two steps of multiply-adds with r² and r⁴ formed beside them: for the one-sample latency, a
    // step less than Horner's in r² (σ of a lone value in a chain 16.8 → 15.9 ns, T's step 46.5 →
    // 44.6 ns; a vectorised tanh pays the extra multiply, S's minibatch step 1-2 % slower).
    const F r2 = r * r, r4 = r2 * r2;
    const F high = 1.9875691500e-4f * r + 1.3981999507e-3f;
    const F middle = 8.3334519073e-3f * r + 4.1665795894e-2f;
    const F low = 1.6666665459e-1f * r + 5.0000001201e-1f;
    const F q = (r2 * low + r) + r4 * (r2 * high + middle);
    // n in [-150, 129] (anything for NaN, whose result stays NaN); unsigned arithmetic, so no
    // pattern overflows.
    return {q, std::bit_cast<decltype(exp_parts<F>::n)>(shifted) - 0x4B400000u};
}
// 2^n as two normal floats, 2^⌊n/2⌋ and 2^(n - ⌊n/2⌋), for n in [-150, 129]: a value multiplied
// by one and then the other rounds once where the result is subnormal, and becomes +inf past FLT_MAX.
struct power_halves {
    float first, second;
};
constexpr power_halves two_halves(std::uint32_t n) noexcept {
    const std::uint32_t half = static_cast<std::uint32_t>(static_cast<std::int32_t>(n) >> 1);
    return {std::bit_cast<float>((half + 127u) << 23), std::bit_cast<float>((n - half + 127u) << 23)};
}

template <class Pick = by_masks, bool PredictedClamps = false, bool NotPositive = false>
constexpr float exp_approximation(float x) noexcept {
    const exp_parts<float> e = exp_reduced<Pick, PredictedClamps, NotPositive>(x);
    const power_halves scale = two_halves(e.n);
    return (e.q + 1.f) * scale.first * scale.second;
}

// a · b + c rounded once where the target has FMA, so that the forms of σ below round alike
// whichever multiply-adds g++ would contract; a · b + c in constant evaluation.
template <class F> constexpr F fused(F a, F b, F c) noexcept {
#if defined(__FMA__)
    if !consteval {
        if constexpr (std::is_same_v<F, float>) return __builtin_fmaf(a, b, c);
        else return __builtin_ia32_vfmaddps(a, b, c);
    }
#endif
    return a * b + c;
}

// σ(x) from the parts of e^{-|x|} where s = 2^n is a normal float (n >= -125): e = (1 + q) s and
// 1 + e are each one multiply-add on q, q s + s and q s + (s + 1), so that the division waits one
// step after q, not two (+ 1, then · s + 1): σ of a lone value in a chain 15.75 → 15.1 ns, T's
// one-sample step 44.1-44.4 → 42.8-43.0 ns (eight alternating runs each, docs/benchmarks-notes.md);
// the worst error over every float stays 2 ulp. F is float or four_floats: the lone form and its four lanes (below) share these steps,
// and so their bits.
template <class F> F sigmoid_from_parts(F x, const exp_parts<F>& parts) noexcept {
    const F scale = std::bit_cast<F>((parts.n + 127u) << 23);
    const F one = F{} + 1.f;
    return (x < 0.f ? fused(parts.q, scale, scale) : one) / fused(parts.q, scale, scale + 1.f);
}

// σ(x) from e = e^{-|x|} <= 1: 1 / (1 + e) for x >= 0 and e / (1 + e) below, so neither side
// overflows and tiny results keep their precision. e and 1 + e are sigmoid_from_parts' multiply-
// adds with 2^n in two halves (q 2^⌊n/2⌋ is exact, and the multiply-add scales it by the other),
// so that subnormal results round once and a value computed alone, which takes the shorter chain
// of sigmoid_from_parts where 2^n is a normal float, gets the same bits.
template <class Pick = by_masks> constexpr float sigmoid_approximation(float x) noexcept {
    if constexpr (std::is_same_v<Pick, lone_value>) {
        if !consteval {
            const exp_parts<float> parts = exp_reduced<Pick, true, true>(-Pick::magnitude(x));
            if (static_cast<std::int32_t>(parts.n) >= -125) [[likely]] return sigmoid_from_parts(x, parts);
        }
    }
    const exp_parts<float> e = exp_reduced<Pick, true, true>(-Pick::magnitude(x));
    const power_halves scale = two_halves(e.n);
    const float q_first = e.q * scale.first, s = scale.first * scale.second;
    const float numerator = Pick::pick(x < 0.f, fused(q_first, scale.second, s), 1.f);
    return numerator / fused(q_first, scale.second, s + 1.f);
}

// σ of up to four values side by side, for a layer narrower than a vector: the lone form's
// operations, in the same order, on one 128-bit register, so the results are the lone form's bit
// for bit, at a third of the instructions for three values (T's hidden layer). Should a lane's
// n fall below -125 (|x| above about 86), every lane takes the lone form.
struct four_lanes {
    template <bool> static four_floats at_least(four_floats x, float bound) noexcept {
        return x < bound ? four_floats{} + bound : x;
    }
    static four_floats magnitude(four_floats x) noexcept {
        return std::bit_cast<four_floats>(std::bit_cast<four_bits>(x) & 0x7FFFFFFFu);
    }
};
inline four_floats sigmoid_approximation(four_floats x) noexcept {
    const exp_parts<four_floats> parts = exp_reduced<four_lanes, true, true>(-four_lanes::magnitude(x));
    const four_ints below = std::bit_cast<four_ints>(parts.n) < -125;
    if ((below[0] | below[1] | below[2] | below[3]) != 0) [[unlikely]] {
        four_floats result{};
        for (int k = 0; k < 4; ++k) result[k] = sigmoid_approximation<lone_value>(x[k]);
        return result;
    }
    return sigmoid_from_parts(x, parts);
}

// tanh x: an odd polynomial (Cephes) below 0.625, where 1 - 2 / (e^{2|x|} + 1) would cancel;
// above, that expression, which reaches exactly 1 where e^{2|x|} overflows. Written as
// base - numerator / denominator with the three picked, so that the division is always done (a
// division in one arm only is what g++ would branch around).
template <class Pick = by_masks> constexpr float tanh_approximation(float x) noexcept {
    const float magnitude = Pick::magnitude(x);
    const float s = x * x;
    float p = -5.70498872745e-3f;
    p = p * s + 2.06390887954e-2f;
    p = p * s - 5.37397155531e-2f;
    p = p * s + 1.33314422036e-1f;
    p = p * s - 3.33332819422e-1f;
    const float small = (p * s) * magnitude + magnitude;
    const bool near_zero = magnitude < 0.625f;
    const float e = exp_approximation<Pick>(2.f * magnitude);
    const float base = Pick::pick(near_zero, small, 1.f);
    const float numerator = Pick::pick(near_zero, 0.f, 2.f);
    const float denominator = Pick::pick(near_zero, 1.f, e + 1.f);
    return Pick::signed_like(base - numerator / denominator, x);
}

// The coarser variants, for float and double alike: tanh by its [7/6] Padé approximant N / D up
// to |x| = 4.9717868, where it reaches 1, and ±1 beyond (absolute error below 1e-4 everywhere),
// with no exponential at all.
template <class T> inline constexpr T fast_tanh_cut = T(4.9717868);

template <class Pick = by_masks, class T> constexpr T fast_tanh_approximation(T x) noexcept {
    const T magnitude = Pick::magnitude(x);
    const bool inside = magnitude < fast_tanh_cut<T>;
    const T m = Pick::pick(inside, magnitude, fast_tanh_cut<T>); // NaN: the cut, restored below
    const T s = m * m;
    const T numerator = m * (T(135135) + s * (T(17325) + s * (T(378) + s)));
    const T denominator = T(135135) + s * (T(62370) + s * (T(3150) + s * T(28)));
    const T t = Pick::pick(inside, numerator / denominator, T(1));
    return Pick::pick(x != x, x, Pick::signed_like(Pick::pick(t < T(1), t, T(1)), x));
}

// The approximant's own derivative (N' D - N D') / D², 0 beyond the cut: what gradient descent
// must follow, since 1 - tanh² differs from it by up to 1.3e-3.
template <class T> constexpr T fast_tanh_derivative(T x) noexcept {
    const T magnitude = magnitude_of(x);
    const T m = choose(magnitude < fast_tanh_cut<T>, magnitude, fast_tanh_cut<T>);
    const T s = m * m;
    const T numerator = m * (T(135135) + s * (T(17325) + s * (T(378) + s)));
    const T numerator_slope = T(135135) + s * (T(51975) + s * (T(1890) + s * T(7)));
    const T denominator = T(135135) + s * (T(62370) + s * (T(3150) + s * T(28)));
    const T denominator_slope = m * (T(124740) + s * (T(12600) + s * T(168)));
    const T slope = (numerator_slope * denominator - numerator * denominator_slope) / (denominator * denominator);
    return choose(magnitude < fast_tanh_cut<T>, slope, T(0));
}

// σ(x) = (1 + tanh(x / 2)) / 2, so σ'(x) = tanh'(x / 2) / 4.
template <class Pick = by_masks, class T> constexpr T fast_sigmoid_approximation(T x) noexcept {
    return T(0.5) + T(0.5) * fast_tanh_approximation<Pick>(T(0.5) * x);
}
template <class T> constexpr T fast_sigmoid_derivative(T x) noexcept { return T(0.25) * fast_tanh_derivative(T(0.5) * x); }

} // namespace nabla::detail

NABLA_END_IF_CONSTEVAL

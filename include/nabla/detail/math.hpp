// Scalar math usable in constant evaluation: std::exp and friends are not constexpr in C++20,
// so during constant evaluation nabla computes them itself and at run time calls the library.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <nabla/detail/approximations.hpp>
#include <nabla/detail/constant_evaluation.hpp>

NABLA_BEGIN_IF_CONSTEVAL

namespace nabla::detail {

// exp(x) for double, to about 1 ulp: x = k ln2 + r with |r| <= ln2/2, a Taylor series for e^r,
// then 2^k applied through the exponent bits.
constexpr double constexpr_exp(double x) noexcept {
    if (x != x) return x;
    if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
    if (x < -745.2) return 0.0;
    constexpr double ln2 = 0.6931471805599453094172321;
    const double kd = x / ln2;
    const auto k = static_cast<std::int64_t>(kd < 0 ? kd - 0.5 : kd + 0.5);
    const double r = x - static_cast<double>(k) * ln2;
    double term = 1.0, sum = 1.0;
    for (int n = 1; n < 24; ++n) {
        term *= r / n;
        sum += term;
    }
    // Split 2^k in two factors so that subnormal results are reached without an invalid exponent.
    const std::int64_t k1 = k / 2, k2 = k - k1;
    const double f1 = std::bit_cast<double>(static_cast<std::uint64_t>(k1 + 1023) << 52);
    const double f2 = std::bit_cast<double>(static_cast<std::uint64_t>(k2 + 1023) << 52);
    return sum * f1 * f2;
}

// log(x) for double: x = m 2^e with m in [sqrt(1/2), sqrt(2)), then log m = 2 atanh((m-1)/(m+1)).
constexpr double constexpr_log(double x) noexcept {
    if (x != x || x < 0) return std::numeric_limits<double>::quiet_NaN();
    if (x == 0) return -std::numeric_limits<double>::infinity();
    if (x == std::numeric_limits<double>::infinity()) return x;
    int e = 0;
    while (x < 0.7071067811865476) { x *= 2; --e; }
    while (x >= 1.4142135623730951) { x /= 2; ++e; }
    const double s = (x - 1) / (x + 1), s2 = s * s;
    double power = s, sum = 0;
    for (int n = 1; n < 60; n += 2) {
        sum += power / n;
        power *= s2;
    }
    return 2 * sum + e * 0.6931471805599453094172321;
}

// sqrt(x) for double, correctly rounded like std::sqrt: Newton's iteration from a bit-level
// estimate, then a last correction of one ulp either way.
constexpr double constexpr_sqrt(double x) noexcept {
    if (x != x || x < 0) return std::numeric_limits<double>::quiet_NaN();
    if (x == 0 || x == std::numeric_limits<double>::infinity()) return x;
    double r = std::bit_cast<double>((std::bit_cast<std::uint64_t>(x) >> 1) + (std::uint64_t{1023} << 51));
    for (int i = 0; i < 8; ++i) r = 0.5 * (r + x / r);
    // Of r and its neighbours, keep the one whose square is nearest x.
    const auto error = [x](double c) { const double e = c * c - x; return e < 0 ? -e : e; };
    const double below = std::bit_cast<double>(std::bit_cast<std::uint64_t>(r) - 1);
    const double above = std::bit_cast<double>(std::bit_cast<std::uint64_t>(r) + 1);
    if (error(below) < error(r)) r = below;
    if (error(above) < error(r)) r = above;
    return r;
}

// The C library's sqrt, exp, log, log1p and tanh for float or double, through the compilers'
// builtins (which is what <cmath> calls as well): <cmath> itself would add a tenth of a second to
// the compile time of every file that includes nabla.
enum class library { sqrt, exp, log, log1p, tanh };
template <library f, class T> T call_library(T x) noexcept {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "nabla computes in float or double");
    if constexpr (std::is_same_v<T, float>) {
        if constexpr (f == library::sqrt) return __builtin_sqrtf(x);
        else if constexpr (f == library::exp) return __builtin_expf(x);
        else if constexpr (f == library::log) return __builtin_logf(x);
        else if constexpr (f == library::log1p) return __builtin_log1pf(x);
        else return __builtin_tanhf(x);
    } else {
        if constexpr (f == library::sqrt) return __builtin_sqrt(x);
        else if constexpr (f == library::exp) return __builtin_exp(x);
        else if constexpr (f == library::log) return __builtin_log(x);
        else if constexpr (f == library::log1p) return __builtin_log1p(x);
        else return __builtin_tanh(x);
    }
}

// Whether x is neither infinite nor NaN, usable in constant evaluation.
template <class T> constexpr bool is_finite(T x) noexcept { return x - x == T(0); }

template <class T> constexpr T sqrt(T x) noexcept {
    if consteval {
        return static_cast<T>(constexpr_sqrt(static_cast<double>(x)));
    } else {
        return call_library<library::sqrt>(x);
    }
}

// √x in every lane of a GCC/Clang vector of float or double, correctly rounded as sqrt is. On x86
// one sqrtps/sqrtpd: a loop of sqrt calls does not vectorise (the C library's sqrt may set errno,
// so g++ keeps each call and its check), and the compilers' vector sqrt builtins differ.
template <class V> V lanes_sqrt(V x) noexcept {
    using E = std::remove_cvref_t<decltype(x[0])>;
    static_assert(std::is_same_v<E, float> || std::is_same_v<E, double>, "nabla computes in float or double");
#if defined(__AVX__)
    if constexpr (sizeof(V) >= 16) {
        if constexpr (std::is_same_v<E, float>) asm("vsqrtps %1, %0" : "=v"(x) : "v"(x));
        else asm("vsqrtpd %1, %0" : "=v"(x) : "v"(x));
        return x;
    }
#elif defined(__SSE2__)
    if constexpr (sizeof(V) == 16) {
        if constexpr (std::is_same_v<E, float>) asm("sqrtps %1, %0" : "=x"(x) : "x"(x));
        else asm("sqrtpd %1, %0" : "=x"(x) : "x"(x));
        return x;
    }
#endif
    for (std::size_t k = 0; k < sizeof(V) / sizeof(E); ++k) x[k] = call_library<library::sqrt>(E(x[k]));
    return x;
}

// float takes the vectorisable approximations (detail/approximations.hpp) in every context, so that
// compile-time and run-time results agree and loops over them vectorise; double takes std::.
template <class T> constexpr T exp(T x) noexcept {
    if constexpr (std::is_same_v<T, float>) {
        return exp_approximation(x);
    } else {
        if consteval {
            return static_cast<T>(constexpr_exp(static_cast<double>(x)));
        } else {
            return call_library<library::exp>(x);
        }
    }
}

template <class T> constexpr T log(T x) noexcept {
    if consteval {
        return static_cast<T>(constexpr_log(static_cast<double>(x)));
    } else {
        return call_library<library::log>(x);
    }
}

template <class T> constexpr T log1p(T x) noexcept {
    if consteval {
        const double d = static_cast<double>(x);
        // Near zero log(1 + x) would lose x's low bits; the series keeps them.
        if (d > -1e-4 && d < 1e-4) return static_cast<T>(d - d * d / 2 + d * d * d / 3);
        return static_cast<T>(constexpr_log(1 + d));
    } else {
        return call_library<library::log1p>(x);
    }
}

template <class T> constexpr T tanh(T x) noexcept {
    if constexpr (std::is_same_v<T, float>) {
        return tanh_approximation(x);
    } else {
        if consteval {
            const double d = static_cast<double>(x);
            const double m = d < 0 ? -d : d;
            double t;
            if (m < 1e-3) t = m - m * m * m / 3 + 2 * m * m * m * m * m / 15;
            else if (m > 20) t = 1;
            else t = 1 - 2 / (constexpr_exp(2 * m) + 1);
            return static_cast<T>(d < 0 ? -t : t);
        } else {
            return call_library<library::tanh>(x);
        }
    }
}

// softplus(x) = log(1 + e^x), finite for every finite x.
template <class T> constexpr T softplus(T x) noexcept {
    const T positive = x > T(0) ? x : T(0);
    const T magnitude = x > T(0) ? x : -x;
    return positive + detail::log1p(detail::exp(-magnitude));
}

} // namespace nabla::detail

NABLA_END_IF_CONSTEVAL

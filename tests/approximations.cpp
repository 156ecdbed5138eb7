// The float approximations of e^x, tanh and σ against std:: over every one of the 2^32 floats
// (NABLA_FLOAT_STRIDE=k checks every k-th, for the slow sanitizer build), the fast variants'
// absolute error, and their use in constant evaluation.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "testing.hpp"

namespace {

using nabla::detail::exp_approximation;
using nabla::detail::fast_sigmoid_approximation;
using nabla::detail::fast_tanh_approximation;
using nabla::detail::lone_value;
using nabla::detail::sigmoid_approximation;
using nabla::detail::tanh_approximation;

// Comparisons without a branch, so that the sweep's loops over a block vectorise (as scalar loops
// they took a fifth of its time). is_nan is 1 for NaN, else 0; nan_mask all ones for NaN, else 0.
constexpr std::uint32_t is_nan(float f) { return (std::bit_cast<std::uint32_t>(f) & 0x7fffffffu) > 0x7f800000u; }
constexpr std::uint32_t nan_mask(float f) { return 0u - is_nan(f); }
// A float's place in value order, -0 with +0: two places' difference is the floats' ulp distance,
// and never overflows.
constexpr std::uint32_t place(float f) {
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(f), negative = 0u - (bits >> 31);
    return 0x80000000u + (((bits & 0x7fffffffu) ^ negative) - negative);
}
// Ulps from actual to expected: 0 for two NaNs, the largest distance for a NaN against a number.
constexpr std::uint32_t distance(float actual, float expected) {
    const std::uint32_t a = place(actual), e = place(expected), numbers = std::max(a, e) - std::min(a, e);
    const std::uint32_t nan_a = nan_mask(actual), nan_e = nan_mask(expected), either = nan_a | nan_e;
    return (numbers & ~either) | (either & ~(nan_a & nan_e));
}
// 1 where a and b are not bit for bit the same, nor both NaN.
constexpr std::uint32_t differs(float a, float b) {
    return static_cast<std::uint32_t>(std::bit_cast<std::uint32_t>(a) != std::bit_cast<std::uint32_t>(b)) & ~(is_nan(a) & is_nan(b));
}
static_assert(distance(-0.f, 0.f) == 0 && distance(1.f, std::bit_cast<float>(0x3f800002u)) == 2);
static_assert(distance(-std::bit_cast<float>(1u), std::bit_cast<float>(1u)) == 2 && distance(NAN, -NAN) == 0);
static_assert(distance(-INFINITY, INFINITY) == 0xff000000u && distance(NAN, 1.f) == UINT32_MAX);
static_assert(!differs(NAN, -NAN) && differs(0.f, -0.f) && !differs(2.f, 2.f));

struct worst {
    std::int64_t exp = 0, tanh = 0, sigmoid = 0; // ulps
    std::uint64_t lone_differs = 0;              // values where a lone_value or four-lane form is not bit for bit the same
    double fast_tanh = 0, fast_sigmoid = 0;      // absolute
    float exp_at = 0, tanh_at = 0, sigmoid_at = 0;
    static void note(std::int64_t& most, float& at, std::int64_t ulps, float x) {
        if (ulps > most) most = ulps, at = x;
    }
    void merge(const worst& o) {
        note(exp, exp_at, o.exp, o.exp_at);
        note(tanh, tanh_at, o.tanh, o.tanh_at);
        note(sigmoid, sigmoid_at, o.sigmoid, o.sigmoid_at);
        fast_tanh = std::max(fast_tanh, o.fast_tanh);
        fast_sigmoid = std::max(fast_sigmoid, o.fast_sigmoid);
        lone_differs += o.lone_differs;
    }
};

// What std:: gives: e^x, tanh x, and σ(x) = 1 / (1 + e^{-x}) (no std:: function) in double, rounded
// once. From |x| = 128 on these are their limits, which libm reaches through its slow overflow and
// underflow paths, on almost half of all floats: e^128 is past FLT_MAX and e^-128 below half the
// smallest subnormal; tanh and σ round to ±1 and 0 or 1 from |x| = 9 and 104 on. A test below
// checks the limits against std:: over that range.
struct reference {
    float exp, tanh, sigmoid;
};
reference std_reference(float x) {
    const double d = x, e_minus = std::exp(-std::abs(d));
    return {std::exp(x), std::tanh(x), static_cast<float>((d >= 0 ? 1 : e_minus) / (1 + e_minus))};
}
reference reference_at(float x) {
    if (std::abs(x) >= 128.f) return x > 0 ? reference{INFINITY, 1.f, 1.f} : reference{0.f, -1.f, 0.f};
    return std_reference(x);
}

constexpr std::size_t block = 1024;
using floats = std::array<float, block>;

// A block's largest ulp distance into the running worst; where it is larger, the block is read
// again for the first value that reaches it, which is where a value-by-value note would stop.
void note_block(std::int64_t& most, float& at, const floats& x, const floats& actual, const floats& expected, std::size_t n) {
    std::uint32_t largest = 0;
    for (std::size_t i = 0; i < n; ++i) largest = std::max(largest, distance(actual[i], expected[i]));
    if (largest <= most) return;
    for (std::size_t i = 0; i < n; ++i) {
        if (distance(actual[i], expected[i]) == largest) {
            most = largest, at = x[i];
            return;
        }
    }
}
// A fast variant's largest absolute error over a block, |actual - expected| rounded to float
// (both are in [-1, 1]), whose bits order as its values; infinite where NaN does not answer
// NaN alone.
double largest_error(const floats& x, const floats& actual, const floats& expected, std::size_t n) {
    std::uint32_t largest = 0, nan_differs = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t error = std::bit_cast<std::uint32_t>(std::abs(actual[i] - expected[i]));
        largest = std::max(largest, error & ~nan_mask(x[i]) & ~nan_mask(actual[i]));
        nan_differs |= is_nan(actual[i]) ^ is_nan(x[i]);
    }
    return nan_differs ? INFINITY : std::bit_cast<float>(largest);
}

// The floats whose bit patterns are first, first + stride, ... below last, a block at a time: the
// approximations in their own loops (so that they run as nabla runs them, vectorised), then the
// references, then the comparisons.
worst sweep(std::uint64_t first, std::uint64_t last, std::uint64_t stride) {
    floats x, e, t, s, ft, fs, le, lt, ls, lft, lfs, s4, re, rt, rs;
    worst w;
    for (std::uint64_t start = first; start < last; start += block * stride) {
        std::size_t n = 0;
        for (std::uint64_t u = start; u < last && n < block; u += stride) x[n++] = std::bit_cast<float>(static_cast<std::uint32_t>(u));
        for (std::size_t i = n; i < (n + 3) / 4 * 4; ++i) x[i] = 0.f; // the last four lanes' padding
        for (std::size_t i = 0; i < n; ++i) e[i] = exp_approximation(x[i]);
        for (std::size_t i = 0; i < n; ++i) t[i] = tanh_approximation(x[i]);
        for (std::size_t i = 0; i < n; ++i) s[i] = sigmoid_approximation(x[i]);
        for (std::size_t i = 0; i < n; ++i) ft[i] = fast_tanh_approximation(x[i]);
        for (std::size_t i = 0; i < n; ++i) fs[i] = fast_sigmoid_approximation(x[i]);
        for (std::size_t i = 0; i < n; ++i) le[i] = exp_approximation<lone_value>(x[i]);
        for (std::size_t i = 0; i < n; ++i) lt[i] = tanh_approximation<lone_value>(x[i]);
        for (std::size_t i = 0; i < n; ++i) ls[i] = sigmoid_approximation<lone_value>(x[i]);
        for (std::size_t i = 0; i < n; ++i) lft[i] = fast_tanh_approximation<lone_value>(x[i]);
        for (std::size_t i = 0; i < n; ++i) lfs[i] = fast_sigmoid_approximation<lone_value>(x[i]);
        // σ's four-lane form, four neighbours at a time (a lane past the range sends all four
        // to the lone form).
        for (std::size_t i = 0; i < n; i += 4) {
            nabla::detail::four_floats lanes;
            std::memcpy(&lanes, &x[i], sizeof lanes);
            lanes = sigmoid_approximation(lanes);
            std::memcpy(&s4[i], &lanes, sizeof lanes);
        }
        for (std::size_t i = 0; i < n; ++i) {
            const reference r = reference_at(x[i]);
            re[i] = r.exp, rt[i] = r.tanh, rs[i] = r.sigmoid;
        }
        std::uint32_t lone_differs = 0;
        for (std::size_t i = 0; i < n; ++i) {
            lone_differs += differs(le[i], e[i]) + differs(lt[i], t[i]) + differs(ls[i], s[i]) + differs(lft[i], ft[i]) +
                            differs(lfs[i], fs[i]) + differs(s4[i], s[i]);
        }
        w.lone_differs += lone_differs;
        note_block(w.exp, w.exp_at, x, e, re, n);
        note_block(w.tanh, w.tanh_at, x, t, rt, n);
        note_block(w.sigmoid, w.sigmoid_at, x, s, rs, n);
        w.fast_tanh = std::max(w.fast_tanh, largest_error(x, ft, rt, n));
        w.fast_sigmoid = std::max(w.fast_sigmoid, largest_error(x, fs, rs, n));
    }
    return w;
}

} // namespace

TEST_CASE("float e^x, tanh and sigmoid are within a few ulp of std:: over every float", "[approximations]") {
    const char* setting = std::getenv("NABLA_FLOAT_STRIDE");
    const std::uint64_t stride = setting ? std::max(1ull, std::strtoull(setting, nullptr, 10)) : 1;
    constexpr std::uint64_t all = 1ull << 32;
    // Two threads, each half of the bit patterns (this machine and CI's have two cores).
    worst high;
    std::thread other([&] { high = sweep(all / 2, all, stride); });
    worst w = sweep(0, all / 2, stride);
    other.join();
    w.merge(high);
    WARN("every " << stride << ". float: e^x " << w.exp << " ulp (at " << w.exp_at << "), tanh " << w.tanh << " ulp (at "
                  << w.tanh_at << "), sigmoid " << w.sigmoid << " ulp (at " << w.sigmoid_at << "); fast_tanh "
                  << w.fast_tanh << ", fast_sigmoid " << w.fast_sigmoid << " absolute; lone_value forms differ at "
                  << w.lone_differs);
    CHECK(w.exp <= 2);
    CHECK(w.tanh <= 2);
    CHECK(w.sigmoid <= 3);
    CHECK(w.fast_tanh < 1e-4);
    CHECK(w.fast_sigmoid < 5e-5);
    CHECK(w.lone_differs == 0);
}

// The sweep's block comparisons on planted errors, so that a comparison that missed them could
// not pass the sweep unseen.
TEST_CASE("the sweep's block comparisons find planted errors where they are", "[approximations]") {
    floats x{}, actual{}, expected{};
    const std::size_t n = 100;
    for (std::size_t i = 0; i < n; ++i) x[i] = actual[i] = expected[i] = 0.01f * static_cast<float>(i) - 0.5f;
    actual[37] = std::bit_cast<float>(std::bit_cast<std::uint32_t>(expected[37]) + 3); // 3 ulps
    actual[61] = std::bit_cast<float>(std::bit_cast<std::uint32_t>(expected[61]) + 3); // as many, later
    actual[80] = std::bit_cast<float>(std::bit_cast<std::uint32_t>(expected[80]) + 2);
    std::int64_t most = 0;
    float at = 0;
    note_block(most, at, x, actual, expected, n);
    CHECK(most == 3);
    CHECK(at == x[37]);
    note_block(most, at, x, actual, expected, 37); // 2 ulps at most here: the worst stays
    CHECK(most == 3);
    std::int64_t from_zero = 0;
    note_block(from_zero, at, x, actual, expected, 37);
    CHECK(from_zero == 0);
    actual[90] = NAN;
    note_block(most, at, x, actual, expected, n);
    CHECK(most == UINT32_MAX);
    CHECK(at == x[90]);

    for (std::size_t i = 0; i < n; ++i) actual[i] = expected[i];
    actual[12] = expected[12] + 0.25f;
    actual[44] = expected[44] - 0.5f;
    CHECK(largest_error(x, actual, expected, n) == 0.5);
    CHECK(largest_error(x, actual, expected, 40) == 0.25);
    x[5] = actual[5] = NAN; // NaN answering NaN: no error
    CHECK(largest_error(x, actual, expected, n) == 0.5);
    actual[7] = NAN; // NaN for a number
    CHECK(largest_error(x, actual, expected, n) == INFINITY);
}

TEST_CASE("the sweep's references from |x| = 128 on are std::'s", "[approximations]") {
    // Of either sign: the first 4096 floats from 128 on, then every 1021st, and infinity.
    const std::uint32_t from = std::bit_cast<std::uint32_t>(128.f), infinity = 0x7f800000u;
    std::uint64_t checked = 0, differ = 0;
    for (const std::uint32_t sign : {0u, 0x80000000u}) {
        for (std::uint32_t u = from;; u = u < from + 4096 ? u + 1 : std::min(u + 1021, infinity)) {
            const float x = std::bit_cast<float>(sign | u);
            const reference limit = reference_at(x), exact = std_reference(x);
            differ += differs(limit.exp, exact.exp) + differs(limit.tanh, exact.tanh) + differs(limit.sigmoid, exact.sigmoid);
            ++checked;
            if (u == infinity) break;
        }
    }
    CHECK(checked > 1'980'000);
    CHECK(differ == 0);
}

TEST_CASE("the approximations' limits and special values", "[approximations]") {
    const float inf = INFINITY;
    CHECK(exp_approximation(0.f) == 1.f);
    CHECK(exp_approximation(89.f) == inf);
    CHECK(exp_approximation(inf) == inf);
    CHECK(exp_approximation(-inf) == 0.f);
    CHECK(exp_approximation(-87.5f) > 0.f); // subnormal, not flushed
    CHECK(std::isnan(exp_approximation(NAN)));
    CHECK(tanh_approximation(-inf) == -1.f);
    CHECK(tanh_approximation(inf) == 1.f);
    CHECK(tanh_approximation(-0.f) == 0.f);
    CHECK(std::signbit(tanh_approximation(-0.f)));
    CHECK(sigmoid_approximation(-inf) == 0.f);
    CHECK(sigmoid_approximation(inf) == 1.f);
    CHECK(std::isnan(sigmoid_approximation(NAN)));
    CHECK(std::isnan(tanh_approximation(NAN)));
    CHECK(std::isnan(exp_approximation<lone_value>(NAN)));
    CHECK(std::isnan(sigmoid_approximation<lone_value>(NAN)));
    CHECK(std::isnan(tanh_approximation<lone_value>(-NAN)));
    CHECK(std::signbit(tanh_approximation<lone_value>(-0.f)));
    CHECK(tanh_approximation<lone_value>(-inf) == -1.f);
    CHECK(exp_approximation<lone_value>(inf) == inf);
    // σ's four-lane form beside values that send it to the lone form (|x| > 86), and specials.
    for (const nabla::detail::four_floats lanes : {nabla::detail::four_floats{0.5f, -100.f, 3.f, NAN},
                                                   nabla::detail::four_floats{inf, -inf, 1e-40f, -0.f},
                                                   nabla::detail::four_floats{-86.f, 86.f, -1.f, 20.f}}) {
        const nabla::detail::four_floats result = sigmoid_approximation(lanes);
        for (int k = 0; k < 4; ++k) CHECK(!differs(result[k], sigmoid_approximation<lone_value>(lanes[k])));
    }
    // fast_tanh, fast_sigmoid: the lone forms in double too.
    for (const double z : {-7.0, -4.9717868, -1.25, -0.0, 0.3, 2.0, 6.5}) {
        CHECK(fast_tanh_approximation<lone_value>(z) == fast_tanh_approximation(z));
        CHECK(fast_sigmoid_approximation<lone_value>(z) == fast_sigmoid_approximation(z));
    }
    CHECK(std::signbit(fast_tanh_approximation<lone_value>(-0.0)));
    CHECK(std::isnan(fast_tanh_approximation<lone_value>(std::nan(""))));
    CHECK(fast_tanh_approximation(10.f) == 1.f);
    CHECK(fast_tanh_approximation(-10.0) == -1.0);
    CHECK(fast_sigmoid_approximation(-20.f) == 0.f);
    CHECK(fast_sigmoid_approximation(20.f) == 1.f);
}

// Constant evaluation does not contract a * b + c into one rounding, run time may (with FMA
// hardware): the two agree to an ulp.
TEST_CASE("the approximations work in constant evaluation and agree with run time", "[approximations]") {
    static_assert(exp_approximation(0.f) == 1.f);
    static_assert(tanh_approximation(0.f) == 0.f);
    static_assert(sigmoid_approximation(0.f) == 0.5f);
    static_assert(sigmoid_approximation<lone_value>(0.f) == 0.5f);
    static_assert(tanh_approximation<lone_value>(-0.5f) == tanh_approximation(-0.5f));
    static_assert(fast_tanh_approximation(0.0) == 0.0);
    static constexpr std::array<float, 6> at{-30.f, -2.5f, -0.3f, 0.1f, 1.7f, 12.f};
    constexpr auto compile_time = [] {
        std::array<float, 18> r{};
        for (std::size_t i = 0; i < 6; ++i) {
            r[i] = exp_approximation(at[i]);
            r[6 + i] = tanh_approximation(at[i]);
            r[12 + i] = sigmoid_approximation(at[i]);
        }
        return r;
    }();
    for (std::size_t i = 0; i < 6; ++i) {
        volatile float x = at[i];
        CHECK(distance(compile_time[i], exp_approximation(x)) <= 1);
        CHECK(distance(compile_time[6 + i], tanh_approximation(x)) <= 1);
        CHECK(distance(compile_time[12 + i], sigmoid_approximation(x)) <= 1);
    }
}

TEMPLATE_TEST_CASE("fast_tanh and fast_sigmoid: derivatives of the approximations themselves", "[approximations]", float, double) {
    using T = TestType;
    const T z = GENERATE(T(-4), T(-1.5), T(-0.2), T(0.05), T(0.8), T(3));
    const double h = 1e-6;
    const auto numeric = [&](auto f) { return (f(static_cast<double>(z) + h) - f(static_cast<double>(z) - h)) / (2 * h); };
    const T tolerance = std::is_same_v<T, float> ? T(2e-6) : T(1e-9);
    CHECK(testing::close(static_cast<double>(nabla::fast_tanh::derivative(z, nabla::fast_tanh::function(z))),
                         numeric([](double x) { return nabla::fast_tanh::function(x); }), tolerance, tolerance));
    CHECK(testing::close(static_cast<double>(nabla::fast_sigmoid::derivative(z, nabla::fast_sigmoid::function(z))),
                         numeric([](double x) { return nabla::fast_sigmoid::function(x); }), tolerance, tolerance));
    CHECK(std::abs(static_cast<double>(nabla::fast_tanh::function(z)) - std::tanh(static_cast<double>(z))) < 1e-4);
}

// Fixed-size tensors and their expressions, against hand-computed results.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

#include "testing.hpp"

TEMPLATE_TEST_CASE("tensors are fixed-size values on the stack", "[tensor]", float, double) {
    using T = TestType;
    static_assert(sizeof(nabla::vector<T, 5>) == 5 * sizeof(T));
    static_assert(sizeof(nabla::matrix<T, 3, 7>) == 21 * sizeof(T));
    // Tensors of whole 64-byte cache lines start on one, so rows of whole vectors never straddle two
    // lines; sizeof stays the size of the values either way.
    static_assert(alignof(nabla::matrix<T, 16, 8>) == 64 && sizeof(nabla::matrix<T, 16, 8>) == 128 * sizeof(T));
    static_assert(alignof(nabla::vector<T, 5>) == alignof(T) && alignof(nabla::matrix<T, 3, 7>) == alignof(T));
    static_assert(std::is_trivially_copyable_v<nabla::vector<T, 5>>);
    static_assert(std::is_trivially_copyable_v<nabla::matrix<T, 3, 7>>);
    static_assert(nabla::matrix<T, 3, 7>::rows() == 3 && nabla::matrix<T, 3, 7>::cols() == 7);
    static_assert(nabla::vector<T, 5>::size() == 5);

    SECTION("default construction gives zeros") {
        nabla::vector<T, 4> v;
        nabla::matrix<T, 2, 3> M;
        for (auto e : v) CHECK(e == T(0));
        for (auto e : M) CHECK(e == T(0));
    }
    SECTION("default construction zeroes memory that held other values") {
        // Internal storage may skip the zeroing (detail::uninitialized); a user's tensor may not.
        alignas(nabla::matrix<T, 2, 3>) unsigned char matrix_bytes[sizeof(nabla::matrix<T, 2, 3>)];
        alignas(nabla::vector<T, 5>) unsigned char vector_bytes[sizeof(nabla::vector<T, 5>)];
        std::memset(matrix_bytes, 0x7f, sizeof matrix_bytes);
        std::memset(vector_bytes, 0x7f, sizeof vector_bytes);
        const auto* M = new (matrix_bytes) nabla::matrix<T, 2, 3>;
        const auto* v = new (vector_bytes) nabla::vector<T, 5>;
        for (auto e : *M) CHECK(e == T(0));
        for (auto e : *v) CHECK(e == T(0));
        static_assert([] {
            nabla::matrix<T, 2, 3> constant; // an unwritten value would not be a constant expression
            return constant(1, 2) == T(0);
        }());
    }
    SECTION("brace initialisation fills rows in order") {
        nabla::matrix<T, 3, 2> W{{1, 2}, {3, 4}, {5, 6}};
        CHECK(W(0, 0) == T(1));
        CHECK(W(0, 1) == T(2));
        CHECK(W(2, 1) == T(6));
        CHECK(W.data()[3] == T(4)); // row-major
        nabla::vector<T, 3> v{1, 2.5, 3.f};
        CHECK(v[1] == T(2.5));
    }
}

// A vector load of a row must not straddle two cache lines wherever the network lives: on the
// heap (aligned new, one object or an array of them), on the stack, or in a pass's records.
TEMPLATE_TEST_CASE("tensors of whole cache lines start on one wherever they are made", "[tensor]", float, double) {
    using T = TestType;
    using net_t = nabla::network<T, nabla::input<64>, nabla::dense<32, nabla::relu>, nabla::dense<16, nabla::softmax>>;
    const auto on_a_line = [](const T* p) { return reinterpret_cast<std::uintptr_t>(p) % 64 == 0; };
    const auto all_on_lines = [&](const net_t& net) {
        return on_a_line(net.template W<1>().data()) && on_a_line(net.template b<1>().data()) &&
               on_a_line(net.template W<2>().data()) && on_a_line(net.template b<2>().data());
    };
    const auto heap = std::make_unique<net_t>();
    CHECK(all_on_lines(*heap));
    std::vector<net_t> several(3);
    for (const auto& net : several) CHECK(all_on_lines(net));
    net_t local;
    CHECK(all_on_lines(local));
    const auto tape = nabla::forward(*heap, nabla::matrix<T, 64, 16>{});
    CHECK(on_a_line(tape.template z<1>().data()));
    CHECK(on_a_line(tape.template a<2>().data()));
}

TEMPLATE_TEST_CASE("expressions evaluate like the math", "[tensor]", float, double) {
    using T = TestType;
    const nabla::matrix<T, 2, 3> W{{1, 2, 3}, {4, 5, 6}};
    const nabla::vector<T, 3> a{1, 0, -1};
    const nabla::vector<T, 2> b{10, 20};
    const nabla::vector<T, 2> d{2, 3};

    SECTION("W * a + b") {
        nabla::vector<T, 2> z = W * a + b;
        CHECK(z == nabla::vector<T, 2>{1 - 3 + 10, 4 - 6 + 20});
    }
    SECTION("a - b, scalar multiples and hadamard") {
        nabla::vector<T, 2> r = T(2) * (b - d);
        CHECK(r == nabla::vector<T, 2>{16, 34});
        nabla::vector<T, 2> s = hadamard(b, d) * 0.5;
        CHECK(s == nabla::vector<T, 2>{10, 30});
    }
    SECTION("transpose(W) * d") {
        nabla::vector<T, 3> g = transpose(W) * d;
        CHECK(g == nabla::vector<T, 3>{1 * 2 + 4 * 3, 2 * 2 + 5 * 3, 3 * 2 + 6 * 3});
    }
    SECTION("outer(d, a)") {
        nabla::matrix<T, 2, 3> G = outer(d, a);
        CHECK(G == nabla::matrix<T, 2, 3>{{2, 0, -2}, {3, 0, -3}});
    }
    SECTION("map(f, a)") {
        nabla::vector<T, 3> m = map([](T v) { return v * v + 1; }, a);
        CHECK(m == nabla::vector<T, 3>{2, 1, 2});
    }
    SECTION("a product of compound operands") {
        nabla::vector<T, 2> z = W * (a + a) + W * a;
        CHECK(z == nabla::vector<T, 2>{-6, -6});
    }
    SECTION("matrix products") {
        const nabla::matrix<T, 3, 2> V{{1, 0}, {0, 1}, {1, 1}};
        nabla::matrix<T, 2, 2> P = W * V;
        CHECK(P == nabla::matrix<T, 2, 2>{{4, 5}, {10, 11}});
    }
    SECTION("assignment is alias-safe") {
        nabla::matrix<T, 2, 2> S{{1, 2}, {3, 4}};
        S = transpose(S);
        CHECK(S == nabla::matrix<T, 2, 2>{{1, 3}, {2, 4}});
        nabla::vector<T, 2> v{1, 1};
        S = S * S;
        v = S * v;
        CHECK(S == nabla::matrix<T, 2, 2>{{7, 15}, {10, 22}});
        CHECK(v == nabla::vector<T, 2>{22, 32});
    }
}

TEMPLATE_TEST_CASE("products of every layout match the definition", "[tensor]", float, double) {
    using T = TestType;
    // Sizes past the kernels' vector widths, with remainders.
    static nabla::matrix<T, 37, 70> A;
    static nabla::matrix<T, 70, 33> B;
    static nabla::matrix<T, 33, 70> Bt;
    static nabla::matrix<T, 70, 37> At;
    static nabla::vector<T, 70> x;
    testing::random_source random{21};
    testing::fill(A, random);
    testing::fill(B, random);
    testing::fill(x, random);
    for (std::size_t i = 0; i < 70; ++i) {
        for (std::size_t j = 0; j < 33; ++j) Bt(j, i) = B(i, j);
        for (std::size_t j = 0; j < 37; ++j) At(i, j) = A(j, i);
    }
    static nabla::matrix<T, 37, 33> expected;
    nabla::vector<T, 37> expected_vector;
    for (std::size_t i = 0; i < 37; ++i) {
        for (std::size_t j = 0; j < 33; ++j) {
            T s{};
            for (std::size_t k = 0; k < 70; ++k) s += A(i, k) * B(k, j);
            expected(i, j) = s;
        }
        T s{};
        for (std::size_t k = 0; k < 70; ++k) s += A(i, k) * x[k];
        expected_vector[i] = s;
    }
    const auto same = [](const auto& got, const auto& want) {
        for (std::size_t k = 0; k < got.size(); ++k) CHECK(testing::close(got.data()[k], want.data()[k], 1e-5, 1e-6));
    };
    static nabla::matrix<T, 37, 33> P;
    P = A * B;
    same(P, expected);
    P = transpose(At) * B;
    same(P, expected);
    P = A * transpose(Bt);
    same(P, expected);
    P = transpose(At) * transpose(Bt);
    same(P, expected);
    nabla::vector<T, 37> y = A * x;
    same(y, expected_vector);
    y = transpose(At) * x;
    same(y, expected_vector);
    static nabla::matrix<T, 37, 70> O;
    O = outer(expected_vector, x);
    CHECK(O(5, 9) == expected_vector[5] * x[9]);
}

namespace {

// detail::multiply for one shape and all four layouts against the definition, summed in double.
template <class T, std::size_t R, std::size_t K, std::size_t C> void check_kernel(std::uint64_t seed) {
    static T a[R * K], a_transposed[K * R], b[K * C], b_transposed[C * K], out[R * C];
    static double expected[R * C], magnitude[R * C];
    testing::random_source random{seed};
    for (auto& v : a) v = static_cast<T>(random.uniform(-1, 1));
    for (auto& v : b) v = static_cast<T>(random.uniform(-1, 1));
    for (std::size_t i = 0; i < R; ++i)
        for (std::size_t k = 0; k < K; ++k) a_transposed[k * R + i] = a[i * K + k];
    for (std::size_t k = 0; k < K; ++k)
        for (std::size_t j = 0; j < C; ++j) b_transposed[j * K + k] = b[k * C + j];
    for (std::size_t i = 0; i < R; ++i)
        for (std::size_t j = 0; j < C; ++j) {
            double s = 0, m = 0;
            for (std::size_t k = 0; k < K; ++k) {
                const double term = static_cast<double>(a[i * K + k]) * static_cast<double>(b[k * C + j]);
                s += term;
                m += term < 0 ? -term : term;
            }
            expected[i * C + j] = s;
            magnitude[i * C + j] = m;
        }
    // A sum of K products in any order is within K ε Σ|a_ik b_kj| of the exact one (Higham's γ_K,
    // rounded up); a coefficient from the wrong place or a missing term is off by far more.
    const auto check = [&](const char* layout) {
        INFO(R << " x " << K << " x " << C << ", " << layout);
        std::size_t wrong = 0;
        const double epsilon = std::numeric_limits<T>::epsilon();
        for (std::size_t k = 0; k < R * C; ++k)
            wrong += !testing::close(static_cast<double>(out[k]), expected[k], 2 * epsilon, (K + 1) * epsilon * magnitude[k] + 1e-300);
        CHECK(wrong == 0);
    };
    nabla::detail::multiply<T, R, K, C, false, false>(out, a, b);
    check("A B");
    nabla::detail::multiply<T, R, K, C, true, false>(out, a_transposed, b);
    check("Aᵀ B");
    nabla::detail::multiply<T, R, K, C, false, true>(out, a, b_transposed);
    check("A Bᵀ");
    nabla::detail::multiply<T, R, K, C, true, true>(out, a_transposed, b_transposed);
    check("Aᵀ Bᵀ");
    // out += A B (a minibatch's gradient summed over its parts): the same kernels with add_results.
    for (std::size_t k = 0; k < R * C; ++k) {
        out[k] = static_cast<T>(random.uniform(-1, 1));
        expected[k] += static_cast<double>(out[k]);
        magnitude[k] += std::abs(static_cast<double>(out[k]));
    }
    nabla::detail::multiply<T, R, K, C, false, false>(out, a, b, nabla::detail::add_results{});
    check("out + A B");
}

} // namespace

// Shapes around every path of detail/kernels.hpp for any vector width from SSE to AVX-512: one
// row, row blocks with rows left over, column bands with vectors and single columns left over,
// K below, at and past two vectors, K = 1 (the outer product); products up to 8,192 multiply-adds
// (tiles sized at compile time) and past it (sized at run time).
TEMPLATE_TEST_CASE("the product kernels match the definition for every shape and layout", "[tensor]", float, double) {
    using T = TestType;
    check_kernel<T, 1, 33, 83>(1);
    check_kernel<T, 35, 64, 1>(2);
    check_kernel<T, 16, 64, 1>(3);
    check_kernel<T, 35, 33, 32>(4);
    check_kernel<T, 70, 2, 83>(5);
    check_kernel<T, 3, 64, 5>(6);
    check_kernel<T, 17, 17, 17>(7);
    check_kernel<T, 64, 32, 256>(8);
    check_kernel<T, 10, 64, 32>(9);
    check_kernel<T, 256, 256, 1>(10);
    check_kernel<T, 5, 1, 40>(11);
    check_kernel<T, 3, 4, 16>(12); // A Bᵀ with B's 64 values transposed inline
    check_kernel<T, 7, 77, 32>(28); // an odd K past long_inner, at run time in tiles of 3 rows
    // One sample through rows shorter than a vector (whole rows packed to a vector with AVX and
    // AVX-512: the tensor_native build of tests/meson.build), with rows left over in whole vectors,
    // one at a time, or both.
    check_kernel<T, 16, 8, 1>(13);
    check_kernel<T, 16, 4, 1>(14);
    check_kernel<T, 20, 8, 1>(15);
    check_kernel<T, 19, 8, 1>(16);
    check_kernel<T, 17, 8, 1>(17);
    check_kernel<T, 37, 4, 1>(18);
    check_kernel<T, 16, 16, 1>(19);
    // Fewer rows than a vector, each a vector or more (M's and W's output layers): the reduction
    // tree with zeros for the rows missing from a block.
    check_kernel<T, 10, 64, 1>(20);
    check_kernel<T, 10, 256, 1>(21);
    check_kernel<T, 3, 40, 1>(22);
    check_kernel<T, 1, 20, 1>(23);
    // Columns that do not fill a vector (a minibatch smaller than one, or past the last whole
    // one), with rows or columns of A of a vector or more: those columns of B padded to a vector
    // for the tiles, or Bᵀ A by the row kernels a few rows of Bᵀ at a time (groups of 6 when
    // R or K is 300, the last one short).
    check_kernel<T, 37, 40, 3>(24);
    check_kernel<T, 10, 300, 13>(25);
    check_kernel<T, 256, 20, 20>(26);
    check_kernel<T, 20, 256, 8>(27);
}

// The one-sample product notes A's largest |coefficient| as it reads A (the fused training step's
// bound), whichever path it takes: the largest value and a NaN at every position.
template <class T, std::size_t R, std::size_t K> void check_observed_maximum() {
    static T a[R * K], b[K], out[R];
    testing::random_source random{R * 100 + K};
    for (auto& v : a) v = static_cast<T>(random.uniform(-1, 1));
    for (auto& v : b) v = static_cast<T>(random.uniform(-1, 1));
    for (std::size_t at = 0; at < R * K; ++at) {
        const T kept = a[at];
        a[at] = T(-3);
        nabla::detail::largest_seen<T> largest;
        nabla::detail::multiply_vector<T, R, K>(out, a, b, largest);
        CHECK(largest.value() == T(3));
        a[at] = std::numeric_limits<T>::quiet_NaN();
        nabla::detail::largest_seen<T> with_nan;
        nabla::detail::multiply_vector<T, R, K>(out, a, b, with_nan);
        CHECK(with_nan.value() != with_nan.value());
        a[at] = kept;
    }
}

TEMPLATE_TEST_CASE("the one-sample product sees every coefficient of A", "[tensor]", float, double) {
    check_observed_maximum<TestType, 16, 8>();
    check_observed_maximum<TestType, 19, 8>();
    check_observed_maximum<TestType, 37, 4>();
    check_observed_maximum<TestType, 17, 64>();
    check_observed_maximum<TestType, 10, 64>();
    check_observed_maximum<TestType, 3, 40>();
    check_observed_maximum<TestType, 1, 20>();
    check_observed_maximum<TestType, 32, 256>(); // rows of 16 vectors or more: combined as summed
}

// The one-sample product's rows of 16 vectors or more (AVX-512) are combined as they are summed
// (lane_sums::combined_rows) rather than kept and reduced together: the same additions, so the
// same sums bit for bit, at any vector width whose reduce rounds pair neighbours (all but AVX2's).
TEMPLATE_TEST_CASE("rows combined as they are summed give reduce's sums bit for bit", "[tensor]", float, double) {
    using T = TestType;
    using sums = nabla::detail::lane_sums<T>;
    using S = nabla::detail::simd<T>;
    constexpr std::size_t N = S::lanes;
    testing::random_source random{41};
    for (int trial = 0; trial < 100; ++trial) {
        alignas(64) T values[N * N];
        // Magnitudes across many binades, so that a different order of additions would round differently.
        for (auto& v : values) v = static_cast<T>(random.uniform(-1, 1) * std::ldexp(1.0, static_cast<int>(random.uniform(-20, 20))));
        typename S::type rows[N];
        for (std::size_t r = 0; r < N; ++r) rows[r] = S::load(values + r * N);
        const auto row = [&](std::size_t r) { return rows[r]; };
        const typename S::type combined = sums::template combined_rows<N>(0, row);
        typename S::type reduced[N];
        for (std::size_t r = 0; r < N; ++r) reduced[r] = rows[r];
        sums::reduce(reduced);
        T got[N], expected[N];
        std::memcpy(got, &combined, sizeof got);
        std::memcpy(expected, &reduced[0], sizeof expected);
        std::size_t differ = 0;
        for (std::size_t r = 0; r < N; ++r) {
            if constexpr (nabla::detail::simd_bytes != 32) differ += std::memcmp(&got[r], &expected[r], sizeof(T)) != 0;
            double exact = 0, magnitude = 0; // and each the row's sum, within N roundings
            for (std::size_t k = 0; k < N; ++k) {
                exact += static_cast<double>(values[r * N + k]);
                magnitude += std::abs(static_cast<double>(values[r * N + k]));
            }
            CHECK(std::abs(static_cast<double>(got[r]) - exact) <= N * std::numeric_limits<T>::epsilon() * magnitude);
        }
        CHECK(differ == 0);
    }
}

// largest_seen::not_nan (vrangeps where AVX-512DQ has it, the bits' maximum elsewhere) keeps
// the same largest magnitude as operator() for every value that is not NaN: signed zeros,
// subnormals, normal values, the largest finite and infinities, at every lane, in any order.
TEMPLATE_TEST_CASE("largest_seen::not_nan keeps the largest magnitude as operator() does", "[tensor]", float, double) {
    using T = TestType;
    using S = nabla::detail::simd<T>;
    using limits = std::numeric_limits<T>;
    // In order of magnitude, so that lanes drawn from the first k have one of the first k as
    // their largest: with k from 1 to all of them, each value is the largest in some trials.
    const T values[] = {T(0),
                        -T(0),
                        limits::denorm_min(),
                        -limits::denorm_min() * 7,
                        limits::min() / 2,
                        limits::min(),
                        T(-1.5),
                        T(2),
                        -limits::max(),
                        limits::max(),
                        limits::infinity(),
                        -limits::infinity()};
    constexpr std::size_t count = sizeof values / sizeof values[0];
    std::size_t wrong = 0;
    testing::random_source random{4242};
    for (std::size_t trial = 0; trial < 100 * count; ++trial) {
        const std::size_t k = 1 + trial % count;
        nabla::detail::largest_seen<T> exact, fast;
        for (std::size_t v = 0; v < 1 + trial / count % 3; ++v) {
            T lanes[S::lanes];
            for (auto& x : lanes) x = values[std::size_t(random.uniform(0, 1) * double(k)) % k];
            const auto vector = S::load(lanes);
            exact(vector);
            fast.not_nan(vector);
        }
        wrong += exact.value_bits() != fast.value_bits();
    }
    CHECK(wrong == 0);
}

// detail::transpose: whole register blocks (16 × 16 floats with AVX-512, 4 × 4 with SSE) and the
// edges around them, exactly.
TEMPLATE_TEST_CASE("the transposition kernel moves every coefficient to its place", "[tensor]", float, double) {
    using T = TestType;
    const auto check = [](std::size_t rows, std::size_t columns) {
        std::vector<T> in(rows * columns), out(rows * columns, T(-1));
        for (std::size_t k = 0; k < in.size(); ++k) in[k] = static_cast<T>(k);
        nabla::detail::transpose(out.data(), in.data(), rows, columns);
        std::size_t wrong = 0;
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t j = 0; j < columns; ++j) wrong += out[j * rows + i] != in[i * columns + j];
        INFO(rows << " x " << columns);
        CHECK(wrong == 0);
    };
    for (const std::size_t rows : {1, 3, 4, 8, 16, 17, 33, 64, 256})
        for (const std::size_t columns : {1, 5, 8, 16, 31, 32, 48}) check(rows, columns);
}

// detail::largest_magnitude, the bounds' max |x|: the shared loop's four running maxima and its
// tail, with the largest value, a NaN or an infinity at every position.
TEMPLATE_TEST_CASE("the largest magnitude is found wherever it is, and a NaN or infinity beats it", "[tensor]", float, double) {
    using T = TestType;
    std::size_t wrong = 0;
    for (const std::size_t n : {1, 5, 16, 63, 64, 65, 127, 128, 200, 1000}) {
        std::vector<T> x(n);
        for (std::size_t k = 0; k < n; ++k) x[k] = static_cast<T>(k % 13) * (k % 2 ? T(-1e-3) : T(1e-3));
        for (std::size_t at = 0; at < n; ++at) {
            const T kept = x[at];
            x[at] = T(-5);
            wrong += nabla::detail::largest_magnitude(x.data(), n) != T(5);
            x[at] = std::numeric_limits<T>::quiet_NaN();
            wrong += !std::isnan(nabla::detail::largest_magnitude(x.data(), n));
            x[at] = -std::numeric_limits<T>::infinity();
            wrong += nabla::detail::largest_magnitude(x.data(), n) != std::numeric_limits<T>::infinity();
            x[at] = kept;
        }
        T expected = 0;
        for (const T v : x) expected = std::fabs(v) > expected ? std::fabs(v) : expected;
        wrong += nabla::detail::largest_magnitude(x.data(), n) != expected;
    }
    CHECK(wrong == 0);
}

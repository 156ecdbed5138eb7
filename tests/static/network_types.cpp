// The type-level contract, checked by the compiler alone: shapes and sizes of every public type,
// and a forward pass and a gradient evaluated at compile time.
#include <type_traits>

#include <nabla/nabla.hpp>

namespace {

using net_t = nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<1, nabla::sigmoid>>;

static_assert(net_t::input_size == 2 && net_t::output_size == 1 && net_t::depth == 2);
static_assert(net_t::parameter_count == 3 * (2 + 1) + 1 * (3 + 1));
static_assert(sizeof(net_t) == net_t::parameter_count * sizeof(float));
static_assert(std::is_trivially_copyable_v<net_t>);
static_assert(std::is_same_v<std::remove_cvref_t<decltype(std::declval<net_t&>().W<1>())>, nabla::matrix<float, 3, 2>>);
static_assert(std::is_same_v<std::remove_cvref_t<decltype(std::declval<net_t&>().W<2>())>, nabla::matrix<float, 1, 3>>);
static_assert(std::is_same_v<std::remove_cvref_t<decltype(std::declval<const net_t&>().b<2>())>, nabla::vector<float, 1>>);
static_assert(std::is_same_v<decltype(std::declval<net_t&>().W<1>()), nabla::matrix<float, 3, 2>&>);
static_assert(std::is_same_v<decltype(std::declval<const net_t&>().b<1>()), const nabla::vector<float, 3>&>);
static_assert(std::is_same_v<decltype(std::declval<const net_t&>()(nabla::vector<float, 2>{})), nabla::vector<float, 1>>);
static_assert(std::is_same_v<decltype(std::declval<const net_t&>()(nabla::matrix<float, 2, 8>{})), nabla::matrix<float, 1, 8>>);
static_assert(noexcept(std::declval<const net_t&>()(nabla::vector<float, 2>{})));
static_assert(std::is_same_v<decltype(nabla::gradient(std::declval<const net_t&>(), nabla::squared_error{},
                                                      nabla::vector<float, 2>{}, nabla::vector<float, 1>{})),
                             net_t::parameters_type>);

using wide_t = nabla::network<double, nabla::input<64>, nabla::dense<32, nabla::relu>, nabla::dense<16, nabla::tanh>,
                              nabla::dense<10, nabla::softmax>>;
static_assert(wide_t::depth == 3 && wide_t::parameter_count == 32 * 65 + 16 * 33 + 10 * 17);
// W³ (10 × 16) and b¹, b², W¹, W² are whole cache lines and start on one; b³ (80 bytes) does not, and
// the network pads to a whole number of lines after it.
static_assert(alignof(wide_t) == 64 && alignof(nabla::matrix<double, 16, 32>) == 64 && alignof(nabla::vector<double, 10>) == 8);
static_assert(sizeof(wide_t) == (wide_t::parameter_count * sizeof(double) + 63) / 64 * 64);

// Evaluated by the compiler: the lecture's network with W¹ = [[1, -1], [2, 0], [0, 3]], W² = [[1, 1, -1]].
constexpr net_t example() {
    net_t net;
    net.W<1>() = {{1.f, -1.f}, {2.f, 0.f}, {0.f, 3.f}};
    net.W<2>() = {{1.f, 1.f, -1.f}};
    net.b<2>() = {0.5f};
    return net;
}
constexpr float abs(float v) { return v < 0 ? -v : v; }

// z¹ = (-1, 0, 3), a¹ = σ(z¹), z² = a¹_1 + a¹_2 - a¹_3 + 0.5.
constexpr float sigma(float z) { return nabla::sigmoid::function(z); }
constexpr float y_expected = sigma(sigma(-1.f) + sigma(0.f) - sigma(3.f) + 0.5f);
static_assert(abs(example()(nabla::vector<float, 2>{0.f, 1.f})[0] - y_expected) < 1e-6f);
static_assert(abs(sigma(0.f) - 0.5f) < 1e-7f && sigma(-1000.f) == 0.f && sigma(1000.f) == 1.f);

// ∂C/∂b² = 2 (y - ŷ) y (1 - y) for C = (y - ŷ)², and ∂C/∂W²_{0,k} = ∂C/∂b² a¹_k.
constexpr auto grad = nabla::gradient(example(), nabla::squared_error{}, nabla::vector<float, 2>{0.f, 1.f},
                                      nabla::vector<float, 1>{1.f});
constexpr float delta2 = 2 * (y_expected - 1) * y_expected * (1 - y_expected);
static_assert(abs(grad.b<2>()[0] - delta2) < 1e-6f);
static_assert(abs(grad.W<2>()(0, 2) - delta2 * sigma(3.f)) < 1e-6f);
// δ¹ = σ'(z¹) ⊙ (W²)ᵀ δ²; the first input is 0, so ∂C/∂W¹_{k,0} = 0.
static_assert(abs(grad.b<1>()[2] - sigma(3.f) * (1 - sigma(3.f)) * -1.f * delta2) < 1e-6f);
static_assert(grad.W<1>()(1, 0) == 0.f);

// The stable losses at compile time: binary_cross_entropy at z = 50 with ŷ = 0 is 50, not inf.
using neuron_t = nabla::network<double, nabla::input<1>, nabla::dense<1, nabla::sigmoid>>;
constexpr neuron_t saturated() {
    neuron_t n;
    n.W<1>() = {{50.0}};
    return n;
}
static_assert(nabla::loss_value(saturated(), nabla::binary_cross_entropy{}, nabla::vector<double, 1>{1.0},
                                nabla::vector<double, 1>{0.0}) - 50.0 < 1e-12);

} // namespace

int main() {}

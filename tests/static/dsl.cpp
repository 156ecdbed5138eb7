// The formula DSL and the descriptions, checked by the compiler alone: a formula's network type is
// exactly the layer list's, and formula() and summary() produce their text at compile time.
#include <ratio>
#include <type_traits>

#include <nabla/nabla.hpp>

namespace {

namespace dsl = nabla::dsl;
constexpr auto x = dsl::input<2>;
constexpr auto y = dsl::sigmoid(dsl::affine<1>(dsl::sigmoid(dsl::affine<3>(x)))); // σ(W² σ(W¹x + b¹) + b²)
using net_t = nabla::network_of<float, decltype(y)>;
static_assert(std::is_same_v<net_t, nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::sigmoid>,
                                                   nabla::dense<1, nabla::sigmoid>>>);

// Every activation, and an affine map without one (an identity layer).
constexpr auto deep = dsl::softmax(dsl::affine<10>(dsl::affine<16>(dsl::leaky_relu(dsl::affine<32>(
    dsl::relu(dsl::affine<64>(dsl::tanh(dsl::affine<64>(dsl::identity(dsl::affine<8>(dsl::input<4>)))))))))));
static_assert(std::is_same_v<nabla::network_of<double, decltype(deep)>,
                             nabla::network<double, nabla::input<4>, nabla::dense<8, nabla::identity>,
                                            nabla::dense<64, nabla::tanh>, nabla::dense<64, nabla::relu>,
                                            nabla::dense<32, nabla::leaky_relu>, nabla::dense<16, nabla::identity>,
                                            nabla::dense<10, nabla::softmax>>>);

// The text forms.
static_assert(nabla::formula<net_t>().view() == "σ(W² σ(W¹ x + b¹) + b²)");
static_assert(nabla::formula<net_t, nabla::notation::ascii>().view() == "sigmoid(W2 sigmoid(W1 x + b1) + b2)");
static_assert(nabla::formula<nabla::network_of<double, decltype(deep)>, nabla::notation::ascii>().view() ==
              "softmax(W6 (W5 leaky_relu(W4 relu(W3 tanh(W2 (W1 x + b1) + b2) + b3) + b4) + b5) + b6)");
using twelve_t = nabla::network<float, nabla::input<1>, nabla::dense<1, nabla::relu>, nabla::dense<1, nabla::relu>,
                                nabla::dense<1, nabla::relu>, nabla::dense<1, nabla::relu>, nabla::dense<1, nabla::relu>,
                                nabla::dense<1, nabla::relu>, nabla::dense<1, nabla::relu>, nabla::dense<1, nabla::relu>,
                                nabla::dense<1, nabla::relu>, nabla::dense<1, nabla::relu>, nabla::dense<1, nabla::relu>,
                                nabla::dense<1, nabla::relu>>;
static_assert(nabla::formula<twelve_t>().view().starts_with("relu(W¹² relu(W¹¹ relu(W¹⁰ relu(W⁹"));

static_assert(nabla::summary<net_t>().view() ==
              "layer       activation        W                 b                 parameters\n"
              "input   0   x: 2 values\n"
              "dense   1   sigmoid           3 x 2             3                          9\n"
              "dense   2   sigmoid           1 x 3             1                          4\n"
              "total: 13 parameters, 52 bytes of parameters, 40 bytes of one forward tape (float)\n");
using slope_t = nabla::network<double, nabla::input<3>, nabla::dense<5, nabla::leaky_relu_with<std::ratio<1, 5>>>>;
constexpr auto slope_summary = nabla::summary<slope_t>();
static_assert(slope_summary.view().find("leaky_relu_with<1/5> 5 x 3") != std::string_view::npos);
static_assert(slope_summary.view().ends_with("20 parameters, 160 bytes of parameters, 104 bytes of one forward tape (double)\n"));

} // namespace

int main() {}

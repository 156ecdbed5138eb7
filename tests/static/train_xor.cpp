// Training at compile time: a constexpr function trains the lecture's XOR network by per-sample
// gradient descent, and static_assert checks that it then classifies all four points.
#include <array>

#include <nabla/nabla.hpp>

namespace {

using net_t = nabla::network<double, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<1, nabla::sigmoid>>;

constexpr std::array<nabla::sample<net_t>, 4> xor_data{
    {{{0, 0}, {0}}, {{0, 1}, {1}}, {{1, 0}, {1}}, {{1, 1}, {0}}}};

struct trained {
    net_t net;
    nabla::train_report report;
};

constexpr trained train_xor() {
    net_t net;
    nabla::initialize(net, nabla::init::uniform{-1, 1}, 3);
    const auto report = nabla::train(net, xor_data, nabla::squared_error{}, nabla::sgd{.learning_rate = 2},
                                     nabla::per_sample{}, nabla::stop_when{.max_epochs = 2000, .loss_below = 0.01});
    return {net, report};
}

constexpr trained result = train_xor();
static_assert(result.report.reason == nabla::stop_reason::loss_below);
static_assert(result.net(nabla::vector<double, 2>{0, 0})[0] < 0.5);
static_assert(result.net(nabla::vector<double, 2>{0, 1})[0] > 0.5);
static_assert(result.net(nabla::vector<double, 2>{1, 0})[0] > 0.5);
static_assert(result.net(nabla::vector<double, 2>{1, 1})[0] < 0.5);

} // namespace

int main() { return result.report.epochs > 0 ? 0 : 1; }

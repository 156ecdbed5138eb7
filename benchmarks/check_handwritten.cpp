// The check main runs before anything is timed: the hand-written code computes what nabla does.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>
#include <utility>

#include "handwritten.hpp"
#include "networks.hpp"

namespace {

using handwritten::model;

// One training step of the hand-written code against nabla's, from the same weights, on a
// minibatch (Batch) or its first sample, with a step large enough that the change of every weight
// is well above float rounding: the forward pass's outputs and every W^l's and b^l's change agree
// to 1e-3 of the largest (a wrong index or a missing term is off by far more). False, with what
// differs printed, where they do not.
template <class Net, bool Batch> bool agrees() {
    constexpr float eta = 0.5f;
    constexpr std::size_t L = model<Net>::L, C = Batch ? bench::batch : 1;
    const auto before = std::make_unique<model<Net>>();
    const auto after = std::make_unique<model<Net>>();
    const auto t = std::make_unique<typename model<Net>::template tape<C>>();
    const auto net = std::make_unique<typename Net::net>(bench::weights<Net>());
    nabla::optimizer<typename Net::net, nabla::sgd> opt{nabla::sgd{.learning_rate = eta}};
    std::array<float, Net::sizes.back() * C> y;
    if constexpr (Batch) {
        std::memcpy(t->template at<0>(), bench::inputs<Net>().data(), sizeof(float) * Net::sizes.front() * C);
        after->forward_batch(*t);
        const auto output = (*net)(bench::inputs<Net>());
        std::memcpy(y.data(), output.data(), sizeof y);
        after->train_batch(*t, bench::targets<Net>().data(), eta / C);
        opt.step(*net, typename Net::loss{}, bench::inputs<Net>(), bench::targets<Net>(), 1.f / C);
    } else {
        const auto x = bench::first_sample(bench::inputs<Net>());
        const auto target = bench::first_sample(bench::targets<Net>());
        std::memcpy(t->template at<0>(), x.data(), sizeof(float) * Net::sizes.front());
        after->forward_sample(*t);
        const auto output = (*net)(x);
        std::memcpy(y.data(), output.data(), sizeof y);
        after->train_sample(*t, target.data(), eta);
        opt.step(*net, typename Net::loss{}, x, target);
    }

    bool same = true;
    const char* const kind = Batch ? "minibatch" : "one-sample";
    const auto compare = [&](const char* what, std::size_t l, std::size_t count, auto theirs, auto ours) {
        float largest = 0, worst = 0;
        for (std::size_t k = 0; k < count; ++k) largest = std::max(largest, std::abs(ours(k)));
        for (std::size_t k = 0; k < count; ++k) worst = std::max(worst, std::abs(theirs(k) - ours(k)));
        if (!(worst <= 1e-3f * largest) || !(largest > 0)) {
            std::fprintf(stderr, "%s, %s step: hand-written %s of layer %zu differs from nabla's by %g (largest %g)\n",
                         Net::name, kind, what, l, static_cast<double>(worst), static_cast<double>(largest));
            same = false;
        }
    };
    compare("output", L, y.size(), [&](std::size_t k) { return t->template at<L>()[k]; }, [&](std::size_t k) { return y[k]; });
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        const auto layer = [&]<std::size_t i>(std::integral_constant<std::size_t, i>) {
            constexpr std::size_t rows = Net::sizes[i], columns = Net::sizes[i - 1];
            const auto& W0 = bench::weights<Net>().template W<i>();
            const auto& W1 = net->template W<i>();
            compare("W change", i, rows * columns,
                    [&](std::size_t k) { return after->template at<i>().Wt[k % columns * rows + k / columns] -
                                                before->template at<i>().Wt[k % columns * rows + k / columns]; },
                    [&](std::size_t k) { return W1(k / columns, k % columns) - W0(k / columns, k % columns); });
            compare("b change", i, rows, [&](std::size_t k) { return after->template at<i>().b[k] - before->template at<i>().b[k]; },
                    [&](std::size_t k) { return net->template b<i>()[k] - bench::weights<Net>().template b<i>()[k]; });
        };
        (layer(std::integral_constant<std::size_t, l + 1>{}), ...);
    }(std::make_index_sequence<L>{});
    return same;
}

} // namespace

// Every network checked, so that each one that differs is printed.
bool bench::handwritten_agrees() {
    const bool all[] = {agrees<T, true>(), agrees<S, true>(), agrees<M, true>(), agrees<W, true>(),
                        agrees<T, false>(), agrees<S, false>(), agrees<M, false>(), agrees<W, false>()};
    return std::all_of(std::begin(all), std::end(all), [](bool same) { return same; });
}

// nabla's one-sample rows, on a network wherever its caller keeps it: the comparison
// (bench_nabla.cpp) and the rows that move the network or the stack (bench_pages.cpp) time the
// same calls.
#pragma once

#include "report.hpp"

namespace bench {

template <class Net> void time_forward(benchmark::State& state, const typename Net::net& net) {
    auto x = first_sample(inputs<Net>());
    measure(state, forward_flops<Net>(), 1, [&] {
        benchmark::DoNotOptimize(x);
        auto y = net(x);
        benchmark::DoNotOptimize(y);
    });
}

// Method: sgd in the comparison; the "rules/" rows take momentum and Adam.
template <class Net, class Method = nabla::sgd> void time_train_sample(benchmark::State& state, typename Net::net& net) {
    net = weights<Net>();
    nabla::optimizer<typename Net::net, Method> opt{Method{.learning_rate = learning_rate}};
    const auto x = first_sample(inputs<Net>());
    const auto y = first_sample(targets<Net>());
    measure(state, train_flops<Net>(), 1, [&] {
        opt.step(net, typename Net::loss{}, x, y);
        benchmark::DoNotOptimize(net);
    });
}

} // namespace bench

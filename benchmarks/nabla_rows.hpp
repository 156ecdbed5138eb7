// nabla's one-sample rows, on a network wherever its caller keeps it: the comparison
// (bench_nabla.cpp) and the rows that move the network or the stack (bench_pages.cpp) time the
// same calls.
#pragma once

#include "report.hpp"

namespace bench {

// A row's call timed, or with Stack (rows of their own, bench_nabla.cpp) its stack use reported.
template <bool Stack, class Body>
void time_or_report_stack(benchmark::State& state, double flops_per_iteration, std::size_t samples, Body body) {
    if constexpr (Stack) report_stack(state, body);
    else measure(state, flops_per_iteration, samples, body);
}

template <class Net, bool Stack = false> void time_forward(benchmark::State& state, const typename Net::net& net) {
    auto x = first_sample(inputs<Net>());
    time_or_report_stack<Stack>(state, forward_flops<Net>(), 1, [&] {
        benchmark::DoNotOptimize(x);
        auto y = net(x);
        benchmark::DoNotOptimize(y);
    });
}

// Method: sgd in the comparison; the "rules/" rows take momentum and Adam.
template <class Net, class Method = nabla::sgd, bool Stack = false>
void time_train_sample(benchmark::State& state, typename Net::net& net) {
    net = weights<Net>();
    nabla::optimizer<typename Net::net, Method> opt{Method{.learning_rate = learning_rate}};
    const auto x = first_sample(inputs<Net>());
    const auto y = first_sample(targets<Net>());
    time_or_report_stack<Stack>(state, train_flops<Net>(), 1, [&] {
        opt.step(net, typename Net::loss{}, x, y);
        benchmark::DoNotOptimize(net);
    });
}

} // namespace bench

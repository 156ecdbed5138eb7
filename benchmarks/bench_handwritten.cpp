// The hand-written baseline's twelve rows (handwritten.hpp holds the code they time).
#include <array>
#include <cstddef>
#include <cstring>

#include "handwritten.hpp"
#include "networks.hpp"
#include "report.hpp"

namespace {

using handwritten::model;

template <class Net> model<Net>& shared_model() {
    static model<Net> m;
    return m;
}

template <class Net> void forward(benchmark::State& state) {
    auto& m = shared_model<Net>();
    typename model<Net>::template tape<1> t;
    for (std::size_t i = 0; i < Net::sizes.front(); ++i) t.template at<0>()[i] = bench::inputs<Net>()(i, 0);
    bench::measure(state, bench::forward_flops<Net>(), 1, [&] {
        benchmark::DoNotOptimize(t.template at<0>());
        m.forward_sample(t);
        benchmark::DoNotOptimize(t.template at<model<Net>::L>()[0]);
    });
}

template <class Net> void train_sample(benchmark::State& state) {
    static model<Net> m;
    m = shared_model<Net>();
    typename model<Net>::template tape<1> t;
    std::array<float, Net::sizes.back()> y;
    for (std::size_t i = 0; i < Net::sizes.front(); ++i) t.template at<0>()[i] = bench::inputs<Net>()(i, 0);
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = bench::targets<Net>()(i, 0);
    bench::measure(state, bench::train_flops<Net>(), 1, [&] {
        m.forward_sample(t);
        m.train_sample(t, y.data(), bench::learning_rate);
        benchmark::DoNotOptimize(m.template at<1>().Wt[0]);
    });
}

template <class Net> void train_batch(benchmark::State& state) {
    static model<Net> m;
    m = shared_model<Net>();
    static typename model<Net>::template tape<bench::batch> t;
    std::memcpy(t.template at<0>(), bench::inputs<Net>().data(), sizeof(float) * Net::sizes.front() * bench::batch);
    const float* y = bench::targets<Net>().data();
    bench::measure(state, bench::batch * bench::train_flops<Net>(), bench::batch, [&] {
        m.forward_batch(t);
        m.train_batch(t, y, bench::learning_rate / bench::batch);
        benchmark::DoNotOptimize(m.template at<1>().Wt[0]);
    });
}

} // namespace

NABLA_BENCHMARK_ROWS("handwritten", forward, train_sample, train_batch);


// libtorch's C++ API, the natural way: a torch::nn::Sequential of Linear layers and activations,
// inference under torch::NoGradGuard, training with autograd and torch::optim::SGD; one thread.
// For M and W the model ends in the logits and the loss is cross_entropy (softmax fused in), as
// PyTorch users write it. Weights are nabla's.
#include <cstddef>
#include <string>

#include <torch/torch.h>

#include "report.hpp"

namespace {

template <class Net> torch::nn::Sequential make(bool logits) {
    torch::set_num_threads(1);
    torch::nn::Sequential model;
    const auto& w = bench::weights<Net>();
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        const auto layer = [&]<std::size_t i>(std::integral_constant<std::size_t, i>) {
            torch::nn::Linear linear(static_cast<std::int64_t>(Net::sizes[i - 1]), static_cast<std::int64_t>(Net::sizes[i]));
            torch::NoGradGuard no_grad;
            auto weight = linear->weight.accessor<float, 2>();
            auto bias = linear->bias.accessor<float, 1>();
            for (std::size_t r = 0; r < Net::sizes[i]; ++r) {
                for (std::size_t c = 0; c < Net::sizes[i - 1]; ++c)
                    weight[static_cast<long>(r)][static_cast<long>(c)] = w.template W<i>()(r, c);
                bias[static_cast<long>(r)] = w.template b<i>()[r];
            }
            model->push_back(linear);
            const bench::act a = i + 1 == Net::sizes.size() ? Net::output : Net::hidden;
            if (a == bench::act::sigmoid) model->push_back(torch::nn::Sigmoid());
            else if (a == bench::act::tanh) model->push_back(torch::nn::Tanh());
            else if (a == bench::act::relu) model->push_back(torch::nn::ReLU());
            else if (a == bench::act::softmax && !logits) model->push_back(torch::nn::Softmax(1));
        };
        (layer(std::integral_constant<std::size_t, l + 1>{}), ...);
    }(std::make_index_sequence<Net::sizes.size() - 1>{});
    return model;
}

template <class Net> torch::Tensor batch_of(const auto& m, std::size_t columns) {
    torch::Tensor t = torch::empty({static_cast<long>(columns), static_cast<long>(m.rows())});
    auto a = t.accessor<float, 2>();
    for (std::size_t j = 0; j < columns; ++j)
        for (std::size_t i = 0; i < m.rows(); ++i) a[static_cast<long>(j)][static_cast<long>(i)] = m(i, j);
    return t;
}

template <class Net> void forward(benchmark::State& state) {
    static auto model = make<Net>(false);
    const torch::Tensor x = batch_of<Net>(bench::inputs<Net>(), 1);
    bench::measure(state, bench::forward_flops<Net>(), 1, [&] {
        torch::NoGradGuard no_grad;
        torch::Tensor y = model->forward(x);
        benchmark::DoNotOptimize(y.data_ptr<float>());
    });
}

template <class Net> void train(benchmark::State& state, std::size_t columns) {
    const bool classify = Net::output == bench::act::softmax;
    auto model = make<Net>(classify);
    torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(bench::learning_rate));
    const torch::Tensor x = batch_of<Net>(bench::inputs<Net>(), columns);
    const torch::Tensor y = batch_of<Net>(bench::targets<Net>(), columns);
    const torch::Tensor labels = y.argmax(1);
    bench::measure(state, static_cast<double>(columns) * bench::train_flops<Net>(), columns, [&] {
        optimizer.zero_grad();
        torch::Tensor out = model->forward(x);
        torch::Tensor loss = classify ? torch::nn::functional::cross_entropy(out, labels) : torch::mse_loss(out, y);
        loss.backward();
        optimizer.step();
    });
}
template <class Net> void train_sample(benchmark::State& state) { train<Net>(state, 1); }
template <class Net> void train_batch(benchmark::State& state) { train<Net>(state, bench::batch); }

} // namespace

NABLA_BENCHMARK_ROWS("libtorch", forward, train_sample, train_batch);

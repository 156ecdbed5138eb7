// FANN, the natural way: fann_create_standard_array, fann_run for a forward pass, fann_train for
// one incremental step, and one FANN_TRAIN_BATCH epoch over 32 samples for the minibatch step.
// FANN has no softmax: M and W use a linear output layer there (the cost of softmax is small
// beside the 64-128-64 and 256-256-256 products). Weights are nabla's, copied connection by
// connection.
#include <cstddef>
#include <string>
#include <vector>

#include <floatfann.h>

#include "report.hpp"

namespace {

fann_activationfunc_enum fann_activation(bench::act a) {
    switch (a) {
    case bench::act::sigmoid: return FANN_SIGMOID;           // with steepness 0.5: 1 / (1 + e^{-z})
    case bench::act::tanh: return FANN_SIGMOID_SYMMETRIC;    // with steepness 1: tanh z
    case bench::act::relu: return FANN_LINEAR_PIECE;         // FANN 2.2 has no ReLU: clamp to [0, 1], the same cost
    default: return FANN_LINEAR;
    }
}

template <class Net> fann* make() {
    std::vector<unsigned> sizes(Net::sizes.begin(), Net::sizes.end());
    fann* ann = fann_create_standard_array(static_cast<unsigned>(sizes.size()), sizes.data());
    fann_set_activation_function_hidden(ann, fann_activation(Net::hidden));
    fann_set_activation_function_output(ann, fann_activation(Net::output));
    fann_set_activation_steepness_hidden(ann, Net::hidden == bench::act::sigmoid ? 0.5f : 1.f);
    fann_set_activation_steepness_output(ann, Net::output == bench::act::sigmoid ? 0.5f : 1.f);
    fann_set_learning_rate(ann, bench::learning_rate);
    // Neurons are numbered layer by layer, each layer followed by its bias neuron.
    std::vector<unsigned> first(Net::sizes.size());
    for (std::size_t l = 1; l < Net::sizes.size(); ++l) first[l] = first[l - 1] + static_cast<unsigned>(Net::sizes[l - 1]) + 1;
    std::vector<fann_connection> connections(fann_get_total_connections(ann));
    fann_get_connection_array(ann, connections.data());
    const auto& w = bench::weights<Net>();
    for (auto& c : connections) {
        std::size_t l = 1;
        while (l + 1 < Net::sizes.size() && c.to_neuron >= first[l + 1]) ++l;
        const std::size_t row = c.to_neuron - first[l], column = c.from_neuron - first[l - 1];
        [&]<std::size_t... i>(std::index_sequence<i...>) {
            ((i + 1 == l ? (c.weight = column == Net::sizes[l - 1] ? w.template b<i + 1>()[row] : w.template W<i + 1>()(row, column))
                         : 0.f),
             ...);
        }(std::make_index_sequence<Net::sizes.size() - 1>{});
    }
    // fann_set_weight_array looks up each connection among all of them (quadratic: over a minute
    // for W). fann_get_connection_array lists the connections in the order of ann->weights, so the
    // weights go there directly; read back to make sure, else the library's own way.
    for (std::size_t k = 0; k < connections.size(); ++k) ann->weights[k] = connections[k].weight;
    std::vector<fann_connection> written(connections.size());
    fann_get_connection_array(ann, written.data());
    for (std::size_t k = 0; k < connections.size(); ++k)
        if (written[k].weight != connections[k].weight || written[k].from_neuron != connections[k].from_neuron ||
            written[k].to_neuron != connections[k].to_neuron) {
            fann_set_weight_array(ann, connections.data(), static_cast<unsigned>(connections.size()));
            break;
        }
    return ann;
}

template <class Net> std::vector<float> column(const auto& m, std::size_t j) {
    std::vector<float> v(m.rows());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = m(i, j);
    return v;
}

template <class Net> void forward(benchmark::State& state) {
    static fann* ann = make<Net>();
    auto x = column<Net>(bench::inputs<Net>(), 0);
    bench::measure(state, bench::forward_flops<Net>(), 1, [&] { benchmark::DoNotOptimize(fann_run(ann, x.data())); });
}
template <class Net> void train_sample(benchmark::State& state) {
    static fann* ann = make<Net>();
    auto x = column<Net>(bench::inputs<Net>(), 0);
    auto y = column<Net>(bench::targets<Net>(), 0);
    bench::measure(state, bench::train_flops<Net>(), 1, [&] {
        fann_train(ann, x.data(), y.data());
        benchmark::ClobberMemory();
    });
}
template <class Net> void train_batch(benchmark::State& state) {
    static fann* ann = make<Net>();
    static fann_train_data* data = [] {
        fann_train_data* d = fann_create_train(bench::batch, Net::sizes.front(), Net::sizes.back());
        for (std::size_t j = 0; j < bench::batch; ++j) {
            for (std::size_t i = 0; i < Net::sizes.front(); ++i) d->input[j][i] = bench::inputs<Net>()(i, j);
            for (std::size_t i = 0; i < Net::sizes.back(); ++i) d->output[j][i] = bench::targets<Net>()(i, j);
        }
        return d;
    }();
    fann_set_training_algorithm(ann, FANN_TRAIN_BATCH);
    bench::measure(state, bench::batch * bench::train_flops<Net>(), bench::batch, [&] {
        benchmark::DoNotOptimize(fann_train_epoch(ann, data));
    });
}

} // namespace

NABLA_BENCHMARK_ROWS("fann", forward, train_sample, train_batch);

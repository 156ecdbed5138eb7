// Handwritten digits (UCI, 8×8 pixels): a 64-32-10 network, sigmoid hidden and softmax output with
// cross-entropy, trained by minibatch SGD on a fixed 80 % of the samples; prints a progress bar
// per epoch, the test accuracy on the other 20 % and the confusion matrix.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "load_digits.hpp"

#ifndef NABLA_DIGITS_CSV
#define NABLA_DIGITS_CSV "examples/digits/digits.csv"
#endif

using net_t = nabla::network<float, nabla::input<64>, nabla::dense<32, nabla::sigmoid>, nabla::dense<10, nabla::softmax>>;

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : NABLA_DIGITS_CSV;
    const auto loaded = digits::read<net_t>(path);
    if (!loaded) {
        std::fprintf(stderr, "%s\n", loaded.error.c_str());
        return 2;
    }
    // A fixed split: every fifth sample is for testing.
    std::vector<nabla::sample<net_t>> train_set, test_set;
    for (std::size_t k = 0; k < loaded.samples.size(); ++k) (k % 5 == 4 ? test_set : train_set).push_back(loaded.samples[k]);
    std::printf("%zu samples from %s: %zu to train, %zu to test\n", loaded.samples.size(), path.c_str(), train_set.size(),
                test_set.size());

    std::printf("y = %s\n\n%s\n", nabla::formula<net_t>().c_str(), nabla::summary<net_t>().c_str());

    static net_t net; // 2 KiB of parameters; static only to keep main's frame small
    nabla::initialize(net, nabla::init::xavier_uniform{}, 2026);
    constexpr std::size_t epochs = 40;
    auto last = std::chrono::steady_clock::now();
    const auto report = nabla::train(
        net, train_set, nabla::cross_entropy{}, nabla::sgd{.learning_rate = 0.5}, nabla::minibatch<8>{.shuffle_seed = 1},
        nabla::stop_when{.max_epochs = epochs}, [&](std::size_t epoch, double loss) {
            const auto now = std::chrono::steady_clock::now();
            const double seconds = std::chrono::duration<double>(now - last).count();
            last = now;
            const std::size_t filled = epoch * 30 / epochs;
            std::printf("\r[%s%s] epoch %2zu/%zu  loss %.4f  train accuracy %5.1f %%  %8.0f samples/s", std::string(filled, '#').c_str(),
                        std::string(30 - filled, '.').c_str(), epoch, epochs, loss, 100 * nabla::accuracy(net, train_set),
                        static_cast<double>(train_set.size()) / seconds);
            std::fflush(stdout);
        });
    const double test_accuracy = nabla::accuracy(net, test_set);
    std::printf("\nafter %zu epochs: train loss %.4f, test accuracy %.2f %%\n\n", report.epochs, report.loss, 100 * test_accuracy);

    int confusion[10][10] = {};
    const auto arg_max = [](const auto& v) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < v.size(); ++k) best = v[k] > v[best] ? k : best;
        return best;
    };
    for (const auto& s : test_set) ++confusion[arg_max(s.y)][arg_max(net(s.x))];
    std::printf("confusion matrix (rows: true digit, columns: predicted)\n     ");
    for (int c = 0; c < 10; ++c) std::printf("%4d", c);
    std::printf("\n");
    for (int r = 0; r < 10; ++r) {
        std::printf("  %d: ", r);
        for (int c = 0; c < 10; ++c) std::printf("%4d", confusion[r][c]);
        std::printf("\n");
    }
    return test_accuracy >= 0.95 ? 0 : 1;
}

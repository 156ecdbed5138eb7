// The lecture's XOR network, 2-3-1 with sigmoid activations, trained by per-sample gradient descent
// on the square error from a random start; prints the loss as it goes and the four outputs.
#include <cstdio>
#include <vector>

#include <nabla/nabla.hpp>

// With an argument, the trained network is also saved there (examples/embedded/xor.nabla is one).
int main(int argc, char** argv) {
    using net_t = nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<1, nabla::sigmoid>>;
    std::vector<nabla::sample<net_t>> xor_data = {{{0, 0}, {0}}, {{0, 1}, {1}}, {{1, 0}, {1}}, {{1, 1}, {0}}};

    std::printf("y = %s\n\n%s\n", nabla::formula<net_t>().c_str(), nabla::summary<net_t>().c_str());

    net_t net;
    nabla::initialize(net, nabla::init::uniform{-1.f, 1.f}, /*seed=*/7);
    const nabla::train_report r = nabla::train(
        net, xor_data, nabla::squared_error{}, nabla::sgd{.learning_rate = 0.5f}, nabla::per_sample{},
        nabla::stop_when{.max_epochs = 20000, .loss_below = 1e-3f}, [](std::size_t epoch, double loss) {
            if (epoch % 1000 == 0) std::printf("epoch %5zu  mean loss %.6f\n", epoch, loss);
        });
    std::printf("stopped after %zu epochs (%s), mean loss %.6f\n", r.epochs,
                r.reason == nabla::stop_reason::loss_below ? "loss below 1e-3" : "not converged", r.loss);
    for (const auto& s : xor_data)
        std::printf("  xor(%g, %g) = %.4f  (target %g)\n", static_cast<double>(s.x[0]), static_cast<double>(s.x[1]),
                    static_cast<double>(net(s.x)[0]), static_cast<double>(s.y[0]));
    if (argc > 1) {
        const nabla::status s = nabla::save(net, argv[1]);
        std::printf("saving to %s: %s\n", argv[1], s.message());
        if (!s) return 1;
    }
    return r.reason == nabla::stop_reason::loss_below ? 0 : 1;
}

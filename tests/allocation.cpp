// Proves that the forward pass, the backward pass and the gradient allocate nothing on the heap:
// the global operator new is replaced by one that counts.
#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

#include "testing.hpp"

namespace {
std::size_t allocations = 0;
}

// Every replaceable form, so that no allocation escapes the count and every delete matches its new.
// (g++ cannot see that these replacements pair malloc with free on purpose.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
    ++allocations;
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc{};
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    ++allocations;
    return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return ::operator new(size, tag); }
void* operator new(std::size_t size, std::align_val_t alignment) {
    ++allocations;
    const auto a = static_cast<std::size_t>(alignment);
    if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a)) return p;
    throw std::bad_alloc{};
}
void* operator new[](std::size_t size, std::align_val_t alignment) { return ::operator new(size, alignment); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

template <class Net, class Loss, class X, class Y> std::size_t allocations_during_a_training_pass(Net& net, const X& x, const Y& y_hat) {
    const std::size_t before = allocations;
    const auto y = net(x);
    const auto tape = nabla::forward(net, x);
    const auto delta = nabla::backward(net, tape, Loss{}, y_hat);
    const auto grad = nabla::gradient(tape, delta);
    const auto same = nabla::gradient(net, Loss{}, x, y_hat);
    const auto C = nabla::loss_value(tape, Loss{}, y_hat);
    const std::size_t after = allocations;
    // Use every result, so that none of the work can be optimised away.
    volatile auto sink = y.data()[0] + grad.template W<1>()(0, 0) + same.template b<1>()[0] + C;
    (void)sink;
    return after - before;
}

} // namespace

TEST_CASE("the counter sees heap allocations", "[allocation]") {
    const std::size_t before = allocations;
    // A direct call: unlike a new-expression, the compiler may not elide it.
    void* p = ::operator new(sizeof(int));
    ::operator delete(p);
    CHECK(allocations == before + 1);
}

TEMPLATE_TEST_CASE("forward, backward and gradient allocate nothing", "[allocation]", float, double) {
    using T = TestType;
    SECTION("the lecture's 2-3-1 network, one sample") {
        nabla::network<T, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<1, nabla::sigmoid>> net;
        testing::randomize(net, 1);
        CHECK(allocations_during_a_training_pass<decltype(net), nabla::squared_error>(
                  net, nabla::vector<T, 2>{0, 1}, nabla::vector<T, 1>{1}) == 0);
    }
    SECTION("a 64-128-64-10 classifier on a batch of 32") {
        using net_t = nabla::network<T, nabla::input<64>, nabla::dense<128, nabla::relu>, nabla::dense<64, nabla::relu>,
                                     nabla::dense<10, nabla::softmax>>;
        static net_t net; // large: kept off the test's stack frame
        testing::randomize(net, 2);
        static nabla::matrix<T, 64, 32> X;
        static nabla::matrix<T, 10, 32> Y;
        testing::random_source random{3};
        testing::fill(X, random);
        for (std::size_t j = 0; j < 32; ++j) Y(j % 10, j) = 1;
        CHECK(allocations_during_a_training_pass<net_t, nabla::cross_entropy>(net, X, Y) == 0);
        // sgd's one-sample step, fused into the backward pass (its kernels are the one-sample ones).
        nabla::vector<T, 64> x;
        nabla::vector<T, 10> y_hat{};
        y_hat[3] = 1;
        testing::fill(x, random);
        nabla::optimizer<net_t, nabla::sgd> opt{nabla::sgd{.learning_rate = 0.01}};
        const std::size_t before = allocations;
        const auto r = opt.step(net, nabla::cross_entropy{}, x, y_hat);
        // and its batch step, which applies ∇C as it is formed instead of storing it.
        const auto batch = opt.step(net, nabla::cross_entropy{}, X, Y, T(1) / 32);
        const std::size_t after = allocations;
        CHECK(r.applied);
        CHECK(batch.applied);
        CHECK(after - before == 0);
    }
}

TEMPLATE_TEST_CASE("training allocates nothing beyond the caller's data", "[allocation]", float, double) {
    using T = TestType;
    using net_t = nabla::network<T, nabla::input<4>, nabla::dense<16, nabla::tanh>, nabla::dense<3, nabla::softmax>>;
    std::vector<nabla::sample<net_t>> data(37);
    testing::random_source random{4};
    for (std::size_t k = 0; k < data.size(); ++k) {
        testing::fill(data[k].x, random);
        data[k].y[k % 3] = 1;
    }
    net_t net;
    nabla::initialize(net, nabla::init::xavier_uniform{}, 5);
    const auto stop = nabla::stop_when{.max_epochs = 3, .step_below = 1e-12};
    const nabla::cross_entropy loss;

    const std::size_t before = allocations;
    nabla::train(net, data, loss, nabla::sgd{.learning_rate = 0.1}, nabla::per_sample{.shuffle_seed = 1}, stop);
    nabla::train(net, data, loss, nabla::momentum{.learning_rate = 0.1, .momentum = 0.9}, nabla::full_batch{}, stop);
    nabla::train(net, data, loss, nabla::adam{}, nabla::minibatch<8>{.shuffle_seed = 2}, stop,
                 [](std::size_t, double) { return true; });
    nabla::optimizer<net_t, nabla::adam> opt{nabla::adam{.learning_rate = 1e-3}};
    opt.step(net, nabla::gradient(net, loss, data[0].x, data[0].y));
    opt.step(net, loss, data[1].x, data[1].y);
    const double quality = nabla::evaluate(net, data, loss) + nabla::accuracy(net, data);
    const std::size_t after = allocations;
    CHECK(std::isfinite(quality));
    CHECK(after - before == 0);
}

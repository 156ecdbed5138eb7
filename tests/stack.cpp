// With no heap, a call's tapes, δs and temporaries are on the stack of the thread that makes it:
// this checks that the benchmarks' largest network trains on a thread with a 256 KiB stack (the
// stack budget of many worker and audio threads), and that the check would see an overflow.
// Each run is in a child process, so that an overflow fails one check instead of the binary.
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>

#include "testing.hpp"

namespace {

using W_t = nabla::network<float, nabla::input<256>, nabla::dense<256, nabla::relu>, nabla::dense<256, nabla::relu>,
                           nabla::dense<256, nabla::relu>, nabla::dense<10, nabla::softmax>>;

// Static: the network and the data are the caller's, wherever the caller keeps them; what is
// measured is what the calls themselves put on the stack.
W_t net;
nabla::matrix<float, 256, 32> X;
nabla::matrix<float, 10, 32> Y;
nabla::vector<float, 256> x;
nabla::vector<float, 10> y_hat;
bool applied = false;

void* train(void*) {
    nabla::optimizer<W_t, nabla::sgd> opt{nabla::sgd{.learning_rate = 0.01f}};
    const nabla::cross_entropy loss;
    applied = opt.step(net, loss, X, Y, 1.f / 32).applied;       // a minibatch of 32
    applied = applied && opt.step(net, loss, x, y_hat).applied; // one sample
    nabla::vector<float, 10> y = net(x);
    applied = applied && y[0] == y[0];
    return nullptr;
}

// How a child that trains on a thread with `bytes` of stack ended: its exit code, or the signal
// that ended it as 128 + the signal's number; -1 if there was no child to end.
int train_on_a_thread(std::size_t bytes) {
    const pid_t child = fork();
    if (child < 0) return -1;
    if (child == 0) {
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        if (pthread_attr_setstacksize(&attributes, bytes) != 0) _exit(2);
        pthread_t thread;
        if (pthread_create(&thread, &attributes, train, nullptr) != 0) _exit(3);
        pthread_join(thread, nullptr);
        _exit(applied ? 0 : 4);
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child) return -1;
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

} // namespace

TEST_CASE("W's training steps run on a thread with a 256 KiB stack", "[stack]") {
    testing::random_source random{41};
    nabla::initialize(net, nabla::init::uniform{-0.06f, 0.06f}, 40);
    testing::fill(X, random);
    testing::fill(x, random);
    for (std::size_t j = 0; j < 32; ++j) Y(j % 10, j) = 1.f;
    y_hat[3] = 1.f;
    const W_t start = net;
    CHECK(train_on_a_thread(256 * 1024) == 0);
    CHECK(net == start); // the steps ran in the child
    // The check sees an overflow: a minibatch's tape of W (z^l and a^l of 32 samples) is 195 KiB.
    CHECK(train_on_a_thread(128 * 1024) == 128 + SIGSEGV);
}

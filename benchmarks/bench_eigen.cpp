// Eigen, written the way an Eigen user writes a small MLP: one matrix per layer, z = W a + b with
// Eigen expressions, the backward pass by hand. Instantiated twice, with fixed-size matrices (sizes
// in the type, like nabla) and with dynamic ones (Eigen::MatrixXf).
#define EIGEN_STACK_ALLOCATION_LIMIT 0 // W's 256 x 256 fixed-size matrices live in a static object

// g++ 12 -march=native warns falsely inside its own AVX-512 intrinsics as Eigen inlines them.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <cstddef>
#include <string>
#include <tuple>
#include <utility>

#include <Eigen/Dense>

#include "report.hpp"

namespace {

template <class Net, bool Fixed> struct eigen_model {
    static constexpr std::size_t L = Net::sizes.size() - 1;
    static constexpr int extent(std::size_t n) { return Fixed ? static_cast<int>(n) : Eigen::Dynamic; }
    template <std::size_t l> using weight = Eigen::Matrix<float, extent(Net::sizes[l]), extent(Net::sizes[l - 1])>;
    template <std::size_t l> using bias = Eigen::Matrix<float, extent(Net::sizes[l]), 1>;
    template <std::size_t l, int B> using block = Eigen::Matrix<float, extent(Net::sizes[l]), Fixed ? B : Eigen::Dynamic>;

    template <class Seq> struct layers;
    template <std::size_t... l> struct layers<std::index_sequence<l...>> {
        using W = std::tuple<weight<l + 1>...>;
        using b = std::tuple<bias<l + 1>...>;
        template <int B> using A = std::tuple<block<l, B>..., block<L, B>>; // a⁰ … a^L
    };
    using seq = std::make_index_sequence<L>;
    typename layers<seq>::W W;
    typename layers<seq>::b b;

    eigen_model() {
        const auto& w = bench::weights<Net>();
        [&]<std::size_t... l>(std::index_sequence<l...>) {
            const auto copy = [&]<std::size_t i>(std::integral_constant<std::size_t, i>) {
                auto& Wi = std::get<i - 1>(W);
                auto& bi = std::get<i - 1>(b);
                Wi.resize(static_cast<Eigen::Index>(Net::sizes[i]), static_cast<Eigen::Index>(Net::sizes[i - 1]));
                bi.resize(static_cast<Eigen::Index>(Net::sizes[i]));
                for (std::size_t r = 0; r < Net::sizes[i]; ++r) {
                    for (std::size_t c = 0; c < Net::sizes[i - 1]; ++c)
                        Wi(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = w.template W<i>()(r, c);
                    bi(static_cast<Eigen::Index>(r)) = w.template b<i>()[r];
                }
            };
            (copy(std::integral_constant<std::size_t, l + 1>{}), ...);
        }(seq{});
    }

    template <bench::act F, class Z> static auto activate(const Z& z) {
        using M = typename Z::PlainObject;
        if constexpr (F == bench::act::sigmoid) return M((1 + (-z.array()).exp()).inverse().matrix());
        else if constexpr (F == bench::act::tanh) return M(z.array().tanh().matrix());
        else if constexpr (F == bench::act::relu) return M(z.cwiseMax(0.f));
        else if constexpr (F == bench::act::identity) return M(z);
        else {
            M a = (z.rowwise() - z.colwise().maxCoeff()).array().exp().matrix();
            a.array().rowwise() /= a.colwise().sum().array();
            return a;
        }
    }
    // σ'(z) from a = σ(z).
    template <bench::act F, class A> static auto derivative(const A& a) {
        using M = typename A::PlainObject;
        if constexpr (F == bench::act::sigmoid) return M((a.array() * (1 - a.array())).matrix());
        else if constexpr (F == bench::act::tanh) return M((1 - a.array().square()).matrix());
        else if constexpr (F == bench::act::relu) return M((a.array() > 0.f).template cast<float>().matrix());
        else return M(M::Ones(a.rows(), a.cols()));
    }

    template <int B, class X> void forward(const X& x, typename layers<seq>::template A<B>& a) const {
        std::get<0>(a) = x;
        [&]<std::size_t... l>(std::index_sequence<l...>) {
            const auto step = [&]<std::size_t i>(std::integral_constant<std::size_t, i>) {
                constexpr bench::act F = i == L ? Net::output : Net::hidden;
                std::get<i>(a) = activate<F>(
                    (std::get<i - 1>(W) * std::get<i - 1>(a)).colwise() + std::get<i - 1>(b));
            };
            (step(std::integral_constant<std::size_t, l + 1>{}), ...);
        }(seq{});
    }

    // One SGD step on the batch X (columns are samples): forward, δ from L down to 1, update.
    template <int B, class X, class Y> void train(const X& x, const Y& y, float eta) {
        typename layers<seq>::template A<B> a;
        forward<B>(x, a);
        block<L, B> delta_out = Net::output == bench::act::softmax
                                    ? block<L, B>(std::get<L>(a) - y)
                                    : block<L, B>(derivative<Net::output>(std::get<L>(a)).cwiseProduct(2 * (std::get<L>(a) - y)));
        backward<L, B>(a, delta_out, eta);
    }
    template <std::size_t l, int B, class As, class D> void backward(const As& a, const D& delta, float eta) {
        if constexpr (l > 1) {
            const block<l - 1, B> previous =
                derivative<Net::hidden>(std::get<l - 1>(a)).cwiseProduct(std::get<l - 1>(W).transpose() * delta);
            std::get<l - 1>(W).noalias() -= eta * delta * std::get<l - 1>(a).transpose();
            std::get<l - 1>(b).noalias() -= eta * delta.rowwise().sum();
            backward<l - 1, B>(a, previous, eta);
        } else {
            std::get<0>(W).noalias() -= eta * delta * std::get<0>(a).transpose();
            std::get<0>(b).noalias() -= eta * delta.rowwise().sum();
        }
    }
};

template <class Net, bool Fixed> eigen_model<Net, Fixed>& model() {
    static eigen_model<Net, Fixed> m;
    return m;
}
template <class Net, bool Fixed, int B> auto input_block() {
    typename eigen_model<Net, Fixed>::template block<0, B> x;
    x.resize(static_cast<Eigen::Index>(Net::sizes.front()), B);
    for (int j = 0; j < B; ++j)
        for (std::size_t i = 0; i < Net::sizes.front(); ++i)
            x(static_cast<Eigen::Index>(i), j) = bench::inputs<Net>()(i, static_cast<std::size_t>(j));
    return x;
}
template <class Net, bool Fixed, int B> auto target_block() {
    typename eigen_model<Net, Fixed>::template block<eigen_model<Net, Fixed>::L, B> y;
    y.resize(static_cast<Eigen::Index>(Net::sizes.back()), B);
    for (int j = 0; j < B; ++j)
        for (std::size_t i = 0; i < Net::sizes.back(); ++i)
            y(static_cast<Eigen::Index>(i), j) = bench::targets<Net>()(i, static_cast<std::size_t>(j));
    return y;
}

template <class Net, bool Fixed> void forward(benchmark::State& state) {
    auto& m = model<Net, Fixed>();
    const auto x = input_block<Net, Fixed, 1>();
    typename eigen_model<Net, Fixed>::template layers<typename eigen_model<Net, Fixed>::seq>::template A<1> a;
    bench::measure(state, bench::forward_flops<Net>(), 1, [&] {
        m.template forward<1>(x, a);
        benchmark::DoNotOptimize(std::get<eigen_model<Net, Fixed>::L>(a).data());
    });
}
template <class Net, bool Fixed> void train_sample(benchmark::State& state) {
    auto& m = model<Net, Fixed>();
    const auto x = input_block<Net, Fixed, 1>();
    const auto y = target_block<Net, Fixed, 1>();
    bench::measure(state, bench::train_flops<Net>(), 1, [&] {
        m.template train<1>(x, y, bench::learning_rate);
        benchmark::DoNotOptimize(std::get<0>(m.W).data());
    });
}
template <class Net, bool Fixed> void train_batch(benchmark::State& state) {
    auto& m = model<Net, Fixed>();
    const auto x = input_block<Net, Fixed, static_cast<int>(bench::batch)>();
    const auto y = target_block<Net, Fixed, static_cast<int>(bench::batch)>();
    bench::measure(state, bench::batch * bench::train_flops<Net>(), bench::batch, [&] {
        m.template train<static_cast<int>(bench::batch)>(x, y, bench::learning_rate / bench::batch);
        benchmark::DoNotOptimize(std::get<0>(m.W).data());
    });
}

// Forward passes in a chain, as bench_nabla.cpp's chained/ rows: each input's first value is the
// last output's.
template <class Net> void forward_chained(benchmark::State& state) {
    auto& m = model<Net, true>();
    auto x = input_block<Net, true, 1>();
    typename eigen_model<Net, true>::template layers<typename eigen_model<Net, true>::seq>::template A<1> a;
    bench::measure(state, bench::forward_flops<Net>(), 1, [&] {
        m.template forward<1>(x, a);
        x(0, 0) = std::get<eigen_model<Net, true>::L>(a)(0, 0);
    });
    benchmark::DoNotOptimize(x.data());
}
template <class Net> void forward_fixed(benchmark::State& s) { forward<Net, true>(s); }
template <class Net> void forward_dynamic(benchmark::State& s) { forward<Net, false>(s); }
template <class Net> void train_sample_fixed(benchmark::State& s) { train_sample<Net, true>(s); }
template <class Net> void train_sample_dynamic(benchmark::State& s) { train_sample<Net, false>(s); }
template <class Net> void train_batch_fixed(benchmark::State& s) { train_batch<Net, true>(s); }
template <class Net> void train_batch_dynamic(benchmark::State& s) { train_batch<Net, false>(s); }

} // namespace

NABLA_BENCHMARK_ROWS("eigen_fixed", forward_fixed, train_sample_fixed, train_batch_fixed);
NABLA_BENCHMARK_ROWS("eigen_dynamic", forward_dynamic, train_sample_dynamic, train_batch_dynamic);
BENCHMARK_TEMPLATE(forward_chained, bench::T)->Name("chained/T_forward/eigen_fixed");
BENCHMARK_TEMPLATE(forward_chained, bench::S)->Name("chained/S_forward/eigen_fixed");

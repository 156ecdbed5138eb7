// train, evaluate, accuracy: the lecture's algorithm — from the current (random) θ, repeat
// θ ← θ − η∇C(θ) epoch by epoch until a stopping criterion holds — with no heap allocation.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>

#include <nabla/detail/math.hpp>
#include <nabla/detail/random.hpp>
#include <nabla/network/gradient.hpp>
#include <nabla/network/loss_value.hpp>
#include <nabla/training/optimizer.hpp>
#include <nabla/training/sample.hpp>
#include <nabla/training/schedule.hpp>
#include <nabla/training/stop_when.hpp>

namespace nabla {

// A contiguous range of sample<N>: std::vector, std::array, std::span, a C array. Spelled with
// std::data and std::size (declared by <span>) rather than <ranges>, whose parsing alone costs
// half a second of every translation unit that trains.
template <class R, class N>
concept SampleRange = requires(const R& r) {
    { std::size(r) } -> std::convertible_to<std::size_t>;
    requires std::is_same_v<std::remove_cv_t<std::remove_pointer_t<decltype(std::data(r))>>, sample<N>>;
};

// The mean per-sample loss of net over data (0 for no data).
//   double C = nabla::evaluate(net, data, nabla::squared_error{});
template <class N, class R, class L>
    requires SampleRange<R, N>
constexpr double evaluate(const N& net, const R& data, L loss) noexcept {
    const std::size_t n = std::size(data);
    if (n == 0) return 0;
    const auto* samples = std::data(data);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += static_cast<double>(loss_value(net, loss, samples[i].x, samples[i].y));
    return sum / static_cast<double>(n);
}

// The fraction of samples whose output's arg-max is the target's (0 for no data).
//   double share = nabla::accuracy(net, test_data);
template <class N, class R>
    requires SampleRange<R, N>
constexpr double accuracy(const N& net, const R& data) noexcept {
    const auto arg_max = [](const auto& v) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < v.size(); ++k)
            if (v[k] > v[best]) best = k;
        return best;
    };
    const std::size_t n = std::size(data);
    if (n == 0) return 0;
    const auto* samples = std::data(data);
    std::size_t right = 0;
    for (std::size_t i = 0; i < n; ++i) right += arg_max(net(samples[i].x)) == arg_max(samples[i].y) ? 1 : 0;
    return static_cast<double>(right) / static_cast<double>(n);
}

namespace detail {

struct no_callback {
    constexpr bool operator()(std::size_t, double) const noexcept { return true; }
};

// The order of an epoch's samples: as stored, or a fresh permutation per epoch from the seed.
class epoch_order {
public:
    constexpr epoch_order(std::size_t n, const std::optional<std::uint64_t>& seed, std::size_t epoch) noexcept
        : shuffled_(seed.has_value()),
          permutation_(n, shuffled_ ? random_stream(*seed ^ (0x9e3779b97f4a7c15ULL * (epoch + 1))).bits() : 0) {}
    constexpr std::size_t operator()(std::size_t i) const noexcept { return shuffled_ ? permutation_(i) : i; }

private:
    bool shuffled_;
    index_permutation permutation_;
};

// ∇ of Σ C over the samples order(first), …, order(first + count - 1): Batch columns at a time as
// matrix products. A last, shorter batch fills its empty columns with copies of its last sample,
// which add_gradient leaves out of the sum.
template <std::size_t Batch, class N, class S, class L>
constexpr typename N::parameters_type batch_gradient(const N& net, const S* samples, const epoch_order& order,
                                                     std::size_t first, std::size_t count, L loss) noexcept {
    using T = typename N::value_type;
    typename N::parameters_type total;
    for (std::size_t done = 0; done < count; done += Batch) {
        const std::size_t used = count - done < Batch ? count - done : Batch;
        if constexpr (Batch == 1) {
            const S& s = samples[order(first + done)];
            add_gradient(total, net, loss, s.x, s.y);
        } else {
            matrix<T, N::input_size, Batch> X;
            matrix<T, N::output_size, Batch> Y;
            for (std::size_t j = 0; j < Batch; ++j) {
                const S& s = samples[order(first + done + (j < used ? j : used - 1))];
                detail::each_index<T, N::input_size>([&](std::size_t i) { X(i, j) = s.x[i]; });
                detail::each_index<T, N::output_size>([&](std::size_t i) { Y(i, j) = s.y[i]; });
            }
            add_gradient(total, net, loss, X, Y, used);
        }
    }
    return total;
}

} // namespace detail

// Trains net on data: per epoch, the schedule's updates with the optimiser's rule, then the mean
// loss over data; stops as stop says, when a step would make θ non-finite (θ keeps its last finite
// value), or when on_epoch(epoch, loss) returns false.
//   auto report = nabla::train(net, data, nabla::squared_error{}, nabla::sgd{.learning_rate = 0.5},
//                              nabla::per_sample{}, nabla::stop_when{.max_epochs = 20000, .loss_below = 1e-3});
template <class N, class R, class L, class Method, class Schedule, class OnEpoch = detail::no_callback>
    requires SampleRange<R, N>
constexpr train_report train(N& net, const R& data, L loss, Method method, Schedule schedule, stop_when stop,
                             OnEpoch on_epoch = {}) noexcept {
    using T = typename N::value_type;
    const std::size_t n = std::size(data);
    const auto* samples = std::data(data);
    train_report report{0, evaluate(net, data, loss), stop_reason::max_epochs};
    if (n == 0) return report;
    optimizer<N, Method> opt(method);

    const auto record = [](const step_result& result, double& largest) {
        largest = result.largest_change > largest ? result.largest_change : largest;
        return result.applied;
    };
    const auto update = [&](const typename N::parameters_type& g, std::size_t count, reduction r, double& largest) {
        const T scale = r == reduction::mean ? T(1) / static_cast<T>(count) : T(1);
        return record(opt.step(net, g, scale), largest);
    };

    for (std::size_t epoch = 1;; ++epoch) {
        double largest = 0;
        bool finite = true;
        if constexpr (std::is_same_v<Schedule, per_sample>) {
            const detail::epoch_order order(n, schedule.shuffle_seed, epoch);
            for (std::size_t i = 0; i < n && finite; ++i) {
                const auto& s = samples[order(i)];
                finite = record(opt.step(net, loss, s.x, s.y), largest);
            }
        } else if constexpr (std::is_same_v<Schedule, full_batch>) {
            const detail::epoch_order order(n, std::nullopt, epoch);
            finite = update(detail::batch_gradient<32>(net, samples, order, 0, n, loss), n, schedule.reduction, largest);
        } else {
            constexpr std::size_t B = Schedule::batch_size;
            const detail::epoch_order order(n, schedule.shuffle_seed, epoch);
            for (std::size_t first = 0; first < n && finite; first += B) {
                const std::size_t count = n - first < B ? n - first : B;
                finite = update(detail::batch_gradient<B>(net, samples, order, first, count, loss), count,
                                schedule.reduction, largest);
            }
        }
        report.loss = evaluate(net, data, loss);
        if (!finite || !detail::is_finite(report.loss)) {
            report.reason = stop_reason::diverged;
            return report;
        }
        report.epochs = epoch;
        bool go_on = true;
        if constexpr (std::is_void_v<decltype(on_epoch(epoch, report.loss))>) on_epoch(epoch, report.loss);
        else go_on = static_cast<bool>(on_epoch(epoch, report.loss));
        if (!go_on) report.reason = stop_reason::stopped_by_callback;
        else if (stop.loss_below && report.loss < *stop.loss_below) report.reason = stop_reason::loss_below;
        else if (stop.step_below && largest < *stop.step_below) report.reason = stop_reason::step_below;
        else if (epoch >= stop.max_epochs) report.reason = stop_reason::max_epochs;
        else continue;
        return report;
    }
}

} // namespace nabla

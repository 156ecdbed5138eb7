// optimizer<net_t, Method>: one update θ ← update(θ, ∇C) at a time, with the method's state
// (velocity, moments) fixed-size beside it; never applies a step that would leave θ non-finite.
#pragma once

#include <array>
#include <bit>
#include <concepts>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <utility>

#include <nabla/detail/bytes.hpp>
#include <nabla/detail/constant_evaluation.hpp>
#include <nabla/detail/kernels.hpp>
#include <nabla/detail/math.hpp>
#include <nabla/diagnostics.hpp>
#include <nabla/network/gradient.hpp>
#include <nabla/training/batch_step.hpp>
#include <nabla/training/sample_step.hpp>

NABLA_BEGIN_IF_CONSTEVAL

namespace nabla {

// What one step did: whether it was applied, and the largest |Δθ| it made.
struct step_result {
    bool applied = true;
    double largest_change = 0;
};

namespace detail {

// Calls f(a, b, c...) on the matching tensors (W¹, b¹, W², …) of several parameter sets.
template <class F, class P, class... Q> constexpr void zip_tensors(F&& f, P& first, Q&... rest) noexcept {
    const auto layer = [&]<std::size_t l>(std::integral_constant<std::size_t, l>) {
        f(first.template W<l>(), rest.template W<l>()...);
        f(first.template b<l>(), rest.template b<l>()...);
    };
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        (layer(std::integral_constant<std::size_t, l + 1>{}), ...);
    }(std::make_index_sequence<P::depth>{});
}

// ∇C's tensors as an update reads them, coefficient (i, j) at a time: stored in a parameter set,
// or for one sample formed on the fly, ∂C/∂W^l = δ^l (a^{l-1})ᵀ and ∂C/∂b^l = δ^l, so that the
// update reads each W^l once and no gradient is written.
// vector(i, j) is the same for a vector's worth of coefficients from (i, j), with the same roundings.
template <class T> struct stored_tensor_gradient {
    static constexpr bool contiguous = true; // (i, j) and (0, i · columns + j) are the same coefficient
    const T* g;
    std::size_t columns;
    constexpr T operator()(std::size_t i, std::size_t j) const noexcept { return g[i * columns + j]; }
    typename simd<T>::type vector(std::size_t i, std::size_t j) const noexcept { return simd<T>::load(g + i * columns + j); }
    // max |g_ij| over rows × width coefficients (width = columns); +inf or NaN if any is not finite.
    double largest(std::size_t rows, std::size_t width) const noexcept { return double(largest_magnitude(g, rows * width)); }
};
template <class T> struct outer_gradient {
    static constexpr bool contiguous = false;
    const T *delta, *a;
    constexpr T operator()(std::size_t i, std::size_t j) const noexcept { return delta[i] * a[j]; }
    typename simd<T>::type vector(std::size_t i, std::size_t j) const noexcept { return delta[i] * simd<T>::load(a + j); }
    // max |δ_i a_j| from the two vectors alone; +inf or NaN if any of them is not finite.
    double largest(std::size_t rows, std::size_t columns) const noexcept {
        return double(largest_magnitude(delta, rows)) * double(largest_magnitude(a, columns));
    }
};

// Rules with state whose change and new state are bounded by the largest gradient and state
// values (momentum, Adam): state_bounds(largest |g|, largest |state_k|, new largest |state_k|)
// returns the bound on |Δθ|.
template <class Rule>
concept state_bounded_rule = requires(const Rule& rule, double g, const double* largest, double* next) {
    { rule.state_bounds(g, largest, next) } -> std::same_as<double>;
};

// Whether a method's rule also takes vectors (so that the finiteness check can run on them).
template <class Rule, class T>
concept vector_rule = requires(const Rule& rule, typename simd<T>::type v, typename simd<T>::type* s) {
    { rule(v, v, s) } -> std::same_as<typename simd<T>::type>;
};

template <class P> struct stored_gradients {
    const P& g;
    template <std::size_t l> constexpr auto W() const noexcept {
        using G = std::remove_cvref_t<decltype(g.template W<l>())>;
        return stored_tensor_gradient<typename P::value_type>{g.template W<l>().data(), G::column_count};
    }
    template <std::size_t l> constexpr auto b() const noexcept { return stored_tensor_gradient<typename P::value_type>{g.template b<l>().data(), 1}; }
};
template <class Tape, class Deltas> struct sample_gradients {
    const Tape& tape;
    const Deltas& delta;
    template <std::size_t l> constexpr auto W() const noexcept {
        return outer_gradient<typename Tape::network_type::value_type>{delta.template at<l>().data(), tape.template a<l - 1>().data()};
    }
    template <std::size_t l> constexpr auto b() const noexcept {
        return stored_tensor_gradient<typename Tape::network_type::value_type>{delta.template at<l>().data(), 1};
    }
};

template <class T> struct sweep_result {
    bool finite = true;
    bits_of<T> largest = 0; // of |Δθ|, as bits: for non-negative floats their order is the values'
    constexpr void add(const sweep_result& other) noexcept {
        finite &= other.finite;
        largest = other.largest > largest ? other.largest : largest;
    }
};

// The read-only pass on vectors: x - x is +0 (all bits zero) for a finite x and NaN for ±inf
// and NaN, so OR-ing its bits says whether any new value is non-finite: two operations a value,
// and an integer OR keeps the loop from waiting on a floating-point sum.
// This pass and the writing one take the gradient, the rule and the state pointers by value: by
// reference, g++ read δ's and a's pointers, the state's pointer and the rule's factors again
// after each vector store (simd<T>::store is a memcpy, which may alias them): ten loads a vector
// in momentum's writing pass, four (θ, v, a, δ_i) by value (objdump). M's one-sample steps with
// momentum 5,798 → 4,633 ns, with Adam 14,024 → 13,088 ns (ROUNDS=4 scripts/compare_benchmarks.sh).
template <class T, std::size_t States, class Gradient, class Rule>
NABLA_RARE_KERNEL bool finite_vector_check(const T* t, const Gradient g, std::size_t rows, std::size_t columns, T scale,
                                           const Rule rule, const std::array<T*, States> state) noexcept {
    using S = simd<T>;
    using V = typename S::type;
    constexpr std::size_t lanes = S::lanes;
    const std::size_t whole = columns / lanes * lanes;
    typedef bits_of<T> SV __attribute__((vector_size(sizeof(V))));
    SV found{};
    T tail{};
    for (std::size_t i = 0; i < rows; ++i) {
        for (std::size_t j = 0; j < whole; j += lanes) {
            V s[States + 1];
            for (std::size_t k = 0; k < States; ++k) s[k] = S::load(state[k] + i * columns + j);
            const V next = rule(S::load(t + i * columns + j), scale * g.vector(i, j), s);
            found |= std::bit_cast<SV>(next - next);
            for (std::size_t k = 0; k < States; ++k) found |= std::bit_cast<SV>(s[k] - s[k]);
        }
        for (std::size_t j = whole; j < columns; ++j) {
            T s[States + 1];
            for (std::size_t k = 0; k < States; ++k) s[k] = state[k][i * columns + j];
            const T next = rule(t[i * columns + j], scale * g(i, j), s);
            tail += next - next;
            for (std::size_t k = 0; k < States; ++k) tail += s[k] - s[k];
        }
    }
    bool finite = tail == T(0);
    for (std::size_t l = 0; l < lanes; ++l) finite &= found[l] == 0;
    return finite;
}

// The writing pass on vectors, with the same arithmetic as the check: the largest |Δθ| stays in
// one register for the whole tensor (non-negative floats order as their bits).
template <class T, std::size_t States, class Gradient, class Rule>
bits_of<T> vector_write(T* t, const Gradient g, std::size_t rows, std::size_t columns, T scale, const Rule rule,
                        const std::array<T*, States> state) noexcept {
    using S = simd<T>;
    using V = typename S::type;
    constexpr std::size_t lanes = S::lanes;
    const std::size_t whole = columns / lanes * lanes;
    largest_seen<T> largest;
    for (std::size_t i = 0; i < rows; ++i) {
        for (std::size_t j = 0; j < whole; j += lanes) {
            const std::size_t at = i * columns + j;
            V s[States + 1];
            for (std::size_t k = 0; k < States; ++k) s[k] = S::load(state[k] + at);
            const V old = S::load(t + at);
            const V next = rule(old, scale * g.vector(i, j), s);
            S::store(t + at, next);
            for (std::size_t k = 0; k < States; ++k) S::store(state[k] + at, s[k]);
            largest(next - old);
        }
        for (std::size_t j = whole; j < columns; ++j) {
            const std::size_t at = i * columns + j;
            T s[States + 1];
            for (std::size_t k = 0; k < States; ++k) s[k] = state[k][at];
            const T old = t[at];
            const T next = rule(old, scale * g(i, j), s);
            t[at] = next;
            for (std::size_t k = 0; k < States; ++k) state[k][at] = s[k];
            largest(next - old);
        }
    }
    return largest.value_bits();
}

// Whether bounds vouch for a tensor's step (count values of θ and of each state, gradients of
// magnitude up to largest_gradient before scaling): with every bound and |θ| below a quarter of
// the range, every new value is finite. A rule with state bounds its change and new state by
// state_bounds, one without (sgd) its change by change_bound. Reading θ and the state for their
// maxima costs less than computing the step (Adam's two divisions and a square root a
// coefficient). NaN anywhere fails every comparison.
template <class T, std::size_t States, class Rule>
NABLA_SHARED_KERNEL bool tensor_step_is_safe(const T* t, std::size_t count, T scale, double largest_gradient,
                                             const Rule& rule, const std::array<T*, States>& state) noexcept {
    constexpr double safe = quarter_range<T>;
    bool safe_step;
    if constexpr (state_bounded_rule<Rule>) {
        double largest_state[States + 1]{}, new_state[States + 1]{};
        for (std::size_t k = 0; k < States; ++k) largest_state[k] = double(largest_magnitude(state[k], count));
        const double gradient = __builtin_fabs(double(scale)) * largest_gradient * 1.0001; // the rounding of scale · g
        safe_step = gradient_is_safe(scale, largest_gradient) && rule.state_bounds(gradient, largest_state, new_state) <= safe;
        for (std::size_t k = 0; k < States; ++k) safe_step = safe_step && new_state[k] <= safe;
    } else {
        safe_step = change_is_safe<T>(rule, scale, largest_gradient);
    }
    return safe_step && double(largest_magnitude(t, count)) < safe;
}

// One tensor's pass of optimizer::sweep (rows × columns of θ, its gradient and the method's
// state): computes every new parameter and state value; Write stores them and tracks the largest
// change, otherwise only finiteness is checked. Out of line and sized at run time, so that a
// network compiles one copy per pass and rule instead of one per tensor (see the compile-time
// paragraph of docs/benchmarks-notes.md); the loops run as fast with their bounds in registers.
// During constant evaluation, only the scalar loop runs.
template <bool Write, class T, std::size_t States, class Gradient, class Rule>
NABLA_SHARED_KERNEL constexpr sweep_result<T> sweep_tensor(T* t, const Gradient& g, std::size_t rows, std::size_t columns,
                                                         T scale, const Rule& rule, std::array<T*, States> state) noexcept {
    using bits = bits_of<T>;
    constexpr bits exponent = exponent_bits<T>;
    sweep_result<T> result;
    // Bounds from the largest gradient, |θ| and the state vouch for the step without computing it
    // (tensor_step_is_safe): for sgd no |θ| or |Δθ| above a quarter of the range means no sum
    // past it, and for one sample the bound comes from δ and a alone, so that the check reads W
    // once instead of forming δ aᵀ twice; momentum's and Adam's bounds took M's one-sample Adam
    // step 12.9 → 8.3 µs, its momentum step 4.7 → 3.8 µs (compare_benchmarks.sh). Here rather than
    // in optimizer::sweep, whose six calls a network had cost g++ more (7.06 against 6.97 G cc1plus
    // instructions for M's training unit at b6bacf8, a variant not kept).
    if constexpr (!Write && (bounded_rule<Rule> || state_bounded_rule<Rule>)) {
        if !consteval {
            if (tensor_step_is_safe(t, rows * columns, scale, g.largest(rows, columns), rule, state)) return result;
        }
    }
    if constexpr (Gradient::contiguous) {
        columns *= rows; // one long row: the loops below then reduce their accumulators once
        rows = 1;
    }
    // The check on explicit vectors where the rule takes them (sgd, momentum): the scalar loop
    // below spends more on reducing its flags than on the arithmetic. (The writing pass was tried
    // the same way and was slower than g++'s vectorisation of the loop below.)
    if constexpr (vector_rule<Rule, T>) {
        if !consteval {
            if constexpr (Write) result.largest = vector_write(t, g, rows, columns, scale, rule, state);
            else result.finite = finite_vector_check(t, g, rows, columns, scale, rule, state);
            return result;
        }
    }
    bits non_finite = 0; // non-zero once a value's exponent bits are all ones (inf, NaN)
    bits largest = 0;
    for (std::size_t i = 0; i < rows; ++i) {
        for (std::size_t j = 0; j < columns; ++j) {
            const std::size_t at = i * columns + j;
            T s[States + 1];
            for (std::size_t k = 0; k < States; ++k) s[k] = state[k][at];
            const T next = rule(t[at], scale * g(i, j), s);
            if constexpr (Write) {
                const bits change = std::bit_cast<bits>(next > t[at] ? next - t[at] : t[at] - next);
                largest = change > largest ? change : largest;
                t[at] = next;
                for (std::size_t k = 0; k < States; ++k) state[k][at] = s[k];
            } else {
                non_finite |= static_cast<bits>((std::bit_cast<bits>(next) & exponent) == exponent);
                for (std::size_t k = 0; k < States; ++k)
                    non_finite |= static_cast<bits>((std::bit_cast<bits>(s[k]) & exponent) == exponent);
            }
        }
    }
    result.finite = non_finite == 0;
    result.largest = largest;
    return result;
}

} // namespace detail

// Applies Method's update to a network, step by step.
//   nabla::optimizer<net_t, nabla::adam> opt{nabla::adam{.learning_rate = 1e-3}};
//   opt.step(net, nabla::gradient(net, nabla::squared_error{}, x, y_hat));
template <class N, class Method> class optimizer {
public:
    using parameters_type = typename N::parameters_type;
    using value_type = typename N::value_type;

    constexpr explicit optimizer(Method method = {}) noexcept : method_(method) {}

    // θ ← update(θ, scale · grad). If any new parameter or state would be infinite or NaN, nothing
    // changes and the result says so.
    constexpr step_result step(parameters_type& net, const parameters_type& grad, value_type scale = 1) noexcept {
        return apply(net, detail::stored_gradients<parameters_type>{grad}, scale);
    }
    constexpr step_result step(N& net, const parameters_type& grad, value_type scale = 1) noexcept {
        return step(static_cast<parameters_type&>(net), grad, scale);
    }

    // One step at the sample (x, y_hat), or at a batch (∇C summed over its columns): the result of
    // step(net, gradient(net, loss, x, y_hat), scale) to a few roundings (a multiply-add contracted
    // where the hardware has FMA; scale · δ_i taken before a_j), but for one sample ∇C is never
    // stored: the update forms δ^l (a^{l-1})ᵀ as it reads W^l. For sgd the backward pass itself
    // updates each W^l as it reads it (training/sample_step.hpp), when bounds on θ, a and δ vouch
    // for the step; otherwise a read-only pass checks it first. On a batch, sgd's update is applied
    // as each coefficient of ∂C/∂W^l is formed (training/batch_step.hpp), under the same kind of bounds.
    //   opt.step(net, nabla::squared_error{}, x, y_hat);
    template <class L, class X, class Y>
    constexpr auto step(N& net, L loss, const X& x, const Y& y_hat, value_type scale = 1) noexcept {
        // During constant evaluation the unfused step, whose passes have constant forms: in the
        // consteval branch, which g++ does not compile for run time (after the fused returns, it did).
        if consteval {
            return unfused(net, loss, x, y_hat, scale);
        } else {
            if constexpr (X::is_vector && fused_sample_step) {
                detail::magnitudes_seen<value_type, N::depth> seen;
                return detail::with_tape(
                    net, loss, x, y_hat, [&](const auto& tape) { return fused_step<L>(net, tape, seen, y_hat, scale); }, seen);
            } else if constexpr (!X::is_vector && fused_batch_step) {
                detail::magnitudes_seen<value_type, N::depth> seen;
                const auto fused_batch = [&](auto& tape) {
                    const detail::deltas_over_z delta(net, tape, loss, y_hat, seen);
                    step_result result;
                    const auto vouch = [&](const rule_type& rule) {
                        return detail::batch_step_is_safe(tape, seen, delta, scale, rule);
                    };
                    const auto write = [&](const rule_type& rule) {
                        return detail::update_with_batch_gradient(net, tape, delta, scale, rule);
                    };
                    if (fused(vouch, write, result)) return result;
                    return stored_rarely(net, tape, delta, scale);
                };
                return detail::with_tape<true>(net, loss, x, y_hat, fused_batch, seen);
            } else {
                return unfused(net, loss, x, y_hat, scale);
            }
        }
    }

    constexpr std::size_t steps() const noexcept { return steps_; }
    constexpr const Method& method() const noexcept { return method_; }

private:
    constexpr double beta(int which) const noexcept {
        if constexpr (requires { method_.beta1; }) return which == 0 ? method_.beta1 : method_.beta2;
        else return 1;
    }

    // The forward and backward passes, then the update (for one sample δ aᵀ formed inside it).
    template <class L, class X, class Y>
    constexpr auto unfused(N& net, L loss, const X& x, const Y& y_hat, value_type scale) noexcept {
        return detail::with_tape(net, loss, x, y_hat,
                                 [&](const auto& tape) { return unfused_step(net, tape, loss, y_hat, scale); });
    }
    template <class Tape, class L, class Y>
    constexpr step_result unfused_step(N& net, const Tape& tape, L loss, const Y& y_hat, value_type scale) noexcept {
        const auto delta = backward(net, tape, loss, y_hat);
        using Deltas = std::remove_cvref_t<decltype(delta)>;
        if constexpr (Tape::input_type::is_vector) return apply(net, detail::sample_gradients<const Tape, const Deltas>{tape, delta}, scale);
        else return step(net, gradient(tape, delta), scale);
    }
    // The batch step with its gradient stored, where the fused one could not vouch: ∇C is formed
    // here, so that the path taken keeps no gradient-sized object in its stack frame.
    template <class Tape, class Deltas>
    [[gnu::noinline, gnu::cold]] step_result stored_rarely(N& net, const Tape& tape, const Deltas& delta, value_type scale) noexcept {
        parameters_type grad;
        detail::gradient_into(grad, tape, delta, detail::store_results{});
        return step(net, grad, scale);
    }

    using rule_type = typename Method::template rule<value_type>;
    // Steps written in one pass: for stateless rules whose change the gradient bounds (sgd); for one
    // sample also only when δ^{l-1} = σ'(z^{l-1}) ⊙ (W^l)ᵀ δ^l (element-wise hidden activations).
    static constexpr bool fused_batch_step =
        Method::state_count == 0 && detail::bounded_rule<rule_type> && detail::vector_rule<rule_type, value_type>;
    static constexpr bool fused_sample_step = fused_batch_step && detail::elementwise_hidden_layers<parameters_type>();

    // A step written in one pass: vouch(rule) says whether bounds vouch for it (if not, nothing
    // changes and the result is false), write(rule) applies it and returns the largest |Δθ| as bits.
    template <class Vouch, class Write> bool fused(const Vouch& vouch, const Write& write, step_result& result) noexcept {
        const std::size_t t = steps_ + 1;
        const double beta1_t = power1_ * beta(0), beta2_t = power2_ * beta(1);
        const rule_type rule(method_, t, beta1_t, beta2_t);
        if (!vouch(rule)) return false;
        const auto largest = write(rule);
        steps_ = t;
        power1_ = beta1_t;
        power2_ = beta2_t;
        result = {true, static_cast<double>(std::bit_cast<value_type>(largest))};
        return true;
    }

    // The fused one-sample step. Where the bounds cannot vouch for it, a pass that only reads
    // checks it exactly first (every new θ finite, computed as the writing pass computes it).
    template <class L, class Tape, class Seen, class Y>
    step_result fused_step(N& net, const Tape& tape, const Seen& seen, const Y& y_hat, value_type scale) noexcept {
        using sigma = typename N::template layer<N::depth>::activation;
        vector<value_type, N::output_size> delta;
        detail::output_delta<L, sigma>(tape.template z<N::depth>(), tape.template a<N::depth>(), y_hat, delta);
        detail::step_measures<N> measured; // filled by step_is_safe, which always runs first
        const auto vouch = [&](const rule_type& rule) {
            return detail::step_is_safe<N>(tape, seen, delta.data(), scale, rule, measured) ||
                   detail::step_is_finite(net, tape, measured, delta.data(), scale, rule);
        };
        const auto write = [&](const rule_type& rule) {
            return detail::update_layers(net, tape, seen, measured, delta.data(), scale, rule);
        };
        step_result result{false, 0}; // what a refused step reports; fused() fills in a taken one
        fused(vouch, write, result);
        return result;
    }

    using sweep_result = detail::sweep_result<value_type>;

    template <class Gradients> constexpr step_result apply(parameters_type& net, const Gradients& grad, value_type scale) noexcept {
        const std::size_t t = steps_ + 1;
        const double beta1_t = power1_ * beta(0), beta2_t = power2_ * beta(1);
        const typename Method::template rule<value_type> rule(method_, t, beta1_t, beta2_t);
        // Two passes with the same arithmetic: the first only looks, so a refused step leaves no trace.
        if (!sweep<false>(net, grad, scale, rule).finite) return {false, 0};
        const auto written = sweep<true>(net, grad, scale, rule);
        steps_ = t;
        power1_ = beta1_t;
        power2_ = beta2_t;
        return {true, static_cast<double>(std::bit_cast<value_type>(written.largest))};
    }

    // Every tensor's pass (detail::sweep_tensor).
    template <bool Write, class Gradients, class Rule>
    constexpr sweep_result sweep(parameters_type& net, const Gradients& grad, value_type scale, const Rule& rule) noexcept {
        sweep_result result;
        const auto tensor = [&](auto& theta, const auto& g, auto&... state) {
            using Theta = std::remove_cvref_t<decltype(theta)>;
            result.add(detail::sweep_tensor<Write>(theta.data(), g, Theta::row_count, Theta::column_count, scale, rule,
                                                   std::array<value_type*, sizeof...(state)>{state.data()...}));
        };
        const auto layer = [&]<std::size_t l>(std::integral_constant<std::size_t, l>) {
            [&]<std::size_t... k>(std::index_sequence<k...>) {
                tensor(net.template W<l>(), grad.template W<l>(), state_[k].template W<l>()...);
                tensor(net.template b<l>(), grad.template b<l>(), state_[k].template b<l>()...);
            }(std::make_index_sequence<Method::state_count>{});
        };
        [&]<std::size_t... l>(std::index_sequence<l...>) {
            (layer(std::integral_constant<std::size_t, l + 1>{}), ...);
        }(std::make_index_sequence<parameters_type::depth>{});
        return result;
    }

    Method method_;
    std::array<parameters_type, Method::state_count> state_{};
    std::size_t steps_ = 0;
    double power1_ = 1, power2_ = 1;
};

} // namespace nabla

NABLA_END_IF_CONSTEVAL

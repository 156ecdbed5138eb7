// The catalogue of nabla's compile-time checks. Each predicate carries the numbers of a mistake in
// its type, so that the compiler prints them next to the static_assert's sentence, e.g.
//   note: 'nabla::check::input_size<2>::matches<3>' evaluates to false
// Every static_assert message nabla issues is defined here (a message must be a literal, hence
// macros), so that they read as one list.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <type_traits>

namespace nabla::check {

// Shapes as they appear in messages: matrix<3, 2>, vector<4>.
template <std::size_t Rows, std::size_t Cols> struct matrix {};
template <std::size_t Size> struct vector {};

template <class Shape> struct extents;
template <std::size_t R, std::size_t C> struct extents<matrix<R, C>> {
    static constexpr std::size_t rows = R, cols = C;
};
template <std::size_t N> struct extents<vector<N>> {
    static constexpr std::size_t rows = N, cols = 1;
};

template <class Left, class Right> struct product {
    static constexpr bool inner_sizes_match = extents<Left>::cols == extents<Right>::rows;
};
template <class Left, class Right> struct elementwise {
    static constexpr bool shapes_match =
        extents<Left>::rows == extents<Right>::rows && extents<Left>::cols == extents<Right>::cols;
};
template <class Target, class Source> struct assignment {
    static constexpr bool shapes_match =
        extents<Target>::rows == extents<Source>::rows && extents<Target>::cols == extents<Source>::cols;
};

template <std::size_t Expected> struct input_size {
    template <std::size_t Actual> static constexpr bool matches = Expected == Actual;
};
template <std::size_t Expected> struct target_size {
    template <std::size_t Actual> static constexpr bool matches = Expected == Actual;
};
template <std::size_t Expected> struct batch_size {
    template <std::size_t Actual> static constexpr bool matches = Expected == Actual;
};
template <class Expected> struct scalar_type {
    template <class Actual> static constexpr bool matches = std::is_same_v<Expected, Actual>;
};

template <std::size_t Index> struct layer_index {
    template <std::size_t Depth> static constexpr bool between_1_and = Index >= 1 && Index <= Depth;
};
template <std::size_t Index> struct layer {
    template <std::size_t Size> static constexpr bool size_is_positive = Size > 0;
};
template <std::size_t Index> struct hidden_layer {
    template <class Activation> static constexpr bool accepts = !requires { requires Activation::output_layer_only; };
};
template <class Activation> struct output_activation {
    template <class Loss> static constexpr bool suits = Loss::template accepts_output<Activation>;
};

template <std::size_t Expected> struct initializer_count {
    template <std::size_t Actual> static constexpr bool matches = Expected == Actual;
};
template <std::size_t Expected> struct initializer_rows {
    template <std::size_t Actual> static constexpr bool matches = Expected == Actual;
};
template <std::size_t Expected> struct initializer_columns {
    template <std::size_t... Actual> static constexpr bool match = ((Expected == Actual) && ...);
};

template <class E> struct formula {
    static constexpr bool starts_from_input = requires { E::is_affine_term; };
};
template <std::size_t N> struct affine_size {
    static constexpr bool is_positive = N > 0;
};
template <class Activation> struct activation_argument {
    template <class E> static constexpr bool is_affine = E::is_affine_term;
};

} // namespace nabla::check

// The sentences. Each quotes the call the user wrote; the predicate beside it carries the numbers.
#define NABLA_MESSAGE_PRODUCT "A * B: A's column count must equal B's row count"
#define NABLA_MESSAGE_ELEMENTWISE "a + b, a - b and hadamard(a, b) need operands of the same shape"
#define NABLA_MESSAGE_ASSIGNMENT "tensor = expression: the expression's shape must equal the tensor's"
#define NABLA_MESSAGE_SCALAR_TYPE "the operands must have the same scalar type (float or double)"
#define NABLA_MESSAGE_INPUT_SIZE "net(x): x must have as many rows as the network's input layer"
#define NABLA_MESSAGE_TARGET_SIZE "the target y_hat must have as many rows as the network's output layer"
#define NABLA_MESSAGE_BATCH_SIZE "the target y_hat must have one column per sample of the batch"
#define NABLA_MESSAGE_LAYER_INDEX "W<l>(), b<l>(), z<l>(), delta.at<l>(): layers are numbered 1 to L (a<0>() is the input)"
#define NABLA_MESSAGE_LAYER_SIZE "every layer needs at least one neuron"
#define NABLA_MESSAGE_HIDDEN_ACTIVATION "softmax is only allowed in the output layer"
#define NABLA_MESSAGE_LOSS_ACTIVATION \
    "cross_entropy needs a softmax output layer, binary_cross_entropy a sigmoid output layer"
#define NABLA_MESSAGE_FORMULA_START "a formula starts from dsl::input<N>: dsl::affine<M>(dsl::input<N>)"
#define NABLA_MESSAGE_AFFINE_SIZE "dsl::affine<N>(e) needs N > 0"
#define NABLA_MESSAGE_ACTIVATION_ARGUMENT "an activation applies to an affine map: dsl::sigmoid(dsl::affine<N>(e))"
#define NABLA_MESSAGE_INITIALIZER_COUNT "vector<T, N>{values...}: give exactly N values"
#define NABLA_MESSAGE_INITIALIZER_ROWS "matrix<T, R, C>{{row}, ...}: give exactly R rows"
#define NABLA_MESSAGE_INITIALIZER_COLUMNS "matrix<T, R, C>{{row}, ...}: give exactly C values in every row"

namespace nabla::detail {

// What an operation returns after one of its checks failed: it converts to anything and every
// operation accepts it, so the user sees the one error that names the mistake and no cascade.
struct error_result {
    // Anything, braced lists of any depth included, as the right-hand side of an assignment.
    struct anything {
        constexpr anything(std::initializer_list<anything>) noexcept {}
        template <class U> constexpr anything(const U&) noexcept {}
    };

    template <class U> constexpr operator U() const noexcept { return U{}; }
    constexpr error_result operator[](std::size_t) const noexcept { return {}; }
    constexpr error_result operator()(auto...) const noexcept { return {}; }
    constexpr error_result& operator=(std::initializer_list<anything>) noexcept { return *this; }
    template <class U> constexpr error_result& operator=(const U&) noexcept { return *this; }
    // The accessors of networks, tapes, deltas and gradients.
    template <std::size_t> constexpr error_result W() const noexcept { return {}; }
    template <std::size_t> constexpr error_result b() const noexcept { return {}; }
    template <std::size_t> constexpr error_result z() const noexcept { return {}; }
    template <std::size_t> constexpr error_result a() const noexcept { return {}; }
    template <std::size_t> constexpr error_result at() const noexcept { return {}; }
    constexpr error_result output() const noexcept { return {}; }
};

} // namespace nabla::detail

// summary<net_t>(): a table of the layers like Keras' model.summary(), made at compile time.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

#include <nabla/detail/text.hpp>
#include <nabla/network/forward.hpp>

namespace nabla {
namespace detail {

template <class A, class Out> constexpr void append_activation(Out& out) noexcept {
    out.append(A::name);
    if constexpr (requires { A::slope_numerator; }) {
        if (std::string_view(A::name) == "leaky_relu_with") {
            out.append("<");
            append_number(out, static_cast<std::size_t>(A::slope_numerator));
            out.append("/");
            append_number(out, static_cast<std::size_t>(A::slope_denominator));
            out.append(">");
        }
    }
}

template <class A> constexpr std::size_t activation_width() noexcept {
    text_counter counter;
    append_activation<A>(counter);
    return counter.count;
}

template <class N> struct summary_writer {
    using T = typename N::value_type;
    static constexpr std::size_t column = 18;

    // Fills a column; at least one space, so a long entry never runs into the next.
    template <class Out> static constexpr void pad(Out& out, std::size_t used) noexcept {
        do out.append(" ");
        while (++used < column);
    }
    template <class Out> static constexpr std::size_t shape(Out& out, std::size_t rows, std::size_t cols) noexcept {
        text_counter counter;
        append_number(counter, rows);
        if (cols) append_number(counter, cols);
        append_number(out, rows);
        if (cols) {
            out.append(" x ");
            append_number(out, cols);
            return counter.count + 3;
        }
        return counter.count;
    }
    template <std::size_t l, class Out> static constexpr void write_layer(Out& out) noexcept {
        using A = typename N::template layer<l>::activation;
        out.append("dense ");
        append_number(out, l, 3);
        out.append("   ");
        append_activation<A>(out);
        pad(out, activation_width<A>());
        pad(out, shape(out, N::sizes[l], N::sizes[l - 1]));
        pad(out, shape(out, N::sizes[l], 0));
        append_number(out, N::sizes[l] * (N::sizes[l - 1] + 1), 10);
        out.append("\n");
    }
    template <class Out> static constexpr void write(Out& out) noexcept {
        out.append("layer       activation        W                 b                 parameters\n");
        out.append("input   0   x: ");
        append_number(out, N::input_size);
        out.append(" values\n");
        [&]<std::size_t... l>(std::index_sequence<l...>) { (write_layer<l + 1>(out), ...); }(std::make_index_sequence<N::depth>{});
        out.append("total: ");
        append_number(out, N::parameter_count);
        out.append(" parameters, ");
        append_number(out, N::parameter_count * sizeof(T));
        out.append(" bytes of parameters, ");
        append_number(out, sizeof(forward_tape<N, vector<T, N::input_size>>));
        out.append(" bytes of one forward tape (");
        out.append(sizeof(T) == 4 ? "float" : "double");
        out.append(")\n");
    }
};

} // namespace detail

// Each layer with its activation, the shapes of W^l and b^l and its parameter count, then the
// totals: parameters, bytes of parameters, bytes of one forward tape.
//   std::puts(nabla::summary<net_t>().c_str());
template <class N> constexpr auto summary() noexcept { return detail::render<detail::summary_writer<N>>(); }

} // namespace nabla

// formula<net_t>(): the network as the lecture writes it, σ(W² σ(W¹ x + b¹) + b²), made at
// compile time, in UTF-8 or in ASCII.
#pragma once

#include <cstddef>
#include <string_view>

#include <nabla/detail/text.hpp>

namespace nabla {

enum class notation { utf8, ascii };

namespace detail {

template <class Out> constexpr void append_layer_index(Out& out, std::size_t l, notation how) noexcept {
    if (how == notation::ascii) return append_number(out, l);
    constexpr std::string_view superscripts[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    char digits[24]{};
    std::size_t k = 0;
    do digits[k++] = static_cast<char>(l % 10);
    while ((l /= 10) != 0);
    while (k > 0) out.append(superscripts[static_cast<std::size_t>(digits[--k])]);
}

template <class N, notation How> struct formula_writer {
    // a^l written out: σ_l(W^l a^{l-1} + b^l), with a⁰ = x.
    template <std::size_t l, class Out> static constexpr void write_layer(Out& out) noexcept {
        using A = typename N::template layer<l>::activation;
        const std::string_view symbol =
            How == notation::ascii && std::string_view(A::symbol) == "σ" ? "sigmoid" : std::string_view(A::symbol);
        if (!symbol.empty()) out.append(symbol), out.append("(");
        out.append("W");
        append_layer_index(out, l, How);
        out.append(" ");
        if constexpr (l == 1) {
            out.append("x");
        } else {
            // An identity layer's a^{l-1} is a sum: W^l (W^{l-1} a + b^{l-1}) + b^l.
            const bool bare_sum = std::string_view(N::template layer<l - 1>::activation::symbol).empty();
            if (bare_sum) out.append("(");
            write_layer<l - 1>(out);
            if (bare_sum) out.append(")");
        }
        out.append(" + b");
        append_layer_index(out, l, How);
        if (!symbol.empty()) out.append(")");
    }
    template <class Out> static constexpr void write(Out& out) noexcept { write_layer<N::depth>(out); }
};

} // namespace detail

// The formula of network N, e.g. "σ(W² σ(W¹ x + b¹) + b²)"; notation::ascii gives
// "sigmoid(W2 sigmoid(W1 x + b1) + b2)".   constexpr auto f = nabla::formula<net_t>();
template <class N, notation How = notation::utf8> constexpr auto formula() noexcept {
    return detail::render<detail::formula_writer<N, How>>();
}

} // namespace nabla

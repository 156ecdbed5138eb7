// Text built during constant evaluation: a writer that only counts, to size the buffer, and one
// that fills a fixed-capacity buffer of exactly that size.
#pragma once

#include <cstddef>
#include <string_view>

namespace nabla {

// Text made at compile time: view() gives a std::string_view, c_str() a terminated string.
//   constexpr auto f = nabla::formula<net_t>();  std::puts(f.c_str());
template <std::size_t Capacity> class static_text {
public:
    constexpr void append(std::string_view s) noexcept {
        for (char c : s) chars_[size_++] = c;
    }
    constexpr std::string_view view() const noexcept { return {chars_, size_}; }
    constexpr const char* c_str() const noexcept { return chars_; }
    constexpr std::size_t size() const noexcept { return size_; }
    constexpr operator std::string_view() const noexcept { return view(); }

private:
    char chars_[Capacity + 1]{};
    std::size_t size_ = 0;
};

namespace detail {

struct text_counter {
    std::size_t count = 0;
    constexpr void append(std::string_view s) noexcept { count += s.size(); }
};

// Decimal digits of n.
template <class Out> constexpr void append_number(Out& out, std::size_t n) noexcept {
    char digits[24]{};
    std::size_t k = 0;
    do digits[k++] = static_cast<char>('0' + n % 10);
    while ((n /= 10) != 0);
    while (k > 0) out.append(std::string_view(&digits[--k], 1));
}

// n right-aligned in width columns.
template <class Out> constexpr void append_number(Out& out, std::size_t n, std::size_t width) noexcept {
    std::size_t digits = 1;
    for (std::size_t m = n; m >= 10; m /= 10) ++digits;
    for (; digits < width; ++digits) out.append(" ");
    append_number(out, n);
}

// Renders Writer::write(out) twice: once to count, once into text of exactly that size.
template <class Writer> constexpr auto render() noexcept {
    constexpr std::size_t size = [] {
        text_counter counter;
        Writer::write(counter);
        return counter.count;
    }();
    static_text<size> text;
    Writer::write(text);
    return text;
}

} // namespace detail
} // namespace nabla

// Reads the digits CSV (64 pixel intensities 0..16 and a label 0..9 per line) into nabla samples:
// x = pixels / 16, y = one-hot label. A malformed file gives an error naming the file, line and problem.
#pragma once

#include <charconv>
#include <cstddef>
#include <fstream>
#include <istream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nabla/nabla.hpp>

namespace digits {

template <class N> struct loaded {
    std::vector<nabla::sample<N>> samples;
    std::string error; // empty on success: "file:line: problem"
    explicit operator bool() const { return error.empty(); }
};

// Reads from a stream; name is what messages call it.
template <class N> loaded<N> read(std::istream& in, const std::string& name) {
    static_assert(N::input_size == 64 && N::output_size == 10, "the digits are 64 pixels in, 10 classes out");
    using T = typename N::value_type;
    loaded<N> result;
    const auto fail = [&](std::size_t line, const std::string& problem) {
        result.samples.clear();
        result.error = name + ":" + std::to_string(line) + ": " + problem;
        return result;
    };
    std::string text;
    std::size_t line = 1;
    if (!std::getline(in, text)) return fail(line, "the file is empty (expected a header line)");
    if (text.rfind("pixel_0_0,", 0) != 0) return fail(line, "the first line is not the header 'pixel_0_0,...,label'");
    while (std::getline(in, text)) {
        ++line;
        if (!text.empty() && text.back() == '\r') text.pop_back();
        if (text.empty()) continue;
        nabla::sample<N> s;
        std::string_view rest = text;
        for (std::size_t field = 0; field < 65; ++field) {
            const std::size_t comma = rest.find(',');
            const std::string_view cell = rest.substr(0, comma);
            if (field < 64 && comma == std::string_view::npos)
                return fail(line, "expected 65 fields (64 pixels and a label), found " + std::to_string(field + 1));
            int value = 0;
            const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
            if (error != std::errc{} || end != cell.data() + cell.size())
                return fail(line, "field " + std::to_string(field + 1) + " is '" + std::string(cell) + "', not an integer");
            if (field < 64) {
                if (value < 0 || value > 16)
                    return fail(line, "pixel " + std::to_string(field + 1) + " is " + std::to_string(value) + ", outside 0..16");
                s.x[field] = static_cast<T>(value) / T(16);
            } else {
                if (value < 0 || value > 9) return fail(line, "the label is " + std::to_string(value) + ", outside 0..9");
                s.y[static_cast<std::size_t>(value)] = T(1);
            }
            if (field == 64 && comma != std::string_view::npos)
                return fail(line, "more than 65 fields (64 pixels and a label)");
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
        result.samples.push_back(s);
    }
    if (result.samples.empty()) return fail(line, "no samples after the header");
    return result;
}

template <class N> loaded<N> read(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        loaded<N> result;
        result.error = path + ": cannot open the file";
        return result;
    }
    return read<N>(in, path);
}

} // namespace digits

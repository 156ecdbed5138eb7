// load_safetensors: the weights of a PyTorch model exported as safetensors (an 8-byte
// little-endian header length, a JSON header of name → dtype, shape, data_offsets, then the raw
// data). Every header field is checked before anything is read, and the network changes only when
// all checks have passed. The JSON header is parsed by nlohmann/json (Debian's nlohmann-json3-dev).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <istream>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <nabla/detail/bytes.hpp>
#include <nabla/io/status.hpp>

namespace nabla {

// The names of one layer's tensors in a safetensors file.   {"fc1.weight", "fc1.bias"}
struct layer_tensors {
    std::string_view weight, bias;
};

namespace detail {

inline constexpr std::uint64_t safetensors_header_limit = 100u << 20; // as the format's reference implementation

struct tensor_entry {
    std::string name;
    std::string dtype;
    std::vector<std::uint64_t> shape;
    std::uint64_t begin = 0, end = 0;
};

inline std::size_t dtype_size(const std::string& dtype) noexcept {
    if (dtype == "F64") return 8;
    if (dtype == "F32") return 4;
    if (dtype == "F16" || dtype == "BF16") return 2;
    return 0;
}

inline float half_to_float(std::uint16_t h) noexcept {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    std::uint32_t exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
    if (exponent == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13)); // inf, NaN
    if (exponent == 0) {
        if (mantissa == 0) return std::bit_cast<float>(sign);
        // Subnormal half: normalise.
        int shift = 0;
        while ((mantissa & 0x400u) == 0) mantissa <<= 1, ++shift;
        mantissa &= 0x3ffu;
        exponent = static_cast<std::uint32_t>(1 - shift);
    }
    return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

// Value k of a checked tensor, converted to T.
template <class T> T tensor_value(const std::byte* data, const tensor_entry& t, std::size_t k) noexcept {
    const std::byte* p = data + t.begin;
    if (t.dtype == "F64") return static_cast<T>(std::bit_cast<double>(from_little_endian<std::uint64_t>(p + 8 * k)));
    if (t.dtype == "F32") return static_cast<T>(std::bit_cast<float>(from_little_endian<std::uint32_t>(p + 4 * k)));
    const auto bits = from_little_endian<std::uint16_t>(p + 2 * k);
    if (t.dtype == "F16") return static_cast<T>(half_to_float(bits));
    return static_cast<T>(std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16)); // BF16
}

// nn.Sequential's order: "2.weight" before "10.weight"; dotted names compared part by part.
inline bool module_order(std::string_view a, std::string_view b) noexcept {
    while (!a.empty() || !b.empty()) {
        const auto part = [](std::string_view& s) {
            const std::size_t dot = s.find('.');
            const std::string_view p = s.substr(0, dot);
            s = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
            return p;
        };
        const std::string_view pa = part(a), pb = part(b);
        const bool numeric = !pa.empty() && !pb.empty() && std::all_of(pa.begin(), pa.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
                             std::all_of(pb.begin(), pb.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (numeric && pa.size() != pb.size()) return pa.size() < pb.size();
        if (pa != pb) return pa < pb;
    }
    return false;
}

inline std::string shape_text(const std::vector<std::uint64_t>& shape) {
    std::string s = "[";
    for (std::size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
    return s + "]";
}

// Parses and checks the header; fills entries (sorted by offset) or returns the error.
inline status read_safetensors_header(std::span<const std::byte> bytes, std::vector<tensor_entry>& entries,
                                      std::size_t& data_start) {
    if (bytes.size() < 8) return status::error("safetensors: the file has %zu bytes, fewer than the 8 of the header length", bytes.size());
    const std::uint64_t length = from_little_endian<std::uint64_t>(bytes.data());
    if (length > safetensors_header_limit)
        return status::error("safetensors: the header length %llu exceeds the limit of %llu bytes",
                             static_cast<unsigned long long>(length), static_cast<unsigned long long>(safetensors_header_limit));
    if (length > bytes.size() - 8)
        return status::error("safetensors: the header length %llu exceeds the %zu bytes after it", static_cast<unsigned long long>(length),
                             bytes.size() - 8);
    data_start = 8 + static_cast<std::size_t>(length);
    const std::uint64_t data_size = bytes.size() - data_start;
    const char* text = reinterpret_cast<const char*>(bytes.data() + 8);
    const nlohmann::json header = nlohmann::json::parse(text, text + length, nullptr, /*allow_exceptions=*/false);
    if (header.is_discarded()) return status::error("safetensors: the header is not valid JSON");
    if (!header.is_object()) return status::error("safetensors: the header is not a JSON object");

    for (const auto& [name, value] : header.items()) {
        if (name == "__metadata__") continue;
        const char* n = name.c_str();
        if (!value.is_object()) return status::error("safetensors: tensor '%s' is not described by an object", n);
        const auto dtype = value.find("dtype");
        const auto shape = value.find("shape");
        const auto offsets = value.find("data_offsets");
        if (dtype == value.end() || !dtype->is_string()) return status::error("safetensors: tensor '%s' has no dtype string", n);
        if (shape == value.end() || !shape->is_array()) return status::error("safetensors: tensor '%s' has no shape array", n);
        if (offsets == value.end() || !offsets->is_array() || offsets->size() != 2 || !(*offsets)[0].is_number_unsigned() ||
            !(*offsets)[1].is_number_unsigned())
            return status::error("safetensors: tensor '%s' needs data_offsets [begin, end] of whole numbers", n);
        tensor_entry t;
        t.name = name;
        t.dtype = dtype->get<std::string>();
        const std::size_t size = dtype_size(t.dtype);
        if (size == 0)
            return status::error("safetensors: tensor '%s' has dtype %s; supported are F32, F64, F16 and BF16", n, t.dtype.c_str());
        std::uint64_t count = 1;
        for (const auto& extent : *shape) {
            if (!extent.is_number_unsigned()) return status::error("safetensors: tensor '%s' has a shape entry that is not a whole number", n);
            const std::uint64_t e = extent.get<std::uint64_t>();
            if (e != 0 && count > data_size / e) return status::error("safetensors: tensor '%s' has shape %s, larger than the file", n, shape->dump().c_str());
            count *= e;
            t.shape.push_back(e);
        }
        t.begin = (*offsets)[0].get<std::uint64_t>();
        t.end = (*offsets)[1].get<std::uint64_t>();
        if (t.begin > t.end || t.end > data_size)
            return status::error("safetensors: tensor '%s' has data_offsets [%llu, %llu] outside the %llu bytes of data", n,
                                 static_cast<unsigned long long>(t.begin), static_cast<unsigned long long>(t.end),
                                 static_cast<unsigned long long>(data_size));
        if (t.end - t.begin != count * size)
            return status::error("safetensors: tensor '%s' has %llu bytes of data, its shape %s of %s needs %llu", n,
                                 static_cast<unsigned long long>(t.end - t.begin), shape_text(t.shape).c_str(), t.dtype.c_str(),
                                 static_cast<unsigned long long>(count * size));
        entries.push_back(std::move(t));
    }
    std::sort(entries.begin(), entries.end(), [](const tensor_entry& a, const tensor_entry& b) { return a.begin < b.begin; });
    for (std::size_t k = 1; k < entries.size(); ++k)
        if (entries[k].begin < entries[k - 1].end && entries[k].begin != entries[k].end)
            return status::error("safetensors: tensors '%s' and '%s' overlap", entries[k - 1].name.c_str(), entries[k].name.c_str());
    return {};
}

} // namespace detail

// Loads the Linear layers of a PyTorch model into net: by default the tensors named "<m>.weight"
// and "<m>.bias" in nn.Sequential's order ("0.weight", "0.bias", "2.weight", …), or the names
// given per layer. F32 and F64 are converted to the network's scalar type, F16 and BF16 too. On
// any error net is left exactly as it was.
//   nabla::status s = nabla::load_safetensors(net, std::span<const std::byte>(data, size));
template <class N>
status load_safetensors(N& net, std::span<const std::byte> bytes, std::span<const layer_tensors> names = {}) {
    using T = typename N::value_type;
    std::vector<detail::tensor_entry> entries;
    std::size_t data_start = 0;
    if (status s = detail::read_safetensors_header(bytes, entries, data_start); !s) return s;
    const auto find = [&](std::string_view name) -> const detail::tensor_entry* {
        for (const auto& t : entries)
            if (t.name == name) return &t;
        return nullptr;
    };

    // The weight and bias tensors of each layer, in order.
    std::vector<std::pair<const detail::tensor_entry*, const detail::tensor_entry*>> layers;
    if (!names.empty()) {
        if (names.size() != N::depth)
            return status::error("safetensors: %zu layers of names given, the network has %zu layers", names.size(), N::depth);
        for (const auto& [weight, bias] : names) {
            const auto* w = find(weight);
            const auto* b = find(bias);
            if (!w) return status::error("safetensors: the file has no tensor '%.*s'", static_cast<int>(weight.size()), weight.data());
            if (!b) return status::error("safetensors: the file has no tensor '%.*s'", static_cast<int>(bias.size()), bias.data());
            layers.emplace_back(w, b);
        }
    } else {
        std::vector<std::string> modules;
        for (const auto& t : entries)
            if (t.name.size() > 7 && t.name.ends_with(".weight")) modules.push_back(t.name.substr(0, t.name.size() - 7));
        std::sort(modules.begin(), modules.end(), detail::module_order);
        if (modules.size() != N::depth)
            return status::error("safetensors: the file has %zu weight tensors ('<name>.weight'), the network has %zu layers",
                                 modules.size(), N::depth);
        for (const auto& m : modules) {
            const auto* b = find(m + ".bias");
            if (!b) return status::error("safetensors: the file has '%s.weight' but no '%s.bias'", m.c_str(), m.c_str());
            layers.emplace_back(find(m + ".weight"), b);
        }
    }

    // Shapes: PyTorch's Linear.weight is n_l × n_{l-1}, exactly W^l.
    for (std::size_t l = 1; l <= N::depth; ++l) {
        const auto& [w, b] = layers[l - 1];
        if (w->shape != std::vector<std::uint64_t>{N::sizes[l], N::sizes[l - 1]})
            return status::error("safetensors: layer %zu: tensor '%s' has shape %s, W%zu is [%zu, %zu]", l, w->name.c_str(),
                                 detail::shape_text(w->shape).c_str(), l, N::sizes[l], N::sizes[l - 1]);
        if (b->shape != std::vector<std::uint64_t>{N::sizes[l]})
            return status::error("safetensors: layer %zu: tensor '%s' has shape %s, b%zu is [%zu]", l, b->name.c_str(),
                                 detail::shape_text(b->shape).c_str(), l, N::sizes[l]);
    }

    N loaded;
    const std::byte* data = bytes.data() + data_start;
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        const auto fill = [&](auto& tensor, const detail::tensor_entry& t) {
            for (std::size_t k = 0; k < tensor.size(); ++k) tensor.data()[k] = detail::tensor_value<T>(data, t, k);
        };
        ((fill(loaded.template W<l + 1>(), *layers[l].first), fill(loaded.template b<l + 1>(), *layers[l].second)), ...);
    }(std::make_index_sequence<N::depth>{});
    net = loaded;
    return {};
}

// From a stream or a file.   nabla::load_safetensors(net, "model.safetensors");
template <class N> status load_safetensors(N& net, std::istream& in, std::span<const layer_tensors> names = {}) {
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return status::error("safetensors: the stream failed while reading");
    return load_safetensors(net, std::span<const std::byte>(reinterpret_cast<const std::byte*>(chars.data()), chars.size()), names);
}
template <class N> status load_safetensors(N& net, const char* path, std::span<const layer_tensors> names = {}) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return status::error("safetensors: cannot open %s", path);
    status s = load_safetensors(net, static_cast<std::istream&>(in), names);
    return s ? s : status::error("%s: %s", path, s.message());
}

} // namespace nabla

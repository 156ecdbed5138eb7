// nabla_header: turns a .nabla or .safetensors file into a C++ header in which the network's
// parameters are compile-time constants (what nabla::emit_header writes from a typed network).
// A .nabla file records its topology; a .safetensors file records only shapes, so its activations
// are named on the command line.
//
// usage: nabla_header MODEL.nabla NAME > header.hpp
//        nabla_header MODEL.safetensors NAME --activations tanh,relu,softmax [--double] > header.hpp
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <nabla/io/emit_header.hpp>
#include <nabla/io/nabla_format.hpp>
#include <nabla/io/safetensors.hpp>

namespace {

struct model {
    bool is_float = true;
    std::size_t input_size = 0;
    std::vector<nabla::detail::header_layer> layers;
    std::vector<std::vector<double>> weights, biases; // index l = 1..L
};

std::string activation_from_code(const nabla::detail::activation_record& r) {
    switch (r.code) {
    case 1: return "nabla::identity";
    case 2: return "nabla::sigmoid";
    case 3: return "nabla::tanh";
    case 4: return "nabla::relu";
    case 5: return "nabla::leaky_relu_with<std::ratio<" + std::to_string(r.numerator) + ", " + std::to_string(r.denominator) + ">>";
    case 6: return "nabla::softmax";
    case 7: return "nabla::fast_tanh";
    case 8: return "nabla::fast_sigmoid";
    default: return "";
    }
}

bool read_nabla(const std::vector<std::byte>& bytes, model& m, std::string& error) {
    using nabla::detail::from_little_endian;
    if (bytes.size() < 24 + 8 || !std::equal(nabla::detail::nabla_magic.begin(), nabla::detail::nabla_magic.end(), bytes.begin()))
        return error = "not a nabla file", false;
    const std::size_t body = bytes.size() - 8;
    if (from_little_endian<std::uint64_t>(bytes.data() + body) != nabla::detail::fnv1a(std::span(bytes).first(body)))
        return error = "the checksum does not match: the file is corrupted", false;
    nabla::detail::byte_reader in(std::span<const std::byte>(bytes).subspan(8, body - 8));
    if (in.read<std::uint32_t>() != nabla::detail::nabla_format_version) return error = "unknown format version", false;
    const auto scalar = in.read<std::uint32_t>();
    if (scalar != 4 && scalar != 8) return error = "unknown scalar size", false;
    m.is_float = scalar == 4;
    const auto depth = in.read<std::uint32_t>();
    m.input_size = in.read<std::uint32_t>();
    if (depth == 0 || !in.has(16ull * depth)) return error = "the file is truncated", false;
    for (std::uint32_t l = 0; l < depth; ++l) {
        nabla::detail::activation_record r;
        const std::size_t size = in.read<std::uint32_t>();
        r.code = in.read<std::uint32_t>();
        r.numerator = static_cast<std::int32_t>(in.read<std::uint32_t>());
        r.denominator = static_cast<std::int32_t>(in.read<std::uint32_t>());
        const std::string activation = activation_from_code(r);
        if (activation.empty() || size == 0) return error = "layer " + std::to_string(l + 1) + " is not one nabla knows", false;
        m.layers.push_back({size, activation});
    }
    m.weights.assign(depth + 1, {});
    m.biases.assign(depth + 1, {});
    std::size_t previous = m.input_size;
    for (std::size_t l = 1; l <= depth; ++l) {
        const std::size_t rows = m.layers[l - 1].size;
        for (auto* values : {&m.weights[l], &m.biases[l]}) {
            const std::size_t count = values == &m.weights[l] ? rows * previous : rows;
            if (!in.has(count * scalar)) return error = "the file is truncated", false;
            for (std::size_t k = 0; k < count; ++k)
                values->push_back(m.is_float ? static_cast<double>(in.read_float<float>()) : in.read_float<double>());
        }
        previous = rows;
    }
    if (in.remaining() != 0) return error = "the file has bytes after its parameters", false;
    return true;
}

bool read_safetensors(const std::vector<std::byte>& bytes, const std::vector<std::string>& activations, model& m, std::string& error) {
    std::vector<nabla::detail::tensor_entry> entries;
    std::size_t data_start = 0;
    if (nabla::status s = nabla::detail::read_safetensors_header(bytes, entries, data_start); !s) return error = s.message(), false;
    std::vector<std::string> modules;
    for (const auto& t : entries)
        if (t.name.size() > 7 && t.name.ends_with(".weight")) modules.push_back(t.name.substr(0, t.name.size() - 7));
    std::sort(modules.begin(), modules.end(), nabla::detail::module_order);
    if (modules.size() != activations.size())
        return error = std::to_string(modules.size()) + " layers in the file, " + std::to_string(activations.size()) + " activations given", false;
    const auto find = [&](const std::string& name) -> const nabla::detail::tensor_entry* {
        for (const auto& t : entries)
            if (t.name == name) return &t;
        return nullptr;
    };
    m.weights.assign(modules.size() + 1, {});
    m.biases.assign(modules.size() + 1, {});
    for (std::size_t l = 1; l <= modules.size(); ++l) {
        const auto* w = find(modules[l - 1] + ".weight");
        const auto* b = find(modules[l - 1] + ".bias");
        if (!b || w->shape.size() != 2 || b->shape.size() != 1 || b->shape[0] != w->shape[0] ||
            (l > 1 && w->shape[1] != m.layers.back().size) || w->shape[0] == 0 || w->shape[1] == 0)
            return error = "layer " + std::to_string(l) + " ('" + modules[l - 1] + "') is not a Linear layer that follows the one before", false;
        if (l == 1) m.input_size = w->shape[1];
        m.layers.push_back({w->shape[0], "nabla::" + activations[l - 1]});
        const std::byte* data = bytes.data() + data_start;
        for (std::size_t k = 0; k < w->shape[0] * w->shape[1]; ++k) m.weights[l].push_back(nabla::detail::tensor_value<double>(data, *w, k));
        for (std::size_t k = 0; k < b->shape[0]; ++k) m.biases[l].push_back(nabla::detail::tensor_value<double>(data, *b, k));
    }
    return true;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: nabla_header MODEL.nabla NAME\n"
                             "       nabla_header MODEL.safetensors NAME --activations tanh,relu,softmax [--double]\n");
        return 2;
    }
    const std::string path = argv[1], name = argv[2];
    std::vector<std::string> activations;
    bool is_double = false;
    for (int k = 3; k < argc; ++k) {
        if (std::strcmp(argv[k], "--double") == 0) is_double = true;
        else if (std::strcmp(argv[k], "--activations") == 0 && k + 1 < argc) {
            std::string list = argv[++k];
            for (std::size_t start = 0; start <= list.size();) {
                const std::size_t comma = std::min(list.find(',', start), list.size());
                activations.push_back(list.substr(start, comma - start));
                start = comma + 1;
            }
        }
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "%s: cannot open the file\n", path.c_str());
        return 1;
    }
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> bytes(chars.size());
    std::memcpy(bytes.data(), chars.data(), chars.size());

    model m;
    std::string error;
    const bool ok = path.ends_with(".safetensors") ? read_safetensors(bytes, activations, m, error) : read_nabla(bytes, m, error);
    if (!ok) {
        std::fprintf(stderr, "%s: %s\n", path.c_str(), error.c_str());
        return 1;
    }
    if (path.ends_with(".safetensors")) m.is_float = !is_double;
    nabla::detail::write_header(std::cout, name, m.is_float, m.input_size, m.layers, "",
                                [&](std::size_t l, bool is_weight, std::size_t k) { return is_weight ? m.weights[l][k] : m.biases[l][k]; });
    return 0;
}

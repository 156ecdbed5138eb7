// save and load in nabla's own binary format: magic and version, the scalar type, the topology,
// the parameters in little-endian order, and a checksum. load checks all of it against the network
// type and changes the network only when every check has passed.
//
// Layout (all integers little-endian):
//   0  8 bytes   magic "nabla\0\r\n"
//   8  u32       format version (1)
//  12  u32       bytes per scalar (4: float, 8: double)
//  16  u32       L, the number of dense layers
//  20  u32       n_0, the input size
//  24  L × 16    per layer: u32 n_l, u32 activation code, i32 slope numerator, i32 slope denominator
//   …            W¹ (row-major), b¹, W², b², … as IEEE floats of the scalar's size
//   …  u64       FNV-1a of every byte before it
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iosfwd>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nabla/activations/fast_sigmoid.hpp>
#include <nabla/activations/fast_tanh.hpp>
#include <nabla/activations/identity.hpp>
#include <nabla/activations/leaky_relu.hpp>
#include <nabla/activations/relu.hpp>
#include <nabla/activations/sigmoid.hpp>
#include <nabla/activations/softmax.hpp>
#include <nabla/activations/tanh.hpp>
#include <nabla/detail/bytes.hpp>
#include <nabla/io/status.hpp>

namespace nabla {
namespace detail {

inline constexpr std::array<std::byte, 8> nabla_magic{std::byte{'n'}, std::byte{'a'}, std::byte{'b'}, std::byte{'l'},
                                                       std::byte{'a'}, std::byte{0},   std::byte{'\r'}, std::byte{'\n'}};
inline constexpr std::uint32_t nabla_format_version = 1;
inline constexpr std::size_t nabla_header_size = 24, nabla_layer_record_size = 16;

// An activation as the file records it: a code, and a slope for leaky_relu.
struct activation_record {
    std::uint32_t code = 0;
    std::int32_t numerator = 0, denominator = 0;
    friend constexpr bool operator==(const activation_record&, const activation_record&) = default;
};

template <class A> constexpr activation_record record_of() noexcept {
    if constexpr (std::is_same_v<A, identity>) return {1, 0, 0};
    else if constexpr (std::is_same_v<A, sigmoid>) return {2, 0, 0};
    else if constexpr (std::is_same_v<A, nabla::tanh>) return {3, 0, 0};
    else if constexpr (std::is_same_v<A, relu>) return {4, 0, 0};
    else if constexpr (requires { A::slope_numerator; })
        return {5, static_cast<std::int32_t>(A::slope_numerator), static_cast<std::int32_t>(A::slope_denominator)};
    else if constexpr (std::is_same_v<A, softmax>) return {6, 0, 0};
    else if constexpr (std::is_same_v<A, fast_tanh>) return {7, 0, 0};
    else if constexpr (std::is_same_v<A, fast_sigmoid>) return {8, 0, 0};
    else return {0, 0, 0};
}

// "tanh", "leaky_relu_with<1/5>", or "activation #9" for a code nabla does not know.
inline void describe_activation(const activation_record& r, char* out, std::size_t size) noexcept {
    constexpr std::string_view names[] = {"(unknown)", "identity", "sigmoid", "tanh", "relu", "leaky_relu_with", "softmax",
                                           "fast_tanh", "fast_sigmoid"};
    if (r.code == 5) std::snprintf(out, size, "leaky_relu_with<%d/%d>", static_cast<int>(r.numerator), static_cast<int>(r.denominator));
    else if (r.code < std::size(names)) std::snprintf(out, size, "%s", names[r.code].data());
    else std::snprintf(out, size, "activation #%u", static_cast<unsigned>(r.code));
}

template <class N> constexpr std::size_t nabla_format_size() noexcept {
    return nabla_header_size + N::depth * nabla_layer_record_size + N::parameter_count * sizeof(typename N::value_type) + 8;
}

} // namespace detail

// The size in bytes of net_t in nabla's format.   std::array<std::byte, nabla::saved_size<net_t>> buffer;
template <class N> inline constexpr std::size_t saved_size = detail::nabla_format_size<N>();

// Writes net into out, which must hold saved_size<N> bytes.
//   std::vector<std::byte> bytes(nabla::saved_size<net_t>);  nabla::save(net, std::span(bytes));
template <class N> status save(const N& net, std::span<std::byte> out) noexcept {
    using T = typename N::value_type;
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "nabla's format stores float or double");
    if (out.size() < saved_size<N>)
        return status::error("save: the buffer holds %zu bytes, the network needs %zu", out.size(), saved_size<N>);
    std::byte* p = out.data();
    for (std::byte b : detail::nabla_magic) *p++ = b;
    const auto put32 = [&](std::uint32_t v) { detail::to_little_endian(v, p), p += 4; };
    put32(detail::nabla_format_version);
    put32(sizeof(T));
    put32(static_cast<std::uint32_t>(N::depth));
    put32(static_cast<std::uint32_t>(N::input_size));
    status result;
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        const auto layer = [&]<std::size_t i>(std::integral_constant<std::size_t, i>) {
            const detail::activation_record r = detail::record_of<typename N::template layer<i>::activation>();
            if (r.code == 0 && result) result = status::error("save: layer %zu's activation has no code in nabla's format", i);
            put32(static_cast<std::uint32_t>(N::sizes[i]));
            put32(r.code);
            put32(static_cast<std::uint32_t>(r.numerator));
            put32(static_cast<std::uint32_t>(r.denominator));
        };
        (layer(std::integral_constant<std::size_t, l + 1>{}), ...);
        const auto values = [&](const auto& tensor) {
            for (T v : tensor) detail::to_little_endian(std::bit_cast<detail::bits_of<T>>(v), p), p += sizeof(T);
        };
        ((values(net.template W<l + 1>()), values(net.template b<l + 1>())), ...);
    }(std::make_index_sequence<N::depth>{});
    if (!result) return result;
    detail::to_little_endian(detail::fnv1a(std::span<const std::byte>(out.data(), static_cast<std::size_t>(p - out.data()))), p);
    return result;
}

// Reads net from bytes in nabla's format; on any error net is left exactly as it was.
//   nabla::status s = nabla::load(net, std::span<const std::byte>(data, size));
template <class N> status load(N& net, std::span<const std::byte> bytes) noexcept {
    using T = typename N::value_type;
    detail::byte_reader in(bytes);
    if (bytes.empty()) return status::error("load: the data is empty");
    if (!in.has(detail::nabla_header_size)) return status::error("load: %zu bytes are too few for nabla's header (24)", bytes.size());
    for (std::size_t k = 0; k < 8; ++k)
        if (bytes[k] != detail::nabla_magic[k]) return status::error("load: not a nabla file (wrong magic bytes)");
    in = detail::byte_reader(bytes.subspan(8));
    const auto version = in.read<std::uint32_t>();
    if (version != detail::nabla_format_version)
        return status::error("load: format version %u, this nabla reads version %u", static_cast<unsigned>(version),
                             static_cast<unsigned>(detail::nabla_format_version));
    const auto scalar = in.read<std::uint32_t>();
    if (scalar != sizeof(T))
        return status::error("load: the file stores %u-byte scalars, the network has %zu-byte scalars (%s)",
                             static_cast<unsigned>(scalar), sizeof(T), sizeof(T) == 4 ? "float" : "double");
    const auto depth = in.read<std::uint32_t>();
    if (depth != N::depth) return status::error("load: the file has %u layers, the network has %zu", static_cast<unsigned>(depth), N::depth);
    const auto input = in.read<std::uint32_t>();
    if (input != N::input_size)
        return status::error("load: the file's input size is %u, the network's is %zu", static_cast<unsigned>(input), N::input_size);
    const auto size_error = [&] {
        return status::error("load: the file has %zu bytes, a %s of this network has %zu", bytes.size(),
                             bytes.size() < saved_size<N> ? "complete file" : "file with nothing after it", saved_size<N>);
    };
    // The topology first, so that a file of another network is named as such rather than by its size.
    if (!in.has(N::depth * detail::nabla_layer_record_size)) return size_error();
    status result;
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        const auto layer = [&]<std::size_t i>(std::integral_constant<std::size_t, i>) {
            const auto size = in.read<std::uint32_t>();
            detail::activation_record file;
            file.code = in.read<std::uint32_t>();
            file.numerator = static_cast<std::int32_t>(in.read<std::uint32_t>());
            file.denominator = static_cast<std::int32_t>(in.read<std::uint32_t>());
            const detail::activation_record expected = detail::record_of<typename N::template layer<i>::activation>();
            if (result && (size != N::sizes[i] || !(file == expected))) {
                char has[48], wants[48];
                detail::describe_activation(file, has, sizeof has);
                detail::describe_activation(expected, wants, sizeof wants);
                result = status::error("load: layer %zu: file has dense<%u, %s>, network has dense<%zu, %s>", i,
                                       static_cast<unsigned>(size), has, N::sizes[i], wants);
            }
        };
        (layer(std::integral_constant<std::size_t, l + 1>{}), ...);
    }(std::make_index_sequence<N::depth>{});
    if (!result) return result;
    if (bytes.size() != saved_size<N>) return size_error();

    const std::size_t body = saved_size<N> - 8;
    const std::uint64_t stored = detail::from_little_endian<std::uint64_t>(bytes.data() + body);
    if (stored != detail::fnv1a(bytes.first(body))) return status::error("load: the checksum does not match: the file is corrupted");

    // Every check passed: read into a copy, then assign, so that net changes all at once.
    N loaded;
    [&]<std::size_t... l>(std::index_sequence<l...>) {
        const auto values = [&](auto& tensor) {
            for (T& v : tensor) v = in.read_float<T>();
        };
        ((values(loaded.template W<l + 1>()), values(loaded.template b<l + 1>())), ...);
    }(std::make_index_sequence<N::depth>{});
    net = loaded;
    return result;
}

// save and load through streams.   std::ofstream f("model.nabla", std::ios::binary); nabla::save(net, f);
// The stream is a template parameter so that this header needs only <iosfwd>: its members are
// looked up where save is called, and whoever made the stream has included <ostream>. (The
// standard stream headers would double the compile time of every file that includes nabla.hpp.)
template <class N, class Stream>
    requires std::derived_from<Stream, std::ostream>
status save(const N& net, Stream& out) {
    std::vector<std::byte> bytes(saved_size<N>);
    if (status s = save(net, std::span<std::byte>(bytes)); !s) return s;
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return out ? status{} : status::error("save: the stream failed while writing");
}
template <class N, class Stream>
    requires std::derived_from<Stream, std::istream>
status load(N& net, Stream& in) {
    // One byte more than a file can hold, so that trailing data is seen.
    std::vector<std::byte> bytes(saved_size<N> + 1);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad()) return status::error("load: the stream failed while reading");
    return load(net, std::span<const std::byte>(bytes));
}

// save and load by path (through <cstdio>, for the same reason).
//   nabla::save(net, "model.nabla");  nabla::load(net, "model.nabla");
template <class N> status save(const N& net, const char* path) {
    std::vector<std::byte> bytes(saved_size<N>);
    if (status s = save(net, std::span<std::byte>(bytes)); !s) return status::error("%s: %s", path, s.message());
    std::FILE* file = std::fopen(path, "wb");
    if (file == nullptr) return status::error("save: cannot open %s for writing", path);
    const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
    const bool closed = std::fclose(file) == 0;
    return written && closed ? status{} : status::error("%s: save: the stream failed while writing", path);
}
template <class N> status load(N& net, const char* path) {
    std::FILE* file = std::fopen(path, "rb");
    if (file == nullptr) return status::error("load: cannot open %s", path);
    std::vector<std::byte> bytes(saved_size<N> + 1);
    bytes.resize(std::fread(bytes.data(), 1, bytes.size(), file));
    const bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (failed) return status::error("%s: load: the stream failed while reading", path);
    status s = load(net, std::span<const std::byte>(bytes));
    return s ? s : status::error("%s: %s", path, s.message());
}

} // namespace nabla

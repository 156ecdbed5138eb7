// load_safetensors: handmade files in every dtype and layout PyTorch writes, and every kind of
// malformed header refused with a message while the network stays as it was.
#include <cstring>
#include <string>
#include <vector>

#include "testing.hpp"

#include <nabla/io/safetensors.hpp>

namespace {

using net_t = nabla::network<float, nabla::input<2>, nabla::dense<3, nabla::tanh>, nabla::dense<1, nabla::sigmoid>>;

struct tensor {
    std::string name, dtype;
    std::vector<std::size_t> shape;
    std::vector<double> values;
};

// A safetensors file: the header length, the JSON header, the data, tensors in the given order.
std::vector<std::byte> file(const std::vector<tensor>& tensors, const std::string& extra_header = "") {
    std::string header = "{";
    std::vector<std::byte> data;
    for (const auto& t : tensors) {
        const std::size_t begin = data.size();
        for (double v : t.values) {
            if (t.dtype == "F64" || t.dtype == "I64") {
                const auto bits = std::bit_cast<std::uint64_t>(v);
                for (int k = 0; k < 8; ++k) data.push_back(static_cast<std::byte>(bits >> (8 * k)));
            } else if (t.dtype == "F32") {
                const auto bits = std::bit_cast<std::uint32_t>(static_cast<float>(v));
                for (int k = 0; k < 4; ++k) data.push_back(static_cast<std::byte>(bits >> (8 * k)));
            } else if (t.dtype == "BF16") {
                const auto bits = std::bit_cast<std::uint32_t>(static_cast<float>(v)) >> 16;
                for (int k = 0; k < 2; ++k) data.push_back(static_cast<std::byte>(bits >> (8 * k)));
            } else { // F16 for values exactly representable as m/1024 in [-2, 2): sign, exponent 15 + e
                REQUIRE(t.dtype == "F16");
                const float f = static_cast<float>(v);
                const auto bits = std::bit_cast<std::uint32_t>(f);
                const std::uint32_t sign = (bits >> 16) & 0x8000u;
                const int exponent = static_cast<int>((bits >> 23) & 0xffu) - 127 + 15;
                const std::uint16_t half = f == 0 ? static_cast<std::uint16_t>(sign)
                                                  : static_cast<std::uint16_t>(sign | (static_cast<std::uint32_t>(exponent) << 10) | ((bits >> 13) & 0x3ffu));
                for (int k = 0; k < 2; ++k) data.push_back(static_cast<std::byte>(half >> (8 * k)));
            }
        }
        std::string shape;
        for (std::size_t k = 0; k < t.shape.size(); ++k) shape += (k ? "," : "") + std::to_string(t.shape[k]);
        header += (header.size() > 1 ? "," : "") + std::string("\"") + t.name + "\":{\"dtype\":\"" + t.dtype + "\",\"shape\":[" +
                  shape + "],\"data_offsets\":[" + std::to_string(begin) + "," + std::to_string(data.size()) + "]}";
    }
    header += extra_header + "}";
    std::vector<std::byte> out(8);
    for (int k = 0; k < 8; ++k) out[static_cast<std::size_t>(k)] = static_cast<std::byte>(static_cast<std::uint64_t>(header.size()) >> (8 * k));
    for (char c : header) out.push_back(static_cast<std::byte>(c));
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

std::vector<tensor> sequential(const std::string& dtype, const std::string& first = "0", const std::string& second = "2") {
    return {{first + ".weight", dtype, {3, 2}, {0.5, -0.25, 1, 0.125, -1.5, 0.75}},
            {first + ".bias", dtype, {3}, {0.25, -0.5, 1.25}},
            {second + ".weight", dtype, {1, 3}, {1.5, -1, 0.5}},
            {second + ".bias", dtype, {1}, {-0.75}}};
}

void check_loaded(const net_t& net) {
    CHECK(net.W<1>() == nabla::matrix<float, 3, 2>{{0.5f, -0.25f}, {1.f, 0.125f}, {-1.5f, 0.75f}});
    CHECK(net.b<1>() == nabla::vector<float, 3>{0.25f, -0.5f, 1.25f});
    CHECK(net.W<2>() == nabla::matrix<float, 1, 3>{{1.5f, -1.f, 0.5f}});
    CHECK(net.b<2>() == nabla::vector<float, 1>{-0.75f});
}

std::string refused(const std::vector<std::byte>& bytes, std::span<const nabla::layer_tensors> names = {}) {
    net_t net;
    nabla::initialize(net, nabla::init::uniform{-1, 1}, 5);
    const net_t before = net;
    const nabla::status s = nabla::load_safetensors(net, std::span<const std::byte>(bytes), names);
    CHECK_FALSE(s);
    CHECK(std::memcmp(&net, &before, sizeof net) == 0);
    return s.message();
}

} // namespace

TEST_CASE("safetensors files load in every supported dtype", "[io][safetensors]") {
    for (const char* dtype : {"F32", "F64", "F16", "BF16"}) {
        INFO(dtype);
        net_t net;
        const auto bytes = file(sequential(dtype));
        const nabla::status s = nabla::load_safetensors(net, std::span<const std::byte>(bytes));
        INFO(s.message());
        REQUIRE(s);
        check_loaded(net);
    }
}

TEST_CASE("layers are matched in nn.Sequential's order, or by the names given", "[io][safetensors]") {
    SECTION("'2' comes before '10', whatever the order in the file") {
        auto tensors = sequential("F32", "2", "10");
        std::swap(tensors[0], tensors[2]);
        std::swap(tensors[1], tensors[3]);
        net_t net;
        const auto bytes = file(tensors, ",\"__metadata__\":{\"format\":\"pt\"}");
        REQUIRE(nabla::load_safetensors(net, std::span<const std::byte>(bytes)));
        check_loaded(net);
    }
    SECTION("explicit names") {
        const auto bytes = file(sequential("F32", "fc2", "fc1"));
        const nabla::layer_tensors names[] = {{"fc2.weight", "fc2.bias"}, {"fc1.weight", "fc1.bias"}};
        net_t net;
        REQUIRE(nabla::load_safetensors(net, std::span<const std::byte>(bytes), names));
        check_loaded(net);
        const nabla::layer_tensors missing[] = {{"fc2.weight", "fc2.bias"}, {"fc3.weight", "fc1.bias"}};
        CHECK(refused(bytes, missing) == "safetensors: the file has no tensor 'fc3.weight'");
    }
}

TEST_CASE("malformed safetensors files are refused with a message", "[io][safetensors]") {
    const auto good = file(sequential("F32"));
    CHECK(refused({}) == "safetensors: the file has 0 bytes, fewer than the 8 of the header length");

    auto longer_header = good;
    longer_header[0] = std::byte{0xff};
    longer_header[1] = std::byte{0x7f};
    CHECK(refused(longer_header).starts_with("safetensors: the header length 32767"));
    auto huge_header = good;
    huge_header[5] = std::byte{1};
    INFO(refused(huge_header));
    CHECK(refused(huge_header).starts_with("safetensors: the header length 1099511628"));

    auto not_json = good;
    not_json[8] = std::byte{'['};
    not_json[9] = std::byte{'x'};
    CHECK(refused(not_json) == "safetensors: the header is not valid JSON");

    auto tensors = sequential("F32");
    tensors[1].dtype = "I64";
    CHECK(refused(file(tensors)) == "safetensors: tensor '0.bias' has dtype I64; supported are F32, F64, F16 and BF16");

    tensors = sequential("F32");
    tensors[0].shape = {2, 3};
    CHECK(refused(file(tensors)) == "safetensors: layer 1: tensor '0.weight' has shape [2, 3], W1 is [3, 2]");
    tensors = sequential("F32");
    tensors[3].shape = {1, 1};
    CHECK(refused(file(tensors)) == "safetensors: layer 2: tensor '2.bias' has shape [1, 1], b2 is [1]");
    tensors = sequential("F32");
    tensors[0].shape = {3, 3};
    CHECK(refused(file(tensors)) == "safetensors: tensor '0.weight' has 24 bytes of data, its shape [3, 3] of F32 needs 36");

    tensors = sequential("F32");
    tensors.pop_back();
    CHECK(refused(file(tensors)) == "safetensors: the file has '2.weight' but no '2.bias'");
    tensors.pop_back();
    tensors.pop_back();
    CHECK(refused(file(tensors)) == "safetensors: the file has 1 weight tensors ('<name>.weight'), the network has 2 layers");

    // The good file with one piece of its header text replaced, and the header length adjusted.
    const auto edit = [&](const std::string& from, const std::string& to) {
        std::string text(reinterpret_cast<const char*>(good.data()), good.size());
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
        std::vector<std::byte> bytes(text.size());
        std::memcpy(bytes.data(), text.data(), text.size());
        const std::uint64_t length = nabla::detail::from_little_endian<std::uint64_t>(good.data()) + to.size() - from.size();
        nabla::detail::to_little_endian(length, bytes.data());
        return refused(bytes);
    };
    CHECK(edit("\"data_offsets\":[36,48]", "\"data_offsets\":[36,99]") ==
          "safetensors: tensor '2.weight' has data_offsets [36, 99] outside the 52 bytes of data");
    CHECK(edit("\"data_offsets\":[24,36]", "\"data_offsets\":[12,24]") == "safetensors: tensors '0.weight' and '0.bias' overlap");
    CHECK(edit("\"dtype\":\"F32\"", "\"dtype\":1234 ") == "safetensors: tensor '0.weight' has no dtype string");
    CHECK(edit("\"shape\":[3,2]", "\"shape\":[3,-2]").find("not a whole number") != std::string::npos);
    CHECK(edit("{\"0.weight\":", "[\"0.weight\",") == "safetensors: the header is not valid JSON");
    CHECK(edit("{\"0.weight\":{", "{\"0.weight\":[],\"x\":{") == "safetensors: tensor '0.weight' is not described by an object");
    CHECK(edit("\"data_offsets\":[0,24]", "\"data_offsets\":[0]") ==
          "safetensors: tensor '0.weight' needs data_offsets [begin, end] of whole numbers");
}

TEST_CASE("truncation at every byte is refused", "[io][safetensors]") {
    const auto good = file(sequential("F32"));
    for (std::size_t size = 0; size < good.size(); ++size) {
        INFO("truncated to " << size << " bytes");
        refused(std::vector<std::byte>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(size)));
    }
}

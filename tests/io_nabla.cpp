// nabla's own format: bit-exact round trips through bytes, streams and files, and every kind of
// damage reported with a message while the network stays exactly as it was.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "testing.hpp"

#include <nabla/io/nabla_format.hpp>

namespace {

template <class T>
using xor_t = nabla::network<T, nabla::input<2>, nabla::dense<3, nabla::sigmoid>, nabla::dense<1, nabla::sigmoid>>;
template <class T>
using digits_t = nabla::network<T, nabla::input<64>, nabla::dense<32, nabla::sigmoid>, nabla::dense<10, nabla::softmax>>;
using mixed_t = nabla::network<double, nabla::input<3>, nabla::dense<4, nabla::leaky_relu_with<std::ratio<1, 5>>>,
                               nabla::dense<4, nabla::tanh>, nabla::dense<2, nabla::identity>>;

template <class N> std::vector<std::byte> saved(const N& net) {
    std::vector<std::byte> bytes(nabla::saved_size<N>);
    REQUIRE(nabla::save(net, std::span<std::byte>(bytes)));
    return bytes;
}

// Loading bytes must fail with a message and leave net bit-identical.
template <class N> std::string refused(const std::vector<std::byte>& bytes) {
    N net;
    nabla::initialize(net, nabla::init::uniform{-1, 1}, 99);
    const N before = net;
    const nabla::status s = nabla::load(net, std::span<const std::byte>(bytes));
    CHECK_FALSE(s);
    CHECK(std::strlen(s.message()) > 10);
    CHECK(std::memcmp(&net, &before, sizeof(N)) == 0);
    return s.message();
}

} // namespace

TEMPLATE_TEST_CASE("round trips are bit-exact", "[io]", float, double) {
    using T = TestType;
    digits_t<T> net;
    nabla::initialize(net, nabla::init::normal{0, 3}, 1);
    net.template W<1>()(0, 0) = std::numeric_limits<T>::denorm_min();
    net.template b<2>()[3] = -T(0);

    SECTION("through bytes") {
        digits_t<T> copy;
        REQUIRE(nabla::load(copy, std::span<const std::byte>(saved(net))));
        CHECK(std::memcmp(&copy, &net, sizeof net) == 0);
    }
    SECTION("through streams") {
        std::stringstream stream;
        REQUIRE(nabla::save(net, stream));
        digits_t<T> copy;
        REQUIRE(nabla::load(copy, stream));
        CHECK(std::memcmp(&copy, &net, sizeof net) == 0);
    }
    SECTION("through a file") {
        const auto path = (std::filesystem::temp_directory_path() / "nabla_round_trip.nabla").string();
        REQUIRE(nabla::save(net, path.c_str()));
        digits_t<T> copy;
        const nabla::status s = nabla::load(copy, path.c_str());
        INFO(s.message());
        REQUIRE(s);
        CHECK(std::memcmp(&copy, &net, sizeof net) == 0);
        std::filesystem::remove(path);
    }
    SECTION("through file streams") {
        const auto path = (std::filesystem::temp_directory_path() / "nabla_round_trip_stream.nabla").string();
        {
            std::ofstream out(path, std::ios::binary);
            REQUIRE(nabla::save(net, out));
        }
        std::ifstream in(path, std::ios::binary);
        digits_t<T> copy;
        REQUIRE(nabla::load(copy, in));
        CHECK(std::memcmp(&copy, &net, sizeof net) == 0);
        std::filesystem::remove(path);
    }
    SECTION("the lecture's network and a mixed one") {
        xor_t<T> small;
        nabla::initialize(small, nabla::init::uniform{-1, 1}, 2);
        xor_t<T> small_copy;
        REQUIRE(nabla::load(small_copy, std::span<const std::byte>(saved(small))));
        CHECK(small_copy == small);
        mixed_t mixed;
        nabla::initialize(mixed, nabla::init::uniform{-1, 1}, 3);
        mixed_t mixed_copy;
        REQUIRE(nabla::load(mixed_copy, std::span<const std::byte>(saved(mixed))));
        CHECK(mixed_copy == mixed);
    }
}

TEST_CASE("the file records the topology and load names what differs", "[io]") {
    mixed_t net;
    nabla::initialize(net, nabla::init::uniform{-1, 1}, 4);
    const auto bytes = saved(net);
    using relu_t = nabla::network<double, nabla::input<3>, nabla::dense<4, nabla::relu>, nabla::dense<4, nabla::tanh>,
                                  nabla::dense<2, nabla::identity>>;
    CHECK(refused<relu_t>(bytes) == "load: layer 1: file has dense<4, leaky_relu_with<1/5>>, network has dense<4, relu>");
    using wider_t = nabla::network<double, nabla::input<3>, nabla::dense<4, nabla::leaky_relu_with<std::ratio<1, 5>>>,
                                   nabla::dense<5, nabla::tanh>, nabla::dense<2, nabla::identity>>;
    CHECK(refused<wider_t>(bytes) == "load: layer 2: file has dense<4, tanh>, network has dense<5, tanh>");
    using float_t = nabla::network<float, nabla::input<3>, nabla::dense<4, nabla::leaky_relu_with<std::ratio<1, 5>>>,
                                   nabla::dense<4, nabla::tanh>, nabla::dense<2, nabla::identity>>;
    CHECK(refused<float_t>(bytes) == "load: the file stores 8-byte scalars, the network has 4-byte scalars (float)");
    CHECK(refused<xor_t<double>>(bytes) == "load: the file has 3 layers, the network has 2");
}

TEST_CASE("every header field corrupted in turn is refused", "[io]") {
    mixed_t net;
    nabla::initialize(net, nabla::init::uniform{-1, 1}, 5);
    const auto good = saved(net);
    // Each byte of the magic, version, scalar size, depth, input size and every layer record, a
    // parameter byte, and the checksum.
    std::vector<std::size_t> offsets;
    for (std::size_t k = 0; k < 24 + 3 * 16; ++k) offsets.push_back(k);
    offsets.push_back(24 + 3 * 16 + 5);
    offsets.push_back(good.size() - 1);
    for (std::size_t k : offsets) {
        auto bad = good;
        bad[k] ^= std::byte{0x5a};
        INFO("byte " << k);
        refused<mixed_t>(bad);
    }
    CHECK(refused<mixed_t>(std::vector<std::byte>(good.begin(), good.begin() + 40)) ==
          "load: the file has 40 bytes, a complete file of this network has " + std::to_string(good.size()));
    auto corrupted = good;
    corrupted[100] ^= std::byte{1};
    CHECK(refused<mixed_t>(corrupted) == "load: the checksum does not match: the file is corrupted");
    auto version = good;
    version[8] = std::byte{2};
    CHECK(refused<mixed_t>(version) == "load: format version 2, this nabla reads version 1");
    auto magic = good;
    magic[0] = std::byte{'N'};
    CHECK(refused<mixed_t>(magic) == "load: not a nabla file (wrong magic bytes)");
}

TEST_CASE("truncation at every byte, trailing bytes and empty data are refused", "[io]") {
    xor_t<float> net;
    nabla::initialize(net, nabla::init::uniform{-1, 1}, 6);
    const auto good = saved(net);
    for (std::size_t size = 0; size < good.size(); ++size) {
        INFO("truncated to " << size << " bytes");
        refused<xor_t<float>>(std::vector<std::byte>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(size)));
    }
    auto longer = good;
    longer.push_back(std::byte{0});
    refused<xor_t<float>>(longer);
    CHECK(refused<xor_t<float>>({}) == "load: the data is empty");
    std::istringstream empty_stream("");
    xor_t<float> target;
    CHECK(std::string(nabla::load(target, empty_stream).message()) == "load: the data is empty");
    CHECK(std::string(nabla::load(target, "/nonexistent/model.nabla").message()) == "load: cannot open /nonexistent/model.nabla");
    CHECK(std::string(nabla::save(net, "/nonexistent/model.nabla").message()) ==
          "save: cannot open /nonexistent/model.nabla for writing");
    std::ofstream closed;
    CHECK(std::string(nabla::save(net, closed).message()) == "save: the stream failed while writing");
    // A file that holds one byte too many names itself in the error, and leaves the network as it was.
    const auto path = (std::filesystem::temp_directory_path() / "nabla_longer.nabla").string();
    {
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(longer.data()), static_cast<std::streamsize>(longer.size()));
    }
    const xor_t<float> before = target;
    const nabla::status s = nabla::load(target, path.c_str());
    CHECK_FALSE(s);
    CHECK(std::string(s.message()).starts_with(path + ": load: "));
    CHECK(target == before);
    std::filesystem::remove(path);
    std::array<std::byte, 10> small{};
    CHECK_FALSE(nabla::save(net, std::span<std::byte>(small)));
}

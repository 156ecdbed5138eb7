// The digits demo's CSV loader: the real file loads, and each kind of malformed input gives an
// error that names the file, the line and the problem.
#include <sstream>
#include <string>

#include "testing.hpp"

#include "digits/load_digits.hpp"

namespace {
using net_t = nabla::network<float, nabla::input<64>, nabla::dense<32, nabla::sigmoid>, nabla::dense<10, nabla::softmax>>;

std::string header() {
    std::string h;
    for (int r = 0; r < 8; ++r)
        for (int c = 0; c < 8; ++c) h += "pixel_" + std::to_string(r) + "_" + std::to_string(c) + ",";
    return h + "label\n";
}
std::string row(int pixel = 3, int label = 7) {
    std::string s;
    for (int k = 0; k < 64; ++k) s += std::to_string(pixel) + ",";
    return s + std::to_string(label) + "\n";
}
std::string error_for(const std::string& text) {
    std::istringstream in(text);
    const auto loaded = digits::read<net_t>(in, "test.csv");
    CHECK(loaded.samples.empty());
    return loaded.error;
}
} // namespace

TEST_CASE("the digits file loads", "[digits]") {
    const auto loaded = digits::read<net_t>(NABLA_DIGITS_CSV);
    REQUIRE(loaded);
    CHECK(loaded.samples.size() == 1797);
    for (const auto& s : loaded.samples) {
        float ones = 0;
        for (auto v : s.y) ones += v;
        CHECK(ones == 1);
        for (auto v : s.x) CHECK((v >= 0 && v <= 1));
    }
}

TEST_CASE("a well-formed row becomes x = pixels / 16 and a one-hot y", "[digits]") {
    std::istringstream in(header() + row(8, 4) + "\n" + row(16, 0));
    const auto loaded = digits::read<net_t>(in, "test.csv");
    REQUIRE(loaded);
    REQUIRE(loaded.samples.size() == 2);
    CHECK(loaded.samples[0].x[10] == 0.5f);
    CHECK(loaded.samples[0].y[4] == 1);
    CHECK(loaded.samples[1].x[63] == 1.f);
    CHECK(loaded.samples[1].y[0] == 1);
}

TEST_CASE("malformed input is reported with file, line and problem", "[digits]") {
    CHECK(error_for("") == "test.csv:1: the file is empty (expected a header line)");
    CHECK(error_for("a,b,c\n") == "test.csv:1: the first line is not the header 'pixel_0_0,...,label'");
    CHECK(error_for(header()) == "test.csv:1: no samples after the header");
    CHECK(error_for(header() + row() + "1,2,3\n") == "test.csv:3: expected 65 fields (64 pixels and a label), found 3");
    CHECK(error_for(header() + row(17)) == "test.csv:2: pixel 1 is 17, outside 0..16");
    CHECK(error_for(header() + row(3, 10)) == "test.csv:2: the label is 10, outside 0..9");
    const std::string bad = std::string("x").append(row(), 1);
    CHECK(error_for(header() + bad) == "test.csv:2: field 1 is 'x', not an integer");
    const std::string plain = row();
    const std::string longer = plain.substr(0, plain.size() - 1) + ",5\n";
    CHECK(error_for(header() + row() + longer) == "test.csv:3: more than 65 fields (64 pixels and a label)");
    CHECK(digits::read<net_t>(std::string("/nonexistent/digits.csv")).error == "/nonexistent/digits.csv: cannot open the file");
}

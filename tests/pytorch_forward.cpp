// The C++ half of tests/pytorch_compare.py: loads a safetensors file exported from PyTorch and
// prints the network's output for each input line (hex floats, so nothing is lost in printing).
// usage: pytorch_forward float|double MODEL.safetensors INPUTS.txt
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include <nabla/io/safetensors.hpp>
#include <nabla/nabla.hpp>

namespace {

template <class T> int run(const char* model, const char* inputs) {
    using net_t = nabla::network<T, nabla::input<5>, nabla::dense<16, nabla::tanh>, nabla::dense<8, nabla::relu>,
                                 nabla::dense<3, nabla::softmax>>;
    static net_t net;
    if (const nabla::status s = nabla::load_safetensors(net, model); !s) {
        std::fprintf(stderr, "%s\n", s.message());
        return 2;
    }
    std::ifstream in(inputs);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        nabla::vector<T, 5> x;
        for (auto& v : x) {
            std::string field;
            fields >> field;
            v = static_cast<T>(std::strtod(field.c_str(), nullptr));
        }
        const auto y = net(x);
        for (auto v : y) std::printf("%a ", static_cast<double>(v));
        std::printf("\n");
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 4) return 2;
    return std::strcmp(argv[1], "double") == 0 ? run<double>(argv[2], argv[3]) : run<float>(argv[2], argv[3]);
}

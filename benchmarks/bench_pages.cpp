// Where the weights live: M's and W's one-sample rows with the network on 4 KiB pages, as the
// comparison's rows have it (a static object), and on one 2 MiB huge page (pages.hpp). On 4 KiB
// pages the kernel picks each page's physical address at every run, and with it the L2 sets that
// W's 797 KiB fall into (of this core's 1 MiB); one huge page is contiguous, and one TLB entry.
#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>

#include "pages.hpp"
#include "report.hpp"

namespace bench {

huge_page::huge_page() noexcept {
    // Twice the size, so that a 2 MiB boundary falls inside; the rest is returned.
    void* mapping = mmap(nullptr, 2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED) return;
    const auto start = reinterpret_cast<std::uintptr_t>(mapping);
    const std::uintptr_t aligned = (start + size - 1) / size * size;
    if (aligned > start) munmap(mapping, aligned - start);
    if (aligned + size < start + 2 * size) munmap(reinterpret_cast<void*>(aligned + size), start + 2 * size - aligned - size);
    mapping_ = page_ = reinterpret_cast<void*>(aligned);
    madvise(page_, size, MADV_HUGEPAGE);
}

huge_page::~huge_page() {
    if (mapping_) munmap(mapping_, size);
}

bool on_huge_page(const void* p) {
    std::FILE* smaps = std::fopen("/proc/self/smaps", "r");
    if (!smaps) return false;
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    char line[512];
    bool inside = false, huge = false;
    while (std::fgets(line, sizeof line, smaps)) {
        unsigned long low = 0, high = 0;
        // A mapping's first line starts with its range, "low-high perms ..."; its fields follow,
        // "Name: value", none of them a hex number and a '-'.
        if (std::sscanf(line, "%lx-%lx ", &low, &high) == 2) {
            if (inside) break;
            inside = at >= low && at < high;
        } else if (inside && std::strncmp(line, "AnonHugePages:", 14) == 0) {
            huge = std::strtoul(line + 14, nullptr, 10) > 0;
        }
    }
    std::fclose(smaps);
    return huge;
}

} // namespace bench

namespace {

enum class pages { small, huge };

// The network to time: a static object on 4 KiB pages, or one placed on the huge page.
template <class Net, pages Pages> typename Net::net& placed_network() {
    if constexpr (Pages == pages::small) {
        static typename Net::net net;
        return net;
    } else {
        static bench::huge_page page;
        static_assert(sizeof(typename Net::net) <= bench::huge_page::size);
        static typename Net::net* net = page.data() ? new (page.data()) typename Net::net : nullptr;
        return net ? *net : placed_network<Net, pages::small>();
    }
}

void report_pages(benchmark::State& state, const void* at) { state.counters["huge_page"] = bench::on_huge_page(at) ? 1 : 0; }

template <class Net, pages Pages> void paged_forward(benchmark::State& state) {
    auto& net = placed_network<Net, Pages>();
    net = bench::weights<Net>();
    auto x = bench::first_sample(bench::inputs<Net>());
    bench::measure(state, bench::forward_flops<Net>(), 1, [&] {
        benchmark::DoNotOptimize(x);
        auto y = net(x);
        benchmark::DoNotOptimize(y);
    });
    report_pages(state, &net);
}

template <class Net, pages Pages> void paged_train_sample(benchmark::State& state) {
    auto& net = placed_network<Net, Pages>();
    net = bench::weights<Net>();
    nabla::optimizer<typename Net::net, nabla::sgd> opt{nabla::sgd{.learning_rate = bench::learning_rate}};
    const auto x = bench::first_sample(bench::inputs<Net>());
    const auto y = bench::first_sample(bench::targets<Net>());
    bench::measure(state, bench::train_flops<Net>(), 1, [&] {
        opt.step(net, typename Net::loss{}, x, y);
        benchmark::DoNotOptimize(net);
    });
    report_pages(state, &net);
}

} // namespace

BENCHMARK_TEMPLATE(paged_forward, bench::M, pages::small)->Name("pages/M_forward/4_KiB_pages");
BENCHMARK_TEMPLATE(paged_forward, bench::M, pages::huge)->Name("pages/M_forward/huge_page");
BENCHMARK_TEMPLATE(paged_train_sample, bench::M, pages::small)->Name("pages/M_train_sample/4_KiB_pages");
BENCHMARK_TEMPLATE(paged_train_sample, bench::M, pages::huge)->Name("pages/M_train_sample/huge_page");
BENCHMARK_TEMPLATE(paged_forward, bench::W, pages::small)->Name("pages/W_forward/4_KiB_pages");
BENCHMARK_TEMPLATE(paged_forward, bench::W, pages::huge)->Name("pages/W_forward/huge_page");
BENCHMARK_TEMPLATE(paged_train_sample, bench::W, pages::small)->Name("pages/W_train_sample/4_KiB_pages");
BENCHMARK_TEMPLATE(paged_train_sample, bench::W, pages::huge)->Name("pages/W_train_sample/huge_page");

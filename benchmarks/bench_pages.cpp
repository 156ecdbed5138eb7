// Where the weights live: M's and W's one-sample rows with the network on 4 KiB pages, as the
// comparison's rows have it (a static object), and on one 2 MiB huge page (pages.hpp). On 4 KiB
// pages the kernel picks each page's physical address at every run, and with it the L2 sets that
// W's 797 KiB fall into (of this core's 1 MiB); one huge page is contiguous, and one TLB entry.
// And W's forward pass with the stack moved against the weights.
#include <alloca.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>

#include "nabla_rows.hpp"
#include "pages.hpp"

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
    bench::time_forward<Net>(state, net);
    report_pages(state, &net);
}

template <class Net, pages Pages> void paged_train_sample(benchmark::State& state) {
    auto& net = placed_network<Net, Pages>();
    bench::time_train_sample<Net>(state, net);
    report_pages(state, &net);
}

// W's forward pass with the stack moved down by Offset bytes (alloca), its input and activations
// with it, against the same weights: whether the pass's time depends on where the stack falls
// against W below 4 KiB, as it did while the one-sample product's row sums went through the stack
// (detail/kernels.hpp, multiply_vector).
[[gnu::noinline]] void forward_below(benchmark::State& state) { bench::time_forward<bench::W>(state, bench::weights<bench::W>()); }

template <std::size_t Offset> void stack_moved_forward(benchmark::State& state) {
    volatile char* moved = static_cast<char*>(alloca(Offset + 1));
    moved[0] = 0;
    forward_below(state);
    benchmark::DoNotOptimize(moved[0]);
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
BENCHMARK_TEMPLATE(stack_moved_forward, 0)->Name("stack/W_forward/0");
BENCHMARK_TEMPLATE(stack_moved_forward, 1024)->Name("stack/W_forward/1024");
BENCHMARK_TEMPLATE(stack_moved_forward, 2048)->Name("stack/W_forward/2048");
BENCHMARK_TEMPLATE(stack_moved_forward, 3072)->Name("stack/W_forward/3072");

// The benchmark binary's main, and the counting allocator behind the allocation counter that every
// benchmark reports.
#include <cstddef>
#include <cstdio>

#include <benchmark/benchmark.h>

#include "networks.hpp"
#include "report.hpp"

namespace {
std::size_t allocation_count = 0;
}

std::size_t bench::allocations() { return allocation_count; }

// Every heap allocation goes through these (operator new, Eigen's aligned_malloc, libtorch's
// allocator, FANN's calloc), so they are what is counted. glibc's own entry points do the work.
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);

void* malloc(std::size_t size) {
    ++allocation_count;
    return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) {
    ++allocation_count;
    return __libc_calloc(count, size);
}
void* realloc(void* p, std::size_t size) {
    ++allocation_count;
    return __libc_realloc(p, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) {
    ++allocation_count;
    return __libc_memalign(alignment, size);
}
void* memalign(std::size_t alignment, std::size_t size) {
    ++allocation_count;
    return __libc_memalign(alignment, size);
}
int posix_memalign(void** p, std::size_t alignment, std::size_t size) {
    ++allocation_count;
    *p = __libc_memalign(alignment, size);
    return *p ? 0 : 12; // ENOMEM
}
}

// The stack probe on calls whose use is known: a 64 KiB array written whole, and one whose last
// 16 KiB stay unwritten, each within a frame's bookkeeping of its size.
namespace {
template <std::size_t written> [[gnu::noipa]] void write_array() {
    volatile unsigned char array[64 * 1024];
    for (std::size_t i = 0; i < written; ++i) array[sizeof array - 1 - i] = 1;
}
bool stack_probe_agrees() {
    const auto within = [](std::size_t used, std::size_t expected) { return used >= expected && used <= expected + 512; };
    auto whole = [] { write_array<64 * 1024>(); };
    auto part = [] { write_array<48 * 1024>(); };
    const std::size_t used_whole = bench::stack_bytes(whole), used_part = bench::stack_bytes(part);
    if (within(used_whole, 64 * 1024) && within(used_part, 48 * 1024)) return true;
    std::fprintf(stderr, "the stack probe measured %zu and %zu bytes for 64 and 48 KiB\n", used_whole, used_part);
    return false;
}
} // namespace

// The hand-written baseline is checked against nabla first: a faster wrong baseline would be no
// baseline (the smoke test in CI fails on it); so is the stack probe every row reports through.
int main(int argc, char** argv) {
    if (!stack_probe_agrees() || !bench::handwritten_agrees()) return 1;
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

// The benchmark binary's main, and the counting allocator behind the allocation counter that every
// benchmark reports.
#include <cstddef>

#include <benchmark/benchmark.h>

#include "networks.hpp"

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

// The hand-written baseline is checked against nabla first: a faster wrong baseline would be no
// baseline (the smoke test in CI fails on it).
int main(int argc, char** argv) {
    if (!bench::handwritten_agrees()) return 1;
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

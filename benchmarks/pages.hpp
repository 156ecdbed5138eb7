// Memory on one 2 MiB transparent huge page, for the "pages/" rows: where a network's parameters
// sit in physical memory decides which L2 sets and TLB entries they take, and on 4 KiB pages that
// is up to the kernel at every run.
#pragma once

#include <cstddef>

namespace bench {

// 2 MiB of anonymous memory on a 2 MiB boundary, advised for a transparent huge page (Linux:
// madvise(MADV_HUGEPAGE), which the kernel grants when THP is "always" or "madvise" and a page is
// free). on_huge_page says whether it did: the rows report it rather than assume it.
class huge_page {
public:
    static constexpr std::size_t size = std::size_t{2} << 20;
    huge_page() noexcept;
    ~huge_page();
    huge_page(const huge_page&) = delete;
    huge_page& operator=(const huge_page&) = delete;
    void* data() const noexcept { return page_; }

private:
    void* mapping_ = nullptr;
    void* page_ = nullptr;
};

// Whether the memory at p is on a huge page, per the AnonHugePages of its mapping in
// /proc/self/smaps (touch it first: the kernel gives pages at the first write).
bool on_huge_page(const void* p);

} // namespace bench

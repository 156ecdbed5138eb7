// flush_denormals: a scoped guard that makes the FPU treat subnormal floats as zero, and restores
// what it found when it goes out of scope.
#pragma once

namespace nabla {

// While alive, subnormal results are flushed to zero (FTZ) and subnormal inputs read as zero
// (DAZ): arithmetic on them then runs at full speed instead of taking a microcode assist. Values
// below FLT_MIN (1.2e-38) become 0, which a network's output does not notice. It sets the current
// thread's control register only; on targets other than x86-64 and AArch64 it does nothing, and
// active() says so.
//   { nabla::flush_denormals guard; auto y = net(x); }
class flush_denormals {
public:
    flush_denormals() noexcept : previous_(read()) {
        write(previous_ | mask);
        memory_barrier();
    }
    ~flush_denormals() {
        memory_barrier();
        write(previous_);
    }
    flush_denormals(const flush_denormals&) = delete;
    flush_denormals& operator=(const flush_denormals&) = delete;

    // Whether this target has the modes (and so whether the guard changes anything).
    static constexpr bool active() noexcept { return mask != 0; }

private:
    // The compilers do not order the mode switch against other code: without this, loads (and the
    // arithmetic on them) could move across it. Arithmetic on values already in registers still
    // can; docs/api.md says so.
    static void memory_barrier() noexcept { __asm__ __volatile__("" ::: "memory"); }
#if defined(__SSE__) || defined(__x86_64__)
    using word = unsigned int;
    static constexpr word mask = 0x8040; // MXCSR: FTZ (bit 15) | DAZ (bit 6)
    // The compilers' builtins behind _mm_getcsr and _mm_setcsr: <xmmintrin.h> would add some 5,000
    // lines to every file that includes nabla.
    static word read() noexcept { return __builtin_ia32_stmxcsr(); }
    static void write(word w) noexcept { __builtin_ia32_ldmxcsr(w); }
#elif defined(__aarch64__)
    using word = unsigned long;
    static constexpr word mask = 1ul << 24; // FPCR.FZ: flushes inputs and results
    static word read() noexcept {
        word w;
        __asm__ __volatile__("mrs %0, fpcr" : "=r"(w));
        return w;
    }
    static void write(word w) noexcept { __asm__ __volatile__("msr fpcr, %0" : : "r"(w)); }
#else
    using word = unsigned int;
    static constexpr word mask = 0;
    static word read() noexcept { return 0; }
    static void write(word) noexcept {}
#endif
    word previous_;
};

} // namespace nabla

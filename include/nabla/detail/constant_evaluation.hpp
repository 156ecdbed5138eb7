// `if consteval` in nabla's C++20 headers: the branch a function takes during constant evaluation,
// which g++ and clang++ then never compile for run time. With std::is_constant_evaluated() both
// branches reach g++'s middle end, which compiles what the constant branch calls (a constant-only
// pass such as the unfused one-sample step, with its kernels) before it drops it: M's training
// unit of scripts/compile_cost.py took 7.57 G g++ instructions with it, 7.31 G with this. A C++23
// statement that g++ 12 and clang++ 14 accept in C++20, with a warning that the headers which use
// it silence between NABLA_BEGIN_IF_CONSTEVAL and NABLA_END_IF_CONSTEVAL (the includer's own
// warnings stay as they were).
#pragma once

#if defined(__clang__)
#define NABLA_BEGIN_IF_CONSTEVAL                                                                                       \
    _Pragma("clang diagnostic push") _Pragma("clang diagnostic ignored \"-Wunknown-warning-option\"")                  \
        _Pragma("clang diagnostic ignored \"-Wc++2b-extensions\"") _Pragma("clang diagnostic ignored \"-Wc++23-extensions\"")
#define NABLA_END_IF_CONSTEVAL _Pragma("clang diagnostic pop")
#else
#define NABLA_BEGIN_IF_CONSTEVAL _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wc++23-extensions\"")
#define NABLA_END_IF_CONSTEVAL _Pragma("GCC diagnostic pop")
#endif

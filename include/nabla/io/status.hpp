// status: the outcome of loading or saving, with a message; no exceptions and no heap.
#pragma once

#include <cstdarg>
#include <cstdio>

namespace nabla {

// Success, or an error with a message of at most 255 characters.
//   nabla::status s = nabla::load(net, "model.nabla");
//   if (!s) std::fprintf(stderr, "%s\n", s.message());
class status {
public:
    constexpr status() noexcept = default;

    // An error whose message is formatted like printf.
    [[gnu::format(printf, 1, 2)]] static status error(const char* format, ...) noexcept {
        status s;
        s.ok_ = false;
        va_list arguments;
        va_start(arguments, format);
        std::vsnprintf(s.message_, sizeof s.message_, format, arguments);
        va_end(arguments);
        return s;
    }

    constexpr explicit operator bool() const noexcept { return ok_; }
    constexpr bool ok() const noexcept { return ok_; }
    // "ok" on success.
    constexpr const char* message() const noexcept { return ok_ ? "ok" : message_; }

private:
    bool ok_ = true;
    char message_[256]{};
};

} // namespace nabla

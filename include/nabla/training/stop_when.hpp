// stop_when: when training ends, and why it did.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>

namespace nabla {

// Any combination of: a number of epochs; the mean loss over the data under a bound; the largest
// |Δθ| of an epoch under a bound (the lecture's "until θ^{i+1} = θ^i"). With none set, training
// runs until it diverges or a callback stops it.
//   nabla::stop_when{.max_epochs = 20000, .loss_below = 1e-3}
struct stop_when final {
    std::size_t max_epochs = std::numeric_limits<std::size_t>::max();
    std::optional<double> loss_below{};
    std::optional<double> step_below{};
};

enum class stop_reason { loss_below, step_below, max_epochs, diverged, stopped_by_callback };

// What train() did: the epochs it ran, the mean per-sample loss after the last one, and why it stopped.
struct train_report {
    std::size_t epochs = 0;
    double loss = 0;
    stop_reason reason = stop_reason::max_epochs;
};

} // namespace nabla

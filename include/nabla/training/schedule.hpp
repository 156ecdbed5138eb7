// How an epoch walks the data: one sample per update, the whole set per update, or batches of B.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace nabla {

// What an update uses of a batch's gradient: the mean (default, so η does not scale with the
// batch size) or the sum, the lecture's C(θ) = Σ_k C_k.
enum class reduction { mean, sum };

// The lecture's "for each training sample {x, ŷ}: compute the gradient and update". Visits the
// samples in order, or shuffled anew each epoch when given a seed.   nabla::per_sample{.shuffle_seed = 3}
struct per_sample final {
    std::optional<std::uint64_t> shuffle_seed{};
};

// One update per epoch, with the gradient of C over all samples (as minibatch<32>'s products, each
// batch's gradient added to the sum).   nabla::full_batch{}
struct full_batch final {
    nabla::reduction reduction = nabla::reduction::mean;
};

// One update per B samples (the last batch of an epoch may be smaller), computed as matrix–matrix
// products on a batch matrix; a shorter last batch runs as a whole one, its unused columns left out
// of the gradient.   nabla::minibatch<32>{.shuffle_seed = 1}
template <std::size_t B> struct minibatch final {
    static_assert(B > 0, "minibatch<B> needs B > 0");
    static constexpr std::size_t batch_size = B;
    std::optional<std::uint64_t> shuffle_seed{};
    nabla::reduction reduction = nabla::reduction::mean;
};

} // namespace nabla

// nabla: a neural network whose topology is a type. Include this one header for all of it.
#pragma once

#include <nabla/detail/text.hpp>
#include <nabla/diagnostics.hpp>

#include <nabla/tensor/expression.hpp>
#include <nabla/tensor/matrix.hpp>
#include <nabla/tensor/operations.hpp>
#include <nabla/tensor/product.hpp>
#include <nabla/tensor/vector.hpp>

#include <nabla/activations/activation.hpp>
#include <nabla/activations/fast_sigmoid.hpp>
#include <nabla/activations/fast_tanh.hpp>
#include <nabla/activations/identity.hpp>
#include <nabla/activations/leaky_relu.hpp>
#include <nabla/activations/relu.hpp>
#include <nabla/activations/sigmoid.hpp>
#include <nabla/activations/softmax.hpp>
#include <nabla/activations/tanh.hpp>

#include <nabla/flush_denormals.hpp>

#include <nabla/describe/formula.hpp>
#include <nabla/describe/summary.hpp>

#include <nabla/dsl/dsl.hpp>

#include <nabla/io/nabla_format.hpp>
#include <nabla/io/status.hpp>
// Two I/O headers are not included here, for the compile time of every file that trains: the
// safetensors loader needs nlohmann/json, whose parsing alone costs more than the rest of nabla,
// and emit_header builds text with <string> and <ostream> (a quarter of a second more). Include
// <nabla/io/safetensors.hpp> and <nabla/io/emit_header.hpp> where they are used.

#include <nabla/layers/dense.hpp>
#include <nabla/layers/input.hpp>

#include <nabla/losses/binary_cross_entropy.hpp>
#include <nabla/losses/cross_entropy.hpp>
#include <nabla/losses/loss.hpp>
#include <nabla/losses/mean_squared_error.hpp>
#include <nabla/losses/squared_error.hpp>

#include <nabla/network/backward.hpp>
#include <nabla/network/forward.hpp>
#include <nabla/network/gradient.hpp>
#include <nabla/network/loss_value.hpp>
#include <nabla/network/network.hpp>
#include <nabla/network/parameters.hpp>

#include <nabla/training/adam.hpp>
#include <nabla/training/initialize.hpp>
#include <nabla/training/momentum.hpp>
#include <nabla/training/optimizer.hpp>
#include <nabla/training/sample.hpp>
#include <nabla/training/schedule.hpp>
#include <nabla/training/sgd.hpp>
#include <nabla/training/stop_when.hpp>
#include <nabla/training/train.hpp>

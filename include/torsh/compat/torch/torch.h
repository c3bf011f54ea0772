#pragma once
// libtorch compatibility: `#include <torch/torch.h>` resolves here when include/torsh/compat is
// on the include path, and `torch::` names the torsh API.
#include "torsh/torsh.h"

namespace torch = torsh;

// libtorch's macro names for the module and option helpers.
#define TORCH_MODULE(Name) TORSH_MODULE(Name)
#define TORCH_MODULE_IMPL(Name, Impl) TORSH_MODULE_IMPL(Name, Impl)
#define TORCH_ARG(T, name) TORSH_ARG(T, name)
namespace at = torsh;

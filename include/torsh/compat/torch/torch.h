#pragma once
// libtorch compatibility: `#include <torch/torch.h>` resolves here when include/torsh/compat is
// on the include path, and `torch::` names the torsh API.
#include "torsh/torsh.h"

namespace torch = torsh;
namespace at = torsh;

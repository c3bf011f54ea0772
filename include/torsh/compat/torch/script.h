#pragma once
// libtorch programs that include <torch/script.h> out of habit: torsh has no TorchScript, the rest
// of the API is torch.h's.
#include "torch/torch.h"

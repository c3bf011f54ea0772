#pragma once
// torsh: the umbrella header.
#include "torsh/core/device.h"
#include "torsh/core/dtype.h"
#include "torsh/core/error.h"
#include "torsh/core/generator.h"
#include "torsh/core/options.h"
#include "torsh/core/scalar.h"
#include "torsh/core/tensor.h"
#include "torsh/core/threads.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

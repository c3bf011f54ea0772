#pragma once
// torsh::nn, libtorch's C++ frontend: modules, functional, init.
#include "torsh/nn/activation.h"
#include "torsh/nn/containers.h"
#include "torsh/nn/functional.h"
#include "torsh/nn/init.h"
#include "torsh/nn/module.h"
#include "torsh/nn/modules.h"
#include "torsh/nn/options.h"
#include "torsh/nn/resample.h"
#include "torsh/nn/rnn.h"
#include "torsh/nn/transformer.h"
#include "torsh/nn/utils.h"

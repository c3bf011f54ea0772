#pragma once
// A thread's own default generator: what a worker process has in torch, for torsh's DataLoader
// worker threads (torch.manual_seed, torch.rand and friends in a worker then use and seed the
// worker's stream, never the main one).
#include <optional>

#include "torsh/core/generator.h"

namespace torsh {

/// Makes default_generator() return `g` on the calling thread; nullopt restores the
/// process-wide generator.
void set_thread_default_generator(std::optional<Generator> g);

}  // namespace torsh

#pragma once
// Hooks into the backward engine beyond per-tensor hooks.
#include <functional>

namespace torsh::autograd {

/// Runs fn once the backward pass running on this thread has finished (after every gradient
/// has been accumulated), as torch's Variable._execution_engine.queue_callback. Callbacks run
/// in the order queued; one may queue more. Throws torsh::Error outside a backward pass.
void queue_callback(std::function<void()> fn);

}  // namespace torsh::autograd

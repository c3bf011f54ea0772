#pragma once
// Grad mode: whether ops record autograd history on this thread (torch.no_grad and friends).

namespace torsh {

/// The thread-local switch read by every differentiable op.
struct GradMode {
  static bool is_enabled();
  static void set_enabled(bool enabled);
};

/// Sets grad mode for a scope and restores the previous one (torch::AutoGradMode).
class AutoGradMode {
 public:
  explicit AutoGradMode(bool enabled) : prev_(GradMode::is_enabled()) {
    GradMode::set_enabled(enabled);
  }
  ~AutoGradMode() { GradMode::set_enabled(prev_); }
  AutoGradMode(const AutoGradMode&) = delete;
  AutoGradMode& operator=(const AutoGradMode&) = delete;

 private:
  bool prev_;
};

/// Disables gradient recording in a scope (torch::NoGradGuard).
class NoGradGuard : public AutoGradMode {
 public:
  NoGradGuard() : AutoGradMode(false) {}
};

/// Inference mode for a scope (c10::InferenceMode): no recording, and every tensor whose storage
/// is allocated inside is an inference tensor (is_inference()): outside inference mode it cannot
/// be written in place, saved for backward or made to require grad, as in torch.
class InferenceMode {
 public:
  explicit InferenceMode(bool enabled = true) : grad_(!enabled), prev_(is_enabled()) {
    set_enabled(enabled);
  }
  ~InferenceMode() { set_enabled(prev_); }
  InferenceMode(const InferenceMode&) = delete;
  InferenceMode& operator=(const InferenceMode&) = delete;
  /// Whether inference mode is on for this thread.
  static bool is_enabled();
  /// Sets this thread's flag alone (grad mode unchanged); the Python binding's switch.
  static void set_enabled(bool enabled);

 private:
  AutoGradMode grad_;
  bool prev_;
};

namespace detail {

/// Op implementations in progress on this thread. Only the outermost in-place call bumps a
/// version counter: writes an op's implementation makes (filling the output it allocated, ...)
/// are not the user's in-place ops, so fresh outputs start at version 0, as in torch.
struct OpDepth {
  static int get();
  static void enter();
  static void leave();
};

/// Marks a scope as an op's implementation.
class OpScope {
 public:
  OpScope() { OpDepth::enter(); }
  ~OpScope() { OpDepth::leave(); }
  OpScope(const OpScope&) = delete;
  OpScope& operator=(const OpScope&) = delete;
};

/// What a differentiable op's implementation runs under: grad mode off, inside an op.
class OpGuard {
 public:
  OpGuard() : grad_(false) {}

 private:
  AutoGradMode grad_;
  OpScope scope_;
};

}  // namespace detail

}  // namespace torsh

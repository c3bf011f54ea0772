#pragma once
// Warnings: messages that do not stop an op (torch's TORCH_WARN). They go to stderr unless a
// handler is set; the Python module routes them to warnings.warn as UserWarning.
#include <string>

namespace torsh {

/// Receives every warning; it may throw (Python's warnings-as-errors), which the op propagates.
using WarningHandler = void (*)(const std::string& message);
/// Sets the handler (nullptr: back to stderr).
void set_warning_handler(WarningHandler handler);
/// Emits a warning through the handler.
void warn(const std::string& message);

}  // namespace torsh

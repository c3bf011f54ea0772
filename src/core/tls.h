#pragma once
// TORSH_TLS_FAST: the initial-exec TLS model for small, trivially destructible thread_locals on
// per-op paths. In the Python module (a shared object) the default model calls __tls_get_addr on
// every access; initial-exec reads the variable at a fixed offset from the thread pointer. Keep
// such variables few and small: they use the static TLS surplus glibc reserves for dlopen.
#if defined(__GNUC__)
#define TORSH_TLS_FAST __attribute__((tls_model("initial-exec")))
#else
#define TORSH_TLS_FAST
#endif

// Functor kernels are called by id and looked up per device: the CPU's are registered, a device
// without kernels raises torch's error, and a backend's registration is what the ops then run.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>

#include "ops/functors/kernels.h"
#include "torsh/torsh.h"

using namespace torsh;
using detail::KernelId;

namespace {
std::atomic<int> g_calls{0};
void counting_kernel(const detail::TensorIter&, const detail::KernelArgs&) { ++g_calls; }
}  // namespace

TEST(KernelRegistry, CpuKernelsAreRegistered) {
  EXPECT_NE(detail::kernel_for(KernelId::Unary_Exp, kCPU, "exp"), nullptr);
  EXPECT_NE(detail::kernel_for(KernelId::Binary_Add, kCPU, "add"), nullptr);
}

TEST(KernelRegistry, MissingDeviceRaisesTorchsError) {
  try {
    detail::kernel_for(KernelId::Unary_Exp, kCUDA, "exp");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "Could not run 'aten::exp' with arguments from the 'CUDA' backend.");
  }
}

TEST(KernelRegistry, OpsRunTheRegisteredKernel) {
  // Swap the CPU exp kernel for a counting one, run exp, and restore it.
  detail::KernelFn cpu = detail::kernel_for(KernelId::Unary_Exp, kCPU, "exp");
  detail::register_kernel(KernelId::Unary_Exp, kCPU, counting_kernel);
  g_calls = 0;
  Tensor x = torsh::ones({4});
  (void)x.exp();
  detail::register_kernel(KernelId::Unary_Exp, kCPU, cpu);
  EXPECT_EQ(g_calls.load(), 1);
  EXPECT_FLOAT_EQ(x.exp().sum().item<float>(), 4 * std::exp(1.0f));
}

// The CPU backend's kernels, registered in one place: every slot of ops/stubs.h and every
// functor kernel of the op table (kernel_for). A new backend writes its own register function
// and adds it to ensure_kernels_registered (ops/stubs.cpp).
#include "ops/cpu/kernels.h"
#include "ops/functors/kernels.h"
#include "ops/stubs_cumulative.h"
#include "ops/stubs_grid.h"
#include "ops/stubs_nn.h"
#include "ops/stubs_sort.h"
#include "ops/stubs_stats.h"
#include "ops/stubs_unique.h"

namespace torsh::detail {

void register_cpu_kernels() {
#define TORSH_REGISTER(runner, Op) \
  register_kernel(KernelId::runner##_##Op, kCPU, &kernels::runner##_##Op);
  TORSH_FOR_EACH_KERNEL(TORSH_REGISTER)
#undef TORSH_REGISTER
  cpu::register_complex_kernels();

  sum_stub.set(kCPU, &cpu::sum_kernel);
  prod_stub.set(kCPU, &cpu::prod_kernel);
  mean_stub.set(kCPU, &cpu::mean_kernel);
  any_stub.set(kCPU, &cpu::any_kernel);
  all_stub.set(kCPU, &cpu::all_kernel);
  max_all_stub.set(kCPU, &cpu::max_all_kernel);
  min_all_stub.set(kCPU, &cpu::min_all_kernel);
  argmax_stub.set(kCPU, &cpu::argmax_kernel);
  argmin_stub.set(kCPU, &cpu::argmin_kernel);
  cpu::register_stats_kernels();
  cpu::register_cumulative_kernels();
  cpu::register_sort_kernels();
  cpu::register_unique_kernels();
  cpu::register_nn_kernels();
  cpu::register_grid_sample_kernels();

  copy_stub.set(kCPU, &cpu::copy_kernel);
  fill_stub.set(kCPU, &cpu::fill_kernel);
  cat_stub.set(kCPU, &cpu::cat_kernel);
  tri_stub.set(kCPU, &cpu::tri_kernel);

  addcmul_stub.set(kCPU, &cpu::addcmul_kernel);
  addcdiv_stub.set(kCPU, &cpu::addcdiv_kernel);
  allclose_stub.set(kCPU, &cpu::allclose_kernel);

  index_stub.set(kCPU, &cpu::index_kernel);
  index_select_stub.set(kCPU, &cpu::index_select_kernel);
  index_put_stub.set(kCPU, &cpu::index_put_kernel);
  nonzero_stub.set(kCPU, &cpu::nonzero_kernel);

  gather_stub.set(kCPU, &cpu::gather_kernel);
  scatter_stub.set(kCPU, &cpu::scatter_kernel);
  scatter_fill_stub.set(kCPU, &cpu::scatter_fill_kernel);
  index_add_stub.set(kCPU, &cpu::index_add_kernel);

  mm_stub.set(kCPU, &cpu::mm_kernel);
  addmm_stub.set(kCPU, &cpu::addmm_kernel);

  arange_stub.set(kCPU, &cpu::arange_kernel);
  linspace_stub.set(kCPU, &cpu::linspace_kernel);

  uniform_stub.set(kCPU, &cpu::uniform_kernel);
  normal_stub.set(kCPU, &cpu::normal_kernel);
  bernoulli_stub.set(kCPU, &cpu::bernoulli_kernel);
  distribution_stub.set(kCPU, &cpu::distribution_kernel);
  bernoulli_tensor_stub.set(kCPU, &cpu::bernoulli_tensor_kernel);
  random_range_stub.set(kCPU, &cpu::random_range_kernel);
  randperm_stub.set(kCPU, &cpu::randperm_kernel);
}

}  // namespace torsh::detail

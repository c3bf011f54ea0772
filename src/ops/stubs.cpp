// The kernel slots (ops/stubs.h), the registration of every backend, and the lookup errors.
#include "ops/stubs.h"

#include <cctype>
#include <string>

namespace torsh::detail {

KernelStub<ReduceKernel> sum_stub, prod_stub, any_stub, all_stub, max_all_stub, min_all_stub,
    argmax_stub, argmin_stub;
KernelStub<MeanKernel> mean_stub;
KernelStub<CopyKernel> copy_stub;
KernelStub<FillKernel> fill_stub;
KernelStub<CatKernel> cat_stub;
KernelStub<TriKernel> tri_stub;
KernelStub<AddcKernel> addcmul_stub, addcdiv_stub;
KernelStub<AllcloseKernel> allclose_stub;
KernelStub<IndexKernel> index_stub;
KernelStub<IndexSelectKernel> index_select_stub;
KernelStub<IndexPutKernel> index_put_stub;
KernelStub<NonzeroKernel> nonzero_stub;
KernelStub<GatherKernel> gather_stub;
KernelStub<ScatterKernel> scatter_stub;
KernelStub<ScatterFillKernel> scatter_fill_stub;
KernelStub<IndexAddKernel> index_add_stub;
KernelStub<MmKernel> mm_stub;
KernelStub<AddmmKernel> addmm_stub;
KernelStub<ArangeKernel> arange_stub;
KernelStub<LinspaceKernel> linspace_stub;
KernelStub<UniformKernel> uniform_stub;
KernelStub<NormalKernel> normal_stub;
KernelStub<BernoulliKernel> bernoulli_stub;
KernelStub<DistributionKernel> distribution_stub;
KernelStub<BernoulliTensorKernel> bernoulli_tensor_stub;
KernelStub<RandomRangeKernel> random_range_stub;
KernelStub<RandpermKernel> randperm_stub;

void register_cpu_kernels();  // cpu/register.cpp

void ensure_kernels_registered() {
  static const bool done = (register_cpu_kernels(), true);
  (void)done;
}

int kernel_slot(DeviceType d) {
  const int i = static_cast<int>(d);
  TORSH_CHECK(i >= 0 && i < kKernelDevices, "register_kernel(): no kernel slots for device '",
              device_type_name(d), "'");
  return i;
}

void throw_no_kernel(const char* op, DeviceType d) {
  std::string backend = device_type_name(d);
  for (char& c : backend) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  throw Error("Could not run 'aten::" + std::string(op) + "' with arguments from the '" + backend +
              "' backend.");
}

}  // namespace torsh::detail

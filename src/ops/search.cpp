// searchsorted and bucketize: torch's checks (in its order and words), the common dtype of the
// boundaries and the values, contiguous copies for the kernel (ops/stubs_sort.h's search_stub).
#include <string>

#include "ops/stubs_sort.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

namespace {
std::string sizes_str(const Tensor& t) {
  std::string s = "[";
  for (int64_t d = 0; d < t.dim(); ++d) s += (d ? ", " : "") + std::to_string(t.sizes()[d]);
  return s + "]";
}

bool leading_dims_match(const Tensor& boundaries, const Tensor& input) {
  if (boundaries.dim() != input.dim()) return false;
  for (int64_t d = 0; d + 1 < input.dim(); ++d) {
    if (boundaries.sizes()[d] != input.sizes()[d]) return false;
  }
  return true;
}

void search_out(Tensor& out, const Tensor& boundaries, const Tensor& input, bool out_int32,
                bool right, std::optional<std::string_view> side,
                const std::optional<Tensor>& sorter_opt) {
  if (side) {
    TORSH_CHECK(*side == "left" || *side == "right",
                "torch.searchsorted(): side can only be 'left' or 'right' but got ", *side);
    TORSH_CHECK(!right || *side == "right",
                "torch.searchsorted(): side and right can't be set to opposites, got side of ",
                *side, " while right was True");
    right = *side == "right";
  }
  Tensor sorter = sorter_opt ? *sorter_opt : Tensor();
  if (sorter.defined()) {
    TORSH_CHECK(sorter.sizes().vec() == boundaries.sizes().vec(),
                "torch.searchsorted(): boundary and sorter must have the same size, but got "
                "boundary tensor ",
                sizes_str(boundaries), "and got sorter tensor ", sizes_str(sorter));
    TORSH_CHECK(sorter.dtype() == kLong,
                "torch.searchsorted(): sorter must be a tensor of long dtype but got dtype ",
                scalar_type_name(sorter.dtype()));
  }
  TORSH_CHECK(input.dim() > 0 || boundaries.dim() == 1,
              "torch.searchsorted(): input value can be a scalar only when boundaries tensor "
              "dimension is 1, but we got boundaries tensor dim(",
              boundaries.dim(), ") and input value's dim(", input.dim(), ") numel(", input.numel(),
              ")");
  TORSH_CHECK(boundaries.dim() != 0,
              "torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
              "dimension");
  TORSH_CHECK(boundaries.dim() == 1 || leading_dims_match(boundaries, input),
              "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
              "dimensions of boundaries tensor and input value tensor must match, but we got "
              "boundaries tensor ",
              sizes_str(boundaries), " and input value tensor ", sizes_str(input));
  const ScalarType odt = out_int32 ? kInt : kLong;
  if (out.defined()) {
    TORSH_CHECK(out.dtype() == odt,
                "torch.searchsorted(): output tensor's dtype is wrong, it can only be Int(int32) "
                "or Long(int64) depending on whether out_int32 flag is True, but we got output "
                "tensor's dtype ",
                scalar_type_name(out.dtype()), " and out_int32 flag is ",
                out_int32 ? "True" : "False");
    out.resize_(input.sizes());
  } else {
    out = torsh::empty(input.sizes(), TensorOptions().dtype(odt));
  }
  if (input.numel() == 0) return;
  const ScalarType common = torsh::result_type(boundaries, input);
  TORSH_CHECK(common != kBool, "\"searchsorted_out_cpu\" not implemented for 'Bool'");
  // torch 1.13 reads past the boundaries for an out-of-range sorter; torsh refuses it.
  if (sorter.defined() && sorter.numel() > 0) {
    auto [lo, hi] = torsh::aminmax(sorter);
    TORSH_CHECK(lo.item<int64_t>() >= 0 && hi.item<int64_t>() < sorter.sizes().back(),
                "torch.searchsorted(): sorter index out of range");
  }
  Tensor in = input.to(common).contiguous();
  Tensor bd = boundaries.to(common).contiguous();
  Tensor so = sorter.defined() ? sorter.contiguous() : Tensor();
  Tensor res = out.is_contiguous() ? out : torsh::empty(input.sizes(), TensorOptions().dtype(odt));
  detail::search_stub(input.device().type, "searchsorted")(res, in, bd, so, right);
  if (!res.is_same(out)) out.copy_(res);
}
}  // namespace

void searchsorted_out(Tensor& out, const Tensor& sorted_sequence, const Tensor& self,
                      bool out_int32, bool right, std::optional<std::string_view> side,
                      const std::optional<Tensor>& sorter) {
  search_out(out, sorted_sequence, self, out_int32, right, side, sorter);
}
void searchsorted_out(Tensor& out, const Tensor& sorted_sequence, const Scalar& self,
                      bool out_int32, bool right, std::optional<std::string_view> side,
                      const std::optional<Tensor>& sorter) {
  search_out(out, sorted_sequence, detail::wrap_scalar(self), out_int32, right, side, sorter);
}
void bucketize_out(Tensor& out, const Tensor& self, const Tensor& boundaries, bool out_int32,
                   bool right) {
  TORSH_CHECK(boundaries.dim() == 1, "boundaries tensor must be 1 dimension, but got dim(",
              boundaries.dim(), ")");
  search_out(out, boundaries, self, out_int32, right, std::nullopt, std::nullopt);
}
void bucketize_out(Tensor& out, const Scalar& self, const Tensor& boundaries, bool out_int32,
                   bool right) {
  TORSH_CHECK(boundaries.dim() == 1, "boundaries tensor must be 1 dimension, but got dim(",
              boundaries.dim(), ")");
  search_out(out, boundaries, detail::wrap_scalar(self), out_int32, right, std::nullopt,
             std::nullopt);
}

}  // namespace torsh::native

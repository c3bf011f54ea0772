// Subscripts (Python's t[...] and libtorch's t.index({...})): basic entries give a view first
// (ints select, as torch), then all tensor entries go to one index / index_put_ call, which
// places the broadcast index dims.
#include "ops/scalar_check.h"
#include "torsh/core/grad_mode.h"
#include "torsh/core/indexing.h"
#include "torsh/generated/functions.h"

namespace torsh::indexing {

namespace {
bool is_mask(const Tensor& t) { return t.dtype() == kBool || t.dtype() == kByte; }
}  // namespace

Subscript apply_subscript(const Tensor& self, const std::vector<TensorIndex>& items) {
  using K = TensorIndex::Kind;
  int64_t consumed = 0;  // dims the entries other than ellipses take
  for (const auto& it : items) {
    switch (it.kind()) {
      case K::kTensor:
        consumed += is_mask(it.tensor()) ? it.tensor().dim() : 1;
        break;
      case K::kInteger:
      case K::kSlice:
        ++consumed;
        break;
      default:
        break;
    }
  }
  TORSH_CHECK_INDEX(consumed <= self.dim(), "too many indices for tensor of dimension ",
                    self.dim());
  Subscript p;
  Tensor r = self;
  int64_t dim = 0;
  auto whole = [&](int64_t n) {
    for (int64_t k = 0; k < n; ++k) p.indices.emplace_back(std::nullopt);
    dim += n;
  };
  // torch's error names the entry's position in the subscript as the dimension
  auto select = [&](int64_t index, int64_t position) {
    const int64_t size = r.size(dim);
    TORSH_CHECK_INDEX(index >= -size && index < size, "index ", index,
                      " is out of bounds for dimension ", position, " with size ", size);
    r = r.select(dim, index);
  };
  int64_t entry_dim = -1;
  for (const auto& it : items) {
    ++entry_dim;
    switch (it.kind()) {
      case K::kTensor: {
        Tensor t = it.tensor();
        if (t.dim() == 0 && is_integral(t.dtype(), false) && t.dtype() != kByte) {
          select(t.item().to_long(), entry_dim);  // a 0-dim integer index acts as an int
          break;
        }
        const bool mask = is_mask(t);
        if (mask && t.dim() == 0) {
          // A 0-dim mask adds a dim of size 1 that is kept (true) or emptied (false).
          r = r.unsqueeze(dim);
          t = t.item().to_bool() ? zeros({1}, kLong) : empty({0}, kLong);
          p.indices.emplace_back(t);
          ++dim;
        } else {
          p.indices.emplace_back(t);
          dim += mask ? t.dim() : 1;
        }
        p.advanced = true;
        break;
      }
      case K::kEllipsis:  // torch accepts several, each taking the dims left over
        whole(self.dim() - consumed);
        break;
      case K::kInteger:
        select(it.integer(), entry_dim);
        break;
      case K::kSlice: {
        const Slice& s = it.slice();
        TORSH_CHECK_VALUE(s.step > 0, "step must be greater than zero");
        r = slice(r, dim, s.start, s.stop, s.step);
        whole(1);
        break;
      }
      case K::kNone:
        r = r.unsqueeze(dim);
        whole(1);
        break;
      case K::kBoolean:
        // As torch: a new dim of size 1 indexed by [0] (true) or [] (false), an advanced index
        // that broadcasts with the other tensor entries (x[False, True] has one new dim).
        r = r.unsqueeze(dim);
        p.indices.emplace_back(it.boolean() ? zeros({1}, kLong) : empty({0}, kLong));
        ++dim;
        p.advanced = true;
        break;
    }
  }
  // As torch, the index tensors' dtypes are checked after the basic entries (a bad slice step
  // is reported first).
  for (const auto& t : p.indices) {
    TORSH_CHECK_INDEX(!t || is_mask(*t) || t->dtype() == kLong,
                      "tensors used as indices must be long, byte or bool tensors");
  }
  // Whole dims after the last index tensor are not indices (several ellipses may add them).
  while (!p.indices.empty() && !p.indices.back()) p.indices.pop_back();
  p.view = r;
  return p;
}

namespace {
// The value without its leading size-1 dims (torch drops them before broadcasting).
Tensor strip_leading_ones(Tensor v) {
  while (v.dim() > 0 && v.sizes()[0] == 1) v = v.squeeze(0);
  return v;
}

// torch's copy_to for basic subscripts: a copy when the shapes match; a fill for a 0-dim value
// (its value converted with the overflow check, and no check of the destination for internal
// overlap); else a broadcast copy of the value without its leading size-1 dims.
void copy_to(const Tensor& dst, const Tensor& value) {
  if (dst.sizes().equals(value.sizes())) {
    dst._assign_(value);
  } else if (value.dim() == 0 && !(GradMode::is_enabled() && value.requires_grad())) {
    const Scalar v = value.item();
    detail::check_scalar_fits(v, dst.dtype());
    dst._assign_(v);
  } else {
    dst._assign_(strip_leading_ones(value));
  }
}
}  // namespace

void assign_subscript(const Tensor& self, const std::vector<TensorIndex>& items,
                      const Tensor& value) {
  if (items.size() == 1 && items[0].kind() == TensorIndex::Kind::kBoolean) {
    // A lone bool is basic indexing in torch's setitem: a new dim of size 1, written (true) or
    // left alone (false), with the value converted to self's dtype.
    if (items[0].boolean()) copy_to(self.unsqueeze(0), value);
    return;
  }
  Subscript p = apply_subscript(self, items);
  if (!p.advanced) {
    copy_to(p.view, value);
    return;
  }
  p.view.index_put_(p.indices, strip_leading_ones(value));
}

void assign_subscript(const Tensor& self, const std::vector<TensorIndex>& items,
                      const Scalar& value) {
  Subscript p = apply_subscript(self, items);
  if (!p.advanced) {
    p.view._assign_(value);
    return;
  }
  p.view.index_put_(p.indices, full({}, value, self.dtype()));
}

}  // namespace torsh::indexing

namespace torsh {

Tensor Tensor::index(const std::vector<indexing::TensorIndex>& items) const {
  indexing::Subscript p = indexing::apply_subscript(*this, items);
  return p.advanced ? torsh::index(p.view, p.indices) : p.view;
}
Tensor Tensor::index(std::initializer_list<indexing::TensorIndex> items) const {
  return index(std::vector<indexing::TensorIndex>(items));
}
const Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> items,
                                 const Tensor& value) const {
  indexing::assign_subscript(*this, std::vector<indexing::TensorIndex>(items), value);
  return *this;
}
const Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> items,
                                 const Scalar& value) const {
  indexing::assign_subscript(*this, std::vector<indexing::TensorIndex>(items), value);
  return *this;
}

}  // namespace torsh

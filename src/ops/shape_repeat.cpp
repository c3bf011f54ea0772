// Repeating and stacking: repeat (one copy from an expanded view), tile, repeat_interleave,
// the *stack family, atleast_nd, meshgrid, cartesian_prod, combinations, block_diag.
// Composites call the differentiable torsh:: ops.
#include <algorithm>
#include <limits>
#include <vector>

#include "ops/shape.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

namespace {
using detail::shape_str;
using detail::wrap_dim;
using detail_shape::assign_out;

Tensor long_tensor(const std::vector<int64_t>& v) { return torsh::tensor(v, TensorOptions(kLong)); }
}  // namespace

Tensor repeat(const Tensor& self, IntArrayRef repeats) {
  const int64_t n = static_cast<int64_t>(repeats.size());
  TORSH_CHECK(n >= self.dim(),
              "Number of dimensions of repeat dims can not be smaller than number of dimensions "
              "of tensor");
  std::vector<int64_t> padded(static_cast<size_t>(n - self.dim()), 1);
  padded.insert(padded.end(), self.sizes().begin(), self.sizes().end());
  std::vector<int64_t> shape, inter, expanded;
  for (int64_t i = 0; i < n; ++i) {
    int64_t size = 0;
    TORSH_CHECK(!__builtin_mul_overflow(padded[i], repeats[i], &size),
                "repeat(): size overflows int64 (", padded[i], " * ", repeats[i], ")");
    shape.push_back(size);
    inter.push_back(1);
    inter.push_back(padded[i]);
    expanded.push_back(repeats[i]);
    expanded.push_back(padded[i]);
  }
  // torch checks the result's sizes, not the counts: a negative count of an empty dim is 0.
  for (int64_t size : shape) {
    TORSH_CHECK(size >= 0, "Trying to create tensor with negative dimension ", size, ": ",
                shape_str(shape));
  }
  Tensor out = torsh::empty(shape, self.dtype());
  if (out.numel() == 0) return out;
  // out viewed as [r0, s0, r1, s1, ...] takes self expanded along the r dims: one copy.
  out.view(expanded).copy_(self.reshape(inter).expand(expanded));
  return out;
}

Tensor tile(const Tensor& self, IntArrayRef dims) {
  std::vector<int64_t> reps(dims.begin(), dims.end());
  if (static_cast<int64_t>(reps.size()) < self.dim())
    reps.insert(reps.begin(), static_cast<size_t>(self.dim()) - reps.size(), 1);
  return self.repeat(reps);
}

Tensor repeat_interleave(const Tensor& repeats, std::optional<int64_t> output_size) {
  // torch 1.13's checks in its order: the index dtypes, one dim, an empty repeats returns
  // before output_size is looked at, negative counts only without output_size, then the total.
  TORSH_CHECK(repeats.dtype() == kLong || repeats.dtype() == kInt,
              "\"repeat_interleave_cpu\" not implemented for '", scalar_type_name(repeats.dtype()),
              "'");
  TORSH_CHECK(repeats.dim() == 1, "repeat_interleave only accept 1D vector as repeat");
  if (repeats.numel() == 0) return torsh::empty({0}, TensorOptions(repeats.dtype()));
  Tensor r = repeats.to(kLong).contiguous();
  const int64_t* p = static_cast<const int64_t*>(r.data_ptr());
  const int64_t n = r.numel();
  int64_t total = 0;
  bool negative = false, overflow = false;
  for (int64_t i = 0; i < n; ++i) {
    negative |= p[i] < 0;
    overflow |= __builtin_add_overflow(total, p[i], &total);
  }
  TORSH_CHECK(output_size || !negative, "repeats can not be negative");
  TORSH_CHECK(!overflow, "repeat_interleave(): the total of repeats overflows int64");
  const int64_t size = output_size ? *output_size : total;
  TORSH_CHECK(size >= 0, "Trying to create tensor with negative dimension ", size, ": [", size,
              "]");
  Tensor out = torsh::empty({size}, TensorOptions(kLong));
  TORSH_CHECK(size == total && !negative, "allocated size does not match required size");
  int64_t* o = static_cast<int64_t*>(out.data_ptr());
  for (int64_t i = 0, at = 0; i < n; ++i) {
    std::fill(o + at, o + at + p[i], i);
    at += p[i];
  }
  return out.to(repeats.dtype());
}

Tensor repeat_interleave(const Tensor& self, const Tensor& repeats, std::optional<int64_t> dim,
                         std::optional<int64_t> output_size) {
  Tensor input = dim ? self : self.reshape({-1});
  // torch reads input.size(dim): no wrapping of a 0-dim input, and only where repeats is used.
  auto size_along = [&]() {
    TORSH_CHECK_INDEX(input.dim() > 0, "Dimension specified as ", *dim,
                      " but tensor has no dimensions");
    return input.sizes()[wrap_dim(*dim, input.dim(), "repeat_interleave")];
  };
  const int64_t d = dim ? *dim : 0;
  Tensor reps = repeats;
  if (reps.dim() == 0 || (reps.dim() == 1 && reps.sizes()[0] == 1)) {
    reps = reps.reshape({1}).expand({dim ? size_along() : input.sizes()[0]});
  } else if (reps.dim() == 1) {
    TORSH_CHECK(reps.sizes()[0] == (dim ? size_along() : input.sizes()[0]),
                "repeats must have the same size as input along dim");
  } else {
    TORSH_CHECK(false, "repeats must be 0-dim or 1-dim tensor");
  }
  Tensor idx = torsh::repeat_interleave(reps, output_size);
  return torsh::index_select(input, d, idx.to(kLong));
}

Tensor repeat_interleave(const Tensor& self, int64_t repeats, std::optional<int64_t> dim,
                         std::optional<int64_t> output_size) {
  return native::repeat_interleave(self, long_tensor({repeats}).reshape({}), dim, output_size);
}

Tensor atleast_1d(const Tensor& self) { return self.dim() == 0 ? self.reshape({1}) : self; }
Tensor atleast_2d(const Tensor& self) {
  if (self.dim() == 0) return self.reshape({1, 1});
  return self.dim() == 1 ? self.unsqueeze(0) : self;
}
Tensor atleast_3d(const Tensor& self) {
  if (self.dim() == 0) return self.reshape({1, 1, 1});
  if (self.dim() == 1) return self.unsqueeze(0).unsqueeze(-1);
  return self.dim() == 2 ? self.unsqueeze(-1) : self;
}

namespace {
std::vector<Tensor> each(TensorList ts, Tensor (*f)(const Tensor&)) {
  std::vector<Tensor> out;
  for (const Tensor& t : ts) out.push_back(f(t));
  return out;
}
}  // namespace

std::vector<Tensor> atleast_1d(TensorList tensors) { return each(tensors, &torsh::atleast_1d); }
std::vector<Tensor> atleast_2d(TensorList tensors) { return each(tensors, &torsh::atleast_2d); }
std::vector<Tensor> atleast_3d(TensorList tensors) { return each(tensors, &torsh::atleast_3d); }

void concat_out(Tensor& out, TensorList tensors, int64_t dim) {
  assign_out(out, torsh::cat(tensors, dim), "cat");
}

void hstack_out(Tensor& out, TensorList tensors) {
  TORSH_CHECK(!tensors.empty(), "hstack expects a non-empty TensorList");
  auto rep = each(tensors, &torsh::atleast_1d);
  assign_out(out, torsh::cat(rep, rep[0].dim() == 1 ? 0 : 1), "hstack");
}

void vstack_out(Tensor& out, TensorList tensors) {
  TORSH_CHECK(!tensors.empty(), "vstack expects a non-empty TensorList");
  assign_out(out, torsh::cat(each(tensors, &torsh::atleast_2d), 0), "vstack");
}

void dstack_out(Tensor& out, TensorList tensors) {
  TORSH_CHECK(!tensors.empty(), "dstack expects a non-empty TensorList");
  assign_out(out, torsh::cat(each(tensors, &torsh::atleast_3d), 2), "dstack");
}

void column_stack_out(Tensor& out, TensorList tensors) {
  TORSH_CHECK(!tensors.empty(), "column_stack expects a non-empty TensorList");
  std::vector<Tensor> cols;
  for (const Tensor& t : tensors) cols.push_back(t.dim() <= 1 ? t.reshape({t.numel(), 1}) : t);
  assign_out(out, torsh::cat(cols, 1), "column_stack");
}

std::vector<Tensor> meshgrid(TensorList tensors, std::string_view indexing) {
  TORSH_CHECK(!tensors.empty(), "meshgrid expects a non-empty TensorList");
  for (size_t i = 0; i + 1 < tensors.size(); ++i) {
    TORSH_CHECK(tensors[i].dtype() == tensors[i + 1].dtype(),
                "torch.meshgrid: Expected all tensors in the tensor list to have the same dtype");
  }
  for (const Tensor& t : tensors) {
    TORSH_CHECK(t.dim() <= 1,
                "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ", t);
  }
  TORSH_CHECK(indexing == "ij" || indexing == "xy",
              "torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: ", indexing);
  std::vector<Tensor> ins(tensors.begin(), tensors.end());
  const bool xy = indexing == "xy" && ins.size() >= 2;  // the "ij" grids, first two dims swapped
  std::vector<int64_t> shape;
  for (const Tensor& t : ins) shape.push_back(t.numel());
  std::vector<Tensor> out;
  for (size_t i = 0; i < ins.size(); ++i) {
    std::vector<int64_t> view(ins.size(), 1);
    view[i] = -1;
    out.push_back(ins[i].view(view).expand(shape));
  }
  if (xy) {
    for (auto& g : out) g = g.transpose(0, 1);
  }
  return out;
}

std::vector<Tensor> meshgrid(TensorList tensors) { return native::meshgrid(tensors, "ij"); }

Tensor cartesian_prod(TensorList tensors) {
  for (const Tensor& t : tensors) {
    TORSH_CHECK(t.dim() == 1, "Expect a 1D vector, but got shape ", shape_str(t.sizes()));
  }
  if (tensors.size() == 1) return tensors[0];
  auto grids = native::meshgrid(tensors, "ij");
  for (auto& g : grids) g = g.flatten();
  return torsh::stack(grids, 1);
}

Tensor combinations(const Tensor& self, int64_t r, bool with_replacement) {
  TORSH_CHECK(self.dim() == 1, "Expect a 1D vector, but got shape ", shape_str(self.sizes()));
  TORSH_CHECK(r >= 0, "Expect a non-negative number, but got ", r);
  if (r == 0) return torsh::empty({0}, self.dtype());
  const int64_t n = self.numel();
  // The count, C(n, r) or C(n + r - 1, r) with replacement, saturating at INT64_MAX (the index
  // buffer's allocation then fails with torch's size error instead of anything overflowing).
  using i128 = __int128;
  const i128 top = with_replacement ? i128(n) + r - 1 : i128(n);
  i128 count = r > top ? 0 : 1;
  for (i128 i = 0; count > 0 && i < std::min<i128>(r, top - r); ++i) {
    count = count * (top - i) / (i + 1);  // exact: a product of i + 1 consecutive integers
    if (count > std::numeric_limits<int64_t>::max()) count = std::numeric_limits<int64_t>::max();
  }
  Tensor idx = torsh::empty({static_cast<int64_t>(count), r}, TensorOptions(kLong));
  // Index tuples in lexicographic order, iteratively (no recursion r deep): strictly
  // increasing, or non-decreasing with replacement.
  if (count > 0) {
    int64_t* p = idx.data_ptr<int64_t>();
    std::vector<int64_t> c(static_cast<size_t>(r));
    for (int64_t k = 0; k < r; ++k) c[k] = with_replacement ? 0 : k;
    for (;;) {
      p = std::copy(c.begin(), c.end(), p);
      int64_t k = r - 1;
      while (k >= 0 && c[k] == (with_replacement ? n - 1 : n - r + k)) --k;
      if (k < 0) break;
      ++c[k];
      for (int64_t j = k + 1; j < r; ++j) c[j] = with_replacement ? c[k] : c[j - 1] + 1;
    }
  }
  return torsh::index_select(self, 0, idx.reshape({-1})).reshape({idx.sizes()[0], r});
}

Tensor block_diag(TensorList tensors) {
  if (tensors.empty()) return torsh::empty({1, 0});
  ScalarType dt = tensors[0].dtype();
  std::vector<Tensor> blocks;
  int64_t cols = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    TORSH_CHECK(t.dim() <= 2,
                "torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                "Input ",
                i, " has ", t.dim(), " dimensions");
    dt = promote_types(dt, t.dtype());
    blocks.push_back(t.dim() == 2 ? t : t.reshape({1, -1}));
    cols += blocks.back().sizes()[1];
  }
  std::vector<Tensor> rows;
  int64_t before = 0;
  for (const Tensor& b : blocks) {
    const int64_t h = b.sizes()[0], w = b.sizes()[1];
    rows.push_back(torsh::cat(
        {torsh::zeros({h, before}, dt), b.to(dt), torsh::zeros({h, cols - before - w}, dt)}, 1));
    before += w;
  }
  return torsh::cat(rows, 0);
}

}  // namespace torsh::native

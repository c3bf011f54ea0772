// Shape ops beyond the basic views: splits (views of self), flip and roll (copies), rot90,
// movedim, broadcasting helpers, unflatten. Composites call the differentiable torsh:: ops.
#include <algorithm>
#include <new>
#include <numeric>

#include "iter/tensor_iter.h"
#include "ops/restride.h"
#include "ops/shape.h"
#include "torsh/autograd/node.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh::native {

namespace {
using detail::shape_str;
using detail::wrap_dim;

std::string list_str(IntArrayRef v) { return shape_str(v); }

// The dim the h/v/dsplit family splits along, after its dimension check.
int64_t nsplit_dim(const Tensor& self, const char* op, int64_t min_dim, int64_t dim) {
  TORSH_CHECK(self.dim() >= min_dim, "torch.", op, " requires a tensor with at least ", min_dim,
              " dimension", min_dim > 1 ? "s" : "", ", but got a tensor with ", self.dim(),
              " dimensions!");
  return dim;
}

std::vector<Tensor> nsplit_sections(const Tensor& self, int64_t sections, int64_t dim,
                                    const char* op) {
  const int64_t n = self.sizes()[dim];
  TORSH_CHECK(sections != 0 && n % sections == 0, "torch.", op,
              " attempted to split along dimension ", dim, ", but the size of the dimension ", n,
              " is not divisible by the split_size ", sections, "!");
  return torsh::tensor_split(self, sections, dim);
}
}  // namespace

Tensor narrow_tensor(const Tensor& self, int64_t dim, const Tensor& start, int64_t length) {
  TORSH_CHECK(start.dim() == 0 && is_integral(start.dtype(), false),
              "start must be an 0-dim integral Tensor.");
  return torsh::narrow(self, dim, start.item().to_long(), length);
}

std::vector<Tensor> split(const Tensor& self, int64_t split_size, int64_t dim) {
  TORSH_CHECK(self.dim() != 0, "split expects at least a 1-dimensional tensor");
  TORSH_CHECK(split_size >= 0,
              "split expects split_size be non-negative, but got split_size=", split_size);
  const int64_t d = wrap_dim(dim, self.dim(), "split");
  const int64_t n = self.sizes()[d];
  TORSH_CHECK(split_size > 0 || n == 0,
              "split_size can only be 0 if dimension size is 0, but got dimension size of ", n);
  int64_t count = 1;
  if (split_size > 0) count = std::max<int64_t>((n + split_size - 1) / split_size, 1);
  std::vector<Tensor> out;
  out.reserve(static_cast<size_t>(count));
  {
    AutoGradMode guard(false);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t len = i == count - 1 ? n - split_size * (count - 1) : split_size;
      out.push_back(torsh::narrow(self, d, i * split_size, len));
    }
  }
  return autograd::attach_multi_view(
      self, std::move(out), "SplitBackward0",
      [d](const autograd::variable_list& g) { return torsh::cat(g, d); });
}

std::vector<Tensor> split_with_sizes(const Tensor& self, IntArrayRef split_sizes, int64_t dim) {
  TORSH_CHECK(self.dim() != 0, "split expects at least a 1-dimensional tensor");
  const int64_t d = wrap_dim(dim, self.dim(), "split_with_sizes");
  const int64_t n = self.sizes()[d];
  int64_t total = 0;
  for (int64_t s : split_sizes) {
    TORSH_CHECK(s >= 0,
                "split_with_sizes expects split_sizes have only non-negative entries, "
                "but got split_sizes=",
                list_str(split_sizes));
    total += s;
  }
  TORSH_CHECK(total == n, "split_with_sizes expects split_sizes to sum exactly to ", n,
              " (input tensor's size at dimension ", d,
              "), but got split_sizes=", list_str(split_sizes));
  std::vector<Tensor> out;
  {
    AutoGradMode guard(false);
    int64_t start = 0;
    for (int64_t s : split_sizes) {
      out.push_back(torsh::narrow(self, d, start, s));
      start += s;
    }
  }
  return autograd::attach_multi_view(
      self, std::move(out), "SplitWithSizesBackward0",
      [d](const autograd::variable_list& g) { return torsh::cat(g, d); });
}

std::vector<Tensor> chunk(const Tensor& self, int64_t chunks, int64_t dim) {
  TORSH_CHECK(self.dim() > 0, "chunk expects at least a 1-dimensional tensor");
  TORSH_CHECK(chunks > 0, "chunk expects `chunks` to be greater than 0, got: ", chunks);
  const int64_t d = wrap_dim(dim, self.dim(), "chunk");
  const int64_t n = self.sizes()[d];
  const int64_t split_size = (n + chunks - 1) / chunks;
  if (split_size == 0 && n == 0) {
    // As many empty chunks as asked for (split would give one); torch's size check first.
    TORSH_CHECK(static_cast<uint64_t>(chunks) <= std::vector<int64_t>().max_size(),
                "cannot create std::vector larger than max_size()");
    std::vector<int64_t> sizes(static_cast<size_t>(chunks), 0);
    return native::split_with_sizes(self, sizes, d);
  }
  return native::split(self, split_size, d);
}

std::vector<Tensor> unbind(const Tensor& self, int64_t dim) {
  const int64_t d = wrap_dim(dim, self.dim(), "unbind");
  TORSH_CHECK_INDEX(self.dim() > 0, "Dimension specified as 0 but tensor has no dimensions");
  std::vector<Tensor> out;
  {
    AutoGradMode guard(false);
    for (int64_t i = 0; i < self.sizes()[d]; ++i) out.push_back(torsh::select(self, d, i));
  }
  if (out.empty()) return out;
  return autograd::attach_multi_view(
      self, std::move(out), "UnbindBackward0",
      [d](const autograd::variable_list& g) { return torsh::stack(g, d); });
}

std::vector<Tensor> tensor_split(const Tensor& self, int64_t sections, int64_t dim) {
  TORSH_CHECK(self.dim() > 0,
              "tensor_split expected at least a 1-dimensional tensor, but got a tensor with ",
              self.dim(), " dims");
  const int64_t d = wrap_dim(dim, self.dim(), "tensor_split");
  TORSH_CHECK(sections > 0, "number of sections must be larger than 0, got ", sections);
  const int64_t n = self.sizes()[d];
  const int64_t base = n / sections, extra = n % sections;
  std::vector<Tensor> out;
  // All sections at once, as torch: a huge count fails in the allocator instead of looping.
  if (static_cast<uint64_t>(sections) > out.max_size()) throw std::bad_alloc();
  out.reserve(static_cast<size_t>(sections));
  int64_t start = 0;
  for (int64_t i = 0; i < sections; ++i) {
    const int64_t len = i < extra ? base + 1 : base;
    out.push_back(torsh::slice(self, d, start, start + len, 1));
    start += len;
  }
  return out;
}

std::vector<Tensor> tensor_split(const Tensor& self, IntArrayRef indices, int64_t dim) {
  TORSH_CHECK(self.dim() > 0,
              "tensor_split expected at least a 1-dimensional tensor, but got a tensor with ",
              self.dim(), " dims");
  const int64_t d = wrap_dim(dim, self.dim(), "tensor_split");
  std::vector<Tensor> out;
  int64_t start = 0;
  for (int64_t end : indices) {
    out.push_back(torsh::slice(self, d, start, end, 1));
    start = end;
  }
  out.push_back(torsh::slice(self, d, start, self.sizes()[d], 1));
  return out;
}

std::vector<Tensor> tensor_split(const Tensor& self, const Tensor& tensor_indices_or_sections,
                                 int64_t dim) {
  TORSH_CHECK(self.dim() > 0,
              "tensor_split expected at least a 1-dimensional tensor, but got a tensor with ",
              self.dim(), " dims");
  const Tensor& t = tensor_indices_or_sections;
  TORSH_CHECK(t.dtype() == kLong,
              "tensor_split expected tensor_indices_or_sections to have dtype of long, but got ",
              scalar_type_name(t.dtype()));
  TORSH_CHECK(t.dim() <= 1,
              "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
              "one-dimensional tensor, but got a tensor with ",
              t.dim(), " dims");
  if (t.dim() == 0) return native::tensor_split(self, t.item().to_long(), dim);
  Tensor c = t.contiguous();
  std::vector<int64_t> idx(static_cast<const int64_t*>(c.data_ptr()),
                           static_cast<const int64_t*>(c.data_ptr()) + c.numel());
  return native::tensor_split(self, IntArrayRef(idx), dim);
}

std::vector<Tensor> hsplit(const Tensor& self, int64_t sections) {
  int64_t d = nsplit_dim(self, "hsplit", 1, self.dim() == 1 ? 0 : 1);
  return nsplit_sections(self, sections, d, "hsplit");
}
std::vector<Tensor> hsplit(const Tensor& self, IntArrayRef indices) {
  int64_t d = nsplit_dim(self, "hsplit", 1, self.dim() == 1 ? 0 : 1);
  return torsh::tensor_split(self, indices, d);
}
std::vector<Tensor> vsplit(const Tensor& self, int64_t sections) {
  return nsplit_sections(self, sections, nsplit_dim(self, "vsplit", 2, 0), "vsplit");
}
std::vector<Tensor> vsplit(const Tensor& self, IntArrayRef indices) {
  return torsh::tensor_split(self, indices, nsplit_dim(self, "vsplit", 2, 0));
}
std::vector<Tensor> dsplit(const Tensor& self, int64_t sections) {
  return nsplit_sections(self, sections, nsplit_dim(self, "dsplit", 3, 2), "dsplit");
}
std::vector<Tensor> dsplit(const Tensor& self, IntArrayRef indices) {
  return torsh::tensor_split(self, indices, nsplit_dim(self, "dsplit", 3, 2));
}

Tensor flip(const Tensor& self, IntArrayRef dims) {
  const int64_t nd = self.dim();
  std::vector<bool> flipped(static_cast<size_t>(std::max<int64_t>(nd, 1)), false);
  for (int64_t dim : dims) {
    const int64_t d = wrap_dim(dim, nd, "flip");
    TORSH_CHECK(!flipped[d], "dim ", d, " appears multiple times in the list of dims");
    flipped[d] = true;
  }
  Tensor out = torsh::empty(self.sizes(), self.dtype());
  if (self.numel() == 0) return out;
  // The output written backwards along the flipped dims (a view with negative strides), so that
  // the copy walks the input in its own memory order.
  SizeVec strides(out.strides());
  int64_t offset = 0;
  for (int64_t d = 0; d < nd; ++d) {
    if (!flipped[d]) continue;
    offset += (self.sizes()[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  Tensor dst(make_intrusive<TensorImpl>(out.unsafeGetTensorImpl()->storage(), self.dtype(),
                                        self.sizes(), strides, offset));
  dst.copy_(self);
  return out;
}

Tensor fliplr(const Tensor& self) {
  TORSH_CHECK(self.dim() >= 2, "Input must be >= 2-d.");
  return torsh::flip(self, {1});
}

Tensor flipud(const Tensor& self) {
  TORSH_CHECK(self.dim() >= 1, "Input must be >= 1-d.");
  return torsh::flip(self, {0});
}

Tensor roll(const Tensor& self, IntArrayRef shifts, IntArrayRef dims) {
  TORSH_CHECK(!shifts.empty(), "`shifts` required");
  if (dims.empty() && shifts.size() == 1) {
    // Rolled as if flattened, then given its shape back.
    Tensor flat = native::roll(self.reshape({-1}), shifts, {0});
    return flat.view(self.sizes());
  }
  TORSH_CHECK(shifts.size() == dims.size(),
              "shifts and dimensions must align. shifts: ", shifts.size(), ", dims:", dims.size());
  // torch rolls one dim at a time: an empty tensor is returned (cloned) before its dim is
  // looked at, and a 0-dim one has no dim to roll (no scalar wrapping).
  Tensor cur = self;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (cur.numel() == 0) return cur.is_same(self) ? self.clone() : cur;
    TORSH_CHECK_INDEX(cur.dim() > 0, "Dimension specified as ", dims[i],
                      " but tensor has no dimensions");
    const int64_t d = wrap_dim(dims[i], cur.dim(), "roll"), n = cur.sizes()[d];
    Tensor out = torsh::empty(cur.sizes(), cur.dtype());
    const int64_t s = n == 0 ? 0 : ((shifts[i] % n) + n) % n;
    if (n == 0 || s == 0) {
      out.copy_(cur);
    } else {
      native::narrow(out, d, s, n - s).copy_(native::narrow(cur, d, 0, n - s));
      native::narrow(out, d, 0, s).copy_(native::narrow(cur, d, n - s, s));
    }
    cur = out;
  }
  return cur;
}

Tensor rot90(const Tensor& self, int64_t k, IntArrayRef dims) {
  const int64_t nd = self.dim();
  TORSH_CHECK(dims.size() == 2, "expected total rotation dims == 2, but got dims = ", dims.size());
  TORSH_CHECK(nd >= 2, "expected total dims >= 2, but got total dims = ", nd);
  TORSH_CHECK(dims[0] != dims[1] && std::abs(dims[0] - dims[1]) != nd,
              "expected rotation dims to be different, but got dim0 = ", dims[0],
              " and dim1 = ", dims[1]);
  TORSH_CHECK(dims[0] < nd && dims[0] >= -nd, "Rotation dim0 out of range, dim0 = ", dims[0]);
  TORSH_CHECK(dims[1] < nd && dims[1] >= -nd, "Rotation dim1 out of range, dim1 = ", dims[1]);
  switch ((4 + (k % 4)) % 4) {
    case 1:
      return torsh::flip(self, {dims[1]}).transpose(dims[0], dims[1]);
    case 2:
      return torsh::flip(self, dims);
    case 3:
      return torsh::flip(self, {dims[0]}).transpose(dims[0], dims[1]);
    default:
      return self.clone(MemoryFormat::Contiguous);
  }
}

Tensor movedim(const Tensor& self, IntArrayRef source, IntArrayRef destination) {
  TORSH_CHECK(source.size() == destination.size(),
              "movedim: Invalid source or destination dims: source (", list_str(source),
              " dims) should contain the same number of dims as destination (",
              list_str(destination), " dims)");
  const int64_t nd = self.dim();
  std::vector<int64_t> src, dst;
  for (int64_t s : source) src.push_back(wrap_dim(s, nd, "movedim"));
  for (int64_t s : destination) dst.push_back(wrap_dim(s, nd, "movedim"));
  auto check_unique = [](const std::vector<int64_t>& v, const char* what, IntArrayRef orig) {
    std::vector<int64_t> s(v);
    std::sort(s.begin(), s.end());
    TORSH_CHECK(std::adjacent_find(s.begin(), s.end()) == s.end(), "movedim: repeated dim in `",
                what, "` (", list_str(orig), ")");
  };
  check_unique(src, "source", source);
  check_unique(dst, "destination", destination);
  if (nd == 0) return torsh::permute(self, {});  // dims 0 and -1 name the 0-dim tensor itself
  std::vector<int64_t> order(static_cast<size_t>(nd), -1);
  std::vector<bool> used(static_cast<size_t>(nd), false);
  for (size_t i = 0; i < src.size(); ++i) {
    order[dst[i]] = src[i];
    used[src[i]] = true;
  }
  int64_t next = 0;
  for (auto& o : order) {
    if (o >= 0) continue;
    while (used[next]) ++next;
    o = next++;
  }
  return torsh::permute(self, order);
}

Tensor movedim(const Tensor& self, int64_t source, int64_t destination) {
  return native::movedim(self, IntArrayRef({source}), IntArrayRef({destination}));
}

Tensor swapaxes(const Tensor& self, int64_t axis0, int64_t axis1) {
  return torsh::transpose(self, axis0, axis1);
}

Tensor broadcast_to(const Tensor& self, IntArrayRef size) { return self.expand(size); }

SizeVec detail_shape::infer_size(IntArrayRef a, IntArrayRef b) {
  const int64_t n = static_cast<int64_t>(std::max(a.size(), b.size()));
  SizeVec out(static_cast<size_t>(n));
  for (int64_t i = n - 1; i >= 0; --i) {
    const int64_t ia = i - (n - static_cast<int64_t>(a.size()));
    const int64_t ib = i - (n - static_cast<int64_t>(b.size()));
    const int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    TORSH_CHECK(da == db || da == 1 || db == 1, "The size of tensor a (", da,
                ") must match the size of tensor b (", db, ") at non-singleton dimension ", i);
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::vector<Tensor> broadcast_tensors(TensorList tensors) {
  SizeVec shape;
  for (const Tensor& t : tensors) shape = detail_shape::infer_size(shape, t.sizes());
  std::vector<Tensor> out;
  for (const Tensor& t : tensors) out.push_back(t.expand(shape));
  return out;
}

Tensor view_as(const Tensor& self, const Tensor& other) { return self.view(other.sizes()); }

Tensor reshape_as(const Tensor& self, const Tensor& other) { return self.reshape(other.sizes()); }

Tensor unflatten(const Tensor& self, int64_t dim, IntArrayRef sizes) {
  TORSH_CHECK(!sizes.empty(), "unflatten: sizes must be non-empty");
  TORSH_CHECK_INDEX(self.dim() > 0, "Dimension specified as ", dim,
                    " but tensor has no dimensions");  // torch does not wrap a scalar here
  const int64_t d = wrap_dim(dim, self.dim(), "unflatten");
  SizeVec shape(self.sizes());
  const int64_t n = self.dim() == 0 ? 1 : shape[d];
  // The new dims must view exactly the old one (a -1 is inferred).
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      TORSH_CHECK(infer < 0, "unflatten(): only one dimension can be inferred");
      infer = static_cast<int64_t>(i);
    } else {
      TORSH_CHECK(sizes[i] >= 0, "unflatten(): invalid shape dimension ", sizes[i]);
      known *= sizes[i];
    }
  }
  std::vector<int64_t> inferred(sizes.begin(), sizes.end());
  if (infer >= 0) {
    TORSH_CHECK(known != 0 && n % known == 0, "unflatten(): shape '", list_str(sizes),
                "' is invalid for input of size ", n);
    inferred[infer] = n / known;
  } else {
    TORSH_CHECK(known == n, "unflatten(): shape '", list_str(sizes),
                "' is invalid for input of size ", n);
  }
  std::vector<int64_t> out;
  for (int64_t i = 0; i < self.dim(); ++i) {
    if (i == d) {
      out.insert(out.end(), inferred.begin(), inferred.end());
    } else {
      out.push_back(shape[i]);
    }
  }
  if (self.dim() == 0) out = inferred;
  return self.view(out);
}

Tensor ravel(const Tensor& self) { return self.reshape({-1}); }

}  // namespace torsh::native

namespace torsh::native::detail_shape {

void assign_out(Tensor& out, const Tensor& r, const char* op) {
  if (!out.defined()) {
    out = r;
    return;
  }
  TORSH_CHECK(can_cast(r.dtype(), out.dtype()), op, "(): result type ", scalar_type_name(r.dtype()),
              " can't be cast to the desired output type ", scalar_type_name(out.dtype()));
  out.resize_(r.sizes());
  out.copy_(r);
}

}  // namespace torsh::native::detail_shape

namespace torsh::native {
void write_result_out(const char* op, Tensor& out, const Tensor& r) {
  TORSH_CHECK(out.dtype() == r.dtype(), op, "(): Expected out tensor to have dtype ",
              scalar_type_name(r.dtype()), ", but got ", scalar_type_name(out.dtype()), " instead");
  out.resize_(r.sizes());
  detail::assert_no_internal_overlap(out);
  out.copy_(r);
}
}  // namespace torsh::native

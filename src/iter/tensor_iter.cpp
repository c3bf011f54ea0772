#include "iter/tensor_iter.h"

#include <algorithm>
#include <limits>

#include "core/strides.h"
#include "cpu/parallel.h"

namespace torsh::detail {

namespace {
// Iterations at least this large convert a 0-dim input of another dtype before the loop (one
// element; below this the conversion costs more than converting it per block).
constexpr int64_t kCastScalarOnce = 4096;

// PyTorch's rule: a lower-priority class (0-dim, then wrapped numbers) only matters when it
// is of a higher category than the higher-priority class.
ScalarType combine_categories(ScalarType higher, ScalarType lower) {
  if (higher == ScalarType::Undefined) return lower;
  if (is_complex(higher)) return higher;
  // A lower class of complex values keeps a floating higher class's precision.
  if (is_complex(lower)) return is_floating_point(higher) ? to_complex_type(higher) : lower;
  if (is_floating_point(higher)) return higher;
  if (higher == kBool || is_floating_point(lower)) return promote_types(higher, lower);
  return higher;
}
}  // namespace

SizeVec broadcast_shapes(IntArrayRef a, IntArrayRef b, const char* op) {
  size_t n = std::max(a.size(), b.size());
  SizeVec out(n);
  for (size_t i = n; i-- > 0;) {  // from the last dim, as torch reports the first mismatch
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    TORSH_CHECK(da == db || da == 1 || db == 1, op, "(): The size of tensor a (", da,
                ") must match the size of tensor b (", db, ") at non-singleton dimension ", i);
    out[i] = da == 1 ? db : da;
  }
  return out;
}

ScalarType result_type(const Tensor* const* tensors, int n) {
  ScalarType dim_r = ScalarType::Undefined, zero_r = ScalarType::Undefined,
             wrapped_r = ScalarType::Undefined;
  for (int i = 0; i < n; ++i) {
    const Tensor& t = *tensors[i];
    if (!t.defined()) continue;
    ScalarType cur = t.dtype();
    if (t.unsafeGetTensorImpl()->is_wrapped_number()) {
      if (is_floating_point(cur)) cur = get_default_dtype();
      if (is_complex(cur)) cur = get_default_complex_dtype();
      wrapped_r = promote_types(wrapped_r, cur);
    } else if (t.dim() > 0) {
      dim_r = promote_types(dim_r, cur);
    } else {
      zero_r = promote_types(zero_r, cur);
    }
  }
  return combine_categories(dim_r, combine_categories(zero_r, wrapped_r));
}

bool is_non_overlapping_and_dense(const Tensor& t) { return t.is_non_overlapping_and_dense(); }

void assert_no_internal_overlap(const Tensor& out) {
  if (out.numel() < 2 || is_non_overlapping_and_dense(out)) return;
  for (int64_t d = 0; d < out.dim(); ++d) {
    TORSH_CHECK(!(out.strides()[d] == 0 && out.sizes()[d] > 1),
                "unsupported operation: more than one element of the written-to tensor refers to "
                "a single memory location. Please clone() the tensor before performing the "
                "operation.");
  }
}

void assert_no_partial_overlap(const Tensor& out, const Tensor& in) {
  if (out.is_same(in) || out.numel() == 0 || in.numel() == 0) return;
  if (out.unsafeGetTensorImpl()->storage().get() != in.unsafeGetTensorImpl()->storage().get())
    return;
  if (!is_non_overlapping_and_dense(out) || !is_non_overlapping_and_dense(in)) return;
  const char* a0 = static_cast<const char*>(out.data_ptr());
  const char* a1 = a0 + out.nbytes();
  const char* b0 = static_cast<const char*>(in.data_ptr());
  const char* b1 = b0 + in.nbytes();
  const bool full = a0 == b0 && a1 == b1 && out.strides().equals(in.strides());
  TORSH_CHECK(full || !(a0 < b1 && b0 < a1),
              "unsupported operation: some elements of the input tensor and the written-to tensor "
              "refer to a single memory location. Please clone() the tensor before performing "
              "the operation.");
}

TensorIterConfig& TensorIterConfig::add_output(Tensor& out) {
  outs_[nout_++] = &out;
  return *this;
}
TensorIterConfig& TensorIterConfig::add_input(const Tensor& in) {
  TORSH_CHECK(in.defined(), op_, "(): expected a defined tensor");
  ins_[nin_++] = &in;
  return *this;
}
TensorIterConfig& TensorIterConfig::promote_inputs_to_common_dtype(bool v) {
  promote_ = v;
  return *this;
}
TensorIterConfig& TensorIterConfig::cast_in_loop(bool v) {
  cast_in_loop_ = v;
  return *this;
}
TensorIterConfig& TensorIterConfig::promote_integer_inputs_to_float(bool v) {
  int_to_float_ = v;
  return *this;
}
TensorIterConfig& TensorIterConfig::output_dtype(ScalarType t) {
  out_dtype_ = t;
  return *this;
}
TensorIterConfig& TensorIterConfig::is_reduction(bool v) {
  reduction_ = v;
  return *this;
}
TensorIterConfig& TensorIterConfig::track_reduced_index(bool v) {
  track_index_ = v;
  return *this;
}
TensorIterConfig& TensorIterConfig::check_mem_overlap(bool v) {
  check_overlap_ = v;
  return *this;
}
TensorIterConfig& TensorIterConfig::resize_outputs(bool v) {
  resize_outputs_ = v;
  return *this;
}
TensorIterConfig& TensorIterConfig::common_dtype(ScalarType t) {
  common_ = t;
  return *this;
}

bool TensorIterConfig::try_reduction_fast_path(TensorIter& it) {
  // A contiguous input and contiguous keepdim outputs: walking the dims from the fastest, each
  // maximal run of reduced (or of kept) dims coalesces into one dim.
  const Tensor& in = *ins_[0];
  // (Not for an empty input, whose dims may multiply past int64.)
  if (nin_ != 1 || casted_[0].defined() || !in.is_contiguous() || in.numel() == 0) return false;
  const int64_t nd = in.dim();
  for (int k = 0; k < nout_; ++k) {
    const Tensor* u = outs_[k];
    if (!u->defined() || u->dim() != nd || !u->is_contiguous()) return false;
    for (int64_t d = 0; d < nd; ++d)
      if (u->sizes()[d] != 1 && u->sizes()[d] != in.sizes()[d]) return false;
  }
  const int nt = it.nt_;
  int64_t acc[kMaxOperands];
  for (int k = 0; k < nout_; ++k) {
    it.user_outs_[k] = outs_[k];
    it.ops_[k] = *outs_[k];
    it.esize_[k] = outs_[k]->element_size();
    it.dtypes_[k] = outs_[k]->dtype();
    it.data_[k] = static_cast<char*>(outs_[k]->data_ptr());
    acc[k] = it.esize_[k];
  }
  it.esize_[nout_] = in.element_size();
  it.dtypes_[nout_] = in.dtype();
  it.data_[nout_] = static_cast<char*>(in.data_ptr());
  acc[nout_] = it.esize_[nout_];
  int64_t idx = 1;
  int last = -1;  // status of the previous dim kept: 1 reduced, 0 kept
  for (int64_t d = nd - 1; d >= 0; --d) {
    const int64_t n = in.sizes()[d];
    if (n == 1) continue;
    const int reduced = outs_[0]->sizes()[d] == 1 ? 1 : 0;
    if (reduced == last) {
      it.shape_.back() *= n;
    } else {
      it.shape_.push_back(n);
      for (int k = 0; k < nt; ++k) it.strides_[k].push_back(k < nout_ && reduced ? 0 : acc[k]);
      if (track_index_) it.index_strides_.push_back(reduced ? idx : 0);
    }
    for (int k = 0; k < nt; ++k)
      if (k >= nout_ || !reduced) acc[k] *= n;
    if (reduced) idx *= n;
    last = reduced;
  }
  if (it.shape_.empty() && nd > 0) {
    it.shape_.push_back(1);
    for (int k = 0; k < nt; ++k) it.strides_[k].push_back(0);
    if (track_index_) it.index_strides_.push_back(0);
  }
  it.numel_ = in.numel();
  return true;
}

bool TensorIterConfig::casts_in_loop(ScalarType want, ScalarType out) const {
  // A 16-bit result is computed in float: torch rounds it to the 16-bit type before casting to
  // a different out= dtype, so it goes through a temporary of that type.
  return cast_in_loop_ && can_cast(want, out) && want != kHalf && want != kBFloat16;
}

SizeVec TensorIterConfig::same_shape_layout(IntArrayRef shape) const {
  if (reduction_ || nin_ == 0) return {};
  bool channels_last = true, dense_same = true;
  for (int i = 0; i < nin_; ++i) {
    const Tensor& t = *ins_[i];
    if (!t.sizes().equals(shape)) return {};
    channels_last = channels_last && t.is_contiguous(MemoryFormat::ChannelsLast);
    dense_same =
        dense_same && t.is_non_overlapping_and_dense() && t.strides().equals(ins_[0]->strides());
  }
  bool contiguous = true;
  for (int i = 0; i < nin_; ++i) contiguous = contiguous && ins_[i]->is_contiguous();
  if (contiguous) return contiguous_strides(shape);
  if (channels_last) return detail::strides_for_format(shape, MemoryFormat::ChannelsLast);
  if (dense_same) return SizeVec(ins_[0]->strides());
  return {};
}

bool TensorIterConfig::try_fast_path(TensorIter& it) {
  // Every input contiguous with one shape (0-dim inputs broadcast as scalars), outputs absent
  // or contiguous of that shape and dtype: one flat loop, no reordering or coalescing needed.
  if (reduction_) return try_reduction_fast_path(it);
  const Tensor* shaped = nullptr;
  for (int i = 0; i < nin_; ++i) {
    const Tensor& t = *ins_[i];
    if (t.dim() == 0) continue;
    if (!t.is_contiguous()) return false;
    if (!shaped) {
      shaped = &t;
    } else if (!t.sizes().equals(shaped->sizes())) {
      return false;
    }
  }
  // With a 0-dim input the shapes differ, and torch orders the dims by all strides, those of
  // size-1 dims included: a contiguous input whose size-1 dims have other strides than
  // row-major ones then gives another output layout (the general path's).
  if (shaped && shaped->dim() > 1) {
    bool scalar = false;
    for (int i = 0; i < nin_; ++i) scalar |= ins_[i]->dim() == 0;
    const SizeVec rowmajor = scalar ? contiguous_strides(shaped->sizes()) : SizeVec();
    for (int i = 0; scalar && i < nin_; ++i) {
      if (ins_[i]->dim() > 0 && !ins_[i]->strides().equals(rowmajor)) return false;
    }
  }
  const ScalarType want = out_dtype_ != ScalarType::Undefined ? out_dtype_ : it.common_;
  IntArrayRef shape = shaped ? shaped->sizes() : IntArrayRef();
  for (int k = 0; k < nout_; ++k) {
    const Tensor* u = outs_[k];
    if (u->defined() && (!u->is_contiguous() || !u->sizes().equals(shape) ||
                         (u->dtype() != want && !casts_in_loop(want, u->dtype()))))
      return false;
  }
  const int64_t numel = shaped ? shaped->numel() : 1;
  it.shape_.resize(1, numel);
  it.numel_ = numel;
  for (int k = 0; k < nout_; ++k) {
    it.user_outs_[k] = outs_[k];
    it.ops_[k] = outs_[k]->defined() ? *outs_[k] : empty_strided_impl(shape, want);
    it.strides_[k].resize(1, it.ops_[k].element_size());
  }
  for (int i = 0; i < nin_; ++i) {
    const int k = nout_ + i;
    const Tensor& in = *ins_[i];
    it.esize_[k] = in.element_size();
    it.dtypes_[k] = in.dtype();
    it.data_[k] = static_cast<char*>(in.data_ptr());
    it.strides_[k].resize(1, in.dim() == 0 && shaped ? 0 : it.esize_[k]);
    if (casted_[i].defined()) it.ops_[k] = std::move(casted_[i]);
  }
  for (int k = 0; k < nout_; ++k) {
    it.esize_[k] = it.ops_[k].element_size();
    it.dtypes_[k] = it.ops_[k].dtype();
    it.data_[k] = static_cast<char*>(it.ops_[k].data_ptr());
  }
  return true;
}

TensorIter TensorIterConfig::build() {
  TensorIter it;
  it.op_ = op_;
  it.nout_ = nout_;
  it.nt_ = nout_ + nin_;

  // 0. Written-to tensors given by the caller: no element written twice, no input partly
  // aliasing them (reductions write each output element once per reduced range by design).
  if (check_overlap_ && !reduction_) {
    for (int k = 0; k < nout_; ++k) {
      if (!outs_[k]->defined()) continue;
      assert_no_internal_overlap(*outs_[k]);
      for (int i = 0; i < nin_; ++i) assert_no_partial_overlap(*outs_[k], *ins_[i]);
    }
  }

  // 1. Common dtype and input casts.
  ScalarType common = common_;
  if (common == ScalarType::Undefined) {
    bool uniform = nin_ > 0;
    for (int i = 0; i < nin_ && uniform; ++i)
      uniform = ins_[i]->dtype() == ins_[0]->dtype() &&
                !ins_[i]->unsafeGetTensorImpl()->is_wrapped_number();
    if (uniform) {
      common = ins_[0]->dtype();
    } else if (promote_ || int_to_float_) {
      const Tensor* ptrs[kMaxOperands];
      for (int i = 0; i < nin_; ++i) ptrs[i] = ins_[i];
      common = result_type(ptrs, nin_);
    } else if (nin_ > 0) {
      common = ins_[0]->dtype();
    }
  }
  if (int_to_float_ && is_integral(common, true)) common = get_default_dtype();
  // The caller's input storages: an output sharing one is written in place and never resized
  // (the inputs may be replaced by converted copies below).
  const void* in_storage[kMaxOperands];
  for (int i = 0; i < nin_; ++i) in_storage[i] = ins_[i]->unsafeGetTensorImpl()->storage().get();
  // A 0-dim input (a number: `x + 1.0`) is converted once, up front, when the iteration is
  // large: the loops then see operands of one dtype and take their dense vector paths.
  int64_t work = 0;
  for (int i = 0; i < nin_; ++i) work = std::max(work, ins_[i]->numel());
  for (int i = 0; i < nin_; ++i) {
    const bool scalar_once = cast_in_loop_ && ins_[i]->dim() == 0 && work >= kCastScalarOnce;
    if ((promote_ || common_ != ScalarType::Undefined) && (!cast_in_loop_ || scalar_once) &&
        ins_[i]->dtype() != common) {
      casted_[i] = ins_[i]->to(common);
      ins_[i] = &casted_[i];
    }
  }
  it.common_ = common;
  if (try_fast_path(it)) return it;

  // 2. Broadcast shape.
  SizeVec shape;
  if (reduction_) {
    shape = SizeVec(ins_[0]->sizes());
  } else {
    for (int i = 0; i < nin_; ++i) {
      shape = i == 0 ? SizeVec(ins_[i]->sizes()) : broadcast_shapes(shape, ins_[i]->sizes(), op_);
    }
    if (!resize_outputs_) {
      for (int k = 0; k < nout_; ++k)
        if (outs_[k]->defined()) shape = broadcast_shapes(outs_[k]->sizes(), shape, op_);
    }
  }
  const size_t nd = shape.size();

  // 3. Outputs: check given ones, remember which need a cast back.
  ScalarType want = out_dtype_ != ScalarType::Undefined ? out_dtype_ : common;
  for (int k = 0; k < nout_; ++k) {
    Tensor* u = outs_[k];
    it.user_outs_[k] = u;
    if (reduction_) {
      bool keepdim = u->defined() && static_cast<size_t>(u->dim()) == nd;
      for (size_t d = 0; keepdim && d < nd; ++d)
        keepdim = u->sizes()[d] == shape[d] || u->sizes()[d] == 1;
      TORSH_CHECK(keepdim, op_, "(): a reduction's outputs are given in the keepdim shape");
      continue;
    }
    if (!u->defined()) continue;
    if (!reduction_ && !u->sizes().equals(shape)) {
      bool aliases = false;
      for (int i = 0; i < nin_; ++i)
        aliases |= in_storage[i] == u->unsafeGetTensorImpl()->storage().get();
      TORSH_CHECK(!aliases, op_, "(): output with shape ", shape_str(u->sizes()),
                  " doesn't match the broadcast shape ", shape_str(shape));
      u->resize_(shape);
    }
    TORSH_CHECK(can_cast(want, u->dtype()), op_, "(): result type ", scalar_type_name(want),
                " can't be cast to the desired output type ", scalar_type_name(u->dtype()));
    if (u->dtype() != want && !casts_in_loop(want, u->dtype())) it.writeback_[k] = true;
  }

  // torch's fast setup decides the layout of allocated outputs first: inputs of one shape, all
  // channels-last or all dense with the same strides, give outputs of exactly that layout
  // (read before the cast inputs move into the iterator).
  const SizeVec same = same_shape_layout(shape);

  // 4. Byte strides in the broadcast shape (0 on broadcast dims), in original dim order. A
  // size-1 dim that is not broadcast keeps its stride: it orders the dims (and so the layout
  // of allocated outputs) as in torch, then coalescing drops it.
  auto strides_of = [&](const Tensor& t) {
    SizeVec s(nd, 0);
    int64_t es = t.element_size();
    size_t off = nd - static_cast<size_t>(t.dim());
    for (size_t d = off; d < nd; ++d) {
      int64_t sz = t.sizes()[d - off];
      if (sz == 1 && shape[d] != 1) continue;
      // A size-1 dim, or a dim of an empty tensor, may carry any stride (only its order
      // matters then): a byte stride beyond int64 saturates instead of overflowing.
      if (__builtin_mul_overflow(t.strides()[d - off], es, &s[d]))
        s[d] = t.strides()[d - off] < 0 ? std::numeric_limits<int64_t>::min()
                                        : std::numeric_limits<int64_t>::max();
    }
    return s;
  };
  for (int i = 0; i < nin_; ++i) {
    const int k = nout_ + i;
    it.esize_[k] = ins_[i]->element_size();
    it.dtypes_[k] = ins_[i]->dtype();
    it.data_[k] = static_cast<char*>(ins_[i]->data_ptr());
    it.strides_[k] = strides_of(*ins_[i]);
    if (casted_[i].defined()) it.ops_[k] = std::move(casted_[i]);
  }

  // 5. Permutation, fastest dim first, decided by the inputs' strides (then outputs').
  SizeVec perm(nd);
  for (size_t i = 0; i < nd; ++i) perm[i] = static_cast<int64_t>(nd - 1 - i);
  auto should_swap = [&](int64_t d0, int64_t d1) {
    for (int k = nout_; k < it.nt_; ++k) {
      int64_t s0 = it.strides_[k][d0], s1 = it.strides_[k][d1];
      if (s0 == 0 || s1 == 0) continue;
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
      if (shape[d0] > shape[d1]) return 1;
    }
    return 0;
  };
  for (size_t i = 1; i < nd; ++i) {
    size_t d1 = i;
    for (size_t d0 = i; d0-- > 0;) {
      int c = should_swap(perm[d0], perm[d1]);
      if (c > 0) {
        std::swap(perm[d0], perm[d1]);
        d1 = d0;
      } else if (c < 0) {
        break;
      }
    }
  }

  // 6. Allocate outputs in that layout; computed outputs of another dtype get temporaries.
  for (int k = 0; k < nout_; ++k) {
    Tensor* u = outs_[k];
    if (u->defined() && !it.writeback_[k]) {
      it.ops_[k] = *u;
    } else {
      SizeVec st(nd);
      int64_t acc = 1;
      for (size_t i = 0; i < nd; ++i) {
        st[perm[i]] = acc;
        TORSH_CHECK(!__builtin_mul_overflow(acc, std::max<int64_t>(shape[perm[i]], 1), &acc), op_,
                    "(): Storage size calculation overflowed with sizes=", shape_str(shape));
      }
      if (same.size() == nd && nd > 0) st = same;
      it.ops_[k] =
          u->defined() ? empty_strided_impl(u->sizes(), want) : empty_strided_impl(shape, st, want);
    }
    it.strides_[k] = strides_of(it.ops_[k]);
    it.esize_[k] = it.ops_[k].element_size();
    it.dtypes_[k] = it.ops_[k].dtype();
    it.data_[k] = static_cast<char*>(it.ops_[k].data_ptr());
  }

  // Reductions may also track the row-major index over the reduced dims: an extra stride row,
  // permuted and coalesced with the operands.
  const bool track = reduction_ && track_index_;
  const int nrows = it.nt_ + (track ? 1 : 0);
  SizeVec* rows[kMaxOperands + 1];
  for (int k = 0; k < it.nt_; ++k) rows[k] = &it.strides_[k];
  if (track) {
    it.index_strides_ = SizeVec(nd, 0);
    int64_t acc = 1;
    for (size_t d = nd; d-- > 0;) {
      if (it.strides_[0][d] == 0 && shape[d] != 1) {
        it.index_strides_[d] = acc;
        if (__builtin_mul_overflow(acc, shape[d], &acc)) acc = 0;  // an empty input: unused
      }
    }
    rows[it.nt_] = &it.index_strides_;
  }

  // 7. Apply the permutation and coalesce adjacent dims that are contiguous for all operands.
  SizeVec pshape(nd);
  SizeVec pstr[kMaxOperands + 1];
  for (int k = 0; k < nrows; ++k) pstr[k] = SizeVec(nd);
  for (size_t i = 0; i < nd; ++i) {
    pshape[i] = shape[perm[i]];
    for (int k = 0; k < nrows; ++k) pstr[k][i] = (*rows[k])[perm[i]];
  }
  // An empty shape may hold dims whose product overflows: its numel is 0 whatever the order.
  it.numel_ = std::find(pshape.begin(), pshape.end(), 0) != pshape.end() ? 0 : 1;
  for (size_t i = 0; i < nd && it.numel_ != 0; ++i) it.numel_ *= pshape[i];
  SizeVec cshape;
  SizeVec cstr[kMaxOperands + 1];
  for (size_t i = 0; i < nd; ++i) {
    if (pshape[i] == 1 && nd > 1) continue;
    bool merge = !cshape.empty();
    for (int k = 0; merge && k < nrows; ++k) {
      int64_t next = 0;  // the stride that continues the previous dim (none on overflow)
      merge = !__builtin_mul_overflow(cstr[k].back(), cshape.back(), &next) && pstr[k][i] == next;
    }
    if (merge) {
      cshape.back() *= pshape[i];
    } else {
      cshape.push_back(pshape[i]);
      for (int k = 0; k < nrows; ++k) cstr[k].push_back(pstr[k][i]);
    }
  }
  if (cshape.empty() && nd > 0) {
    cshape.push_back(1);
    for (int k = 0; k < nrows; ++k) cstr[k].push_back(0);
  }
  it.shape_ = std::move(cshape);
  for (int k = 0; k < nrows; ++k) *rows[k] = std::move(cstr[k]);
  return it;
}

bool TensorIter::is_contiguous() const {
  if (shape_.size() > 1) return false;
  if (shape_.empty()) return true;
  for (int k = 0; k < nt_; ++k)
    if (strides_[k][0] != esize_[k]) return false;
  return true;
}

void TensorIter::serial_for_each(const Loop1d& loop, int64_t begin, int64_t end) const {
  char* ptrs[kMaxOperands];
  int64_t inner[kMaxOperands];
  const int nd = ndim();
  if (nd == 0) {
    for (int k = 0; k < nt_; ++k) {
      ptrs[k] = data_[k];
      inner[k] = 0;
    }
    if (begin < end) loop(ptrs, inner, 1);
    return;
  }
  for (int k = 0; k < nt_; ++k) inner[k] = strides_[k][0];
  if (nd == 1) {
    for (int k = 0; k < nt_; ++k) ptrs[k] = data_[k] + begin * inner[k];
    if (begin < end) loop(ptrs, inner, end - begin);
    return;
  }
  SizeVec idx(nd);
  int64_t rem = begin;
  for (int d = 0; d < nd; ++d) {
    idx[d] = rem % shape_[d];
    rem /= shape_[d];
  }
  int64_t pos = begin;
  while (pos < end) {
    for (int k = 0; k < nt_; ++k) {
      char* p = data_[k];
      for (int d = 0; d < nd; ++d) p += idx[d] * strides_[k][d];
      ptrs[k] = p;
    }
    int64_t n = std::min(shape_[0] - idx[0], end - pos);
    loop(ptrs, inner, n);
    pos += n;
    idx[0] += n;
    for (int d = 0; d < nd - 1 && idx[d] >= shape_[d]; ++d) {
      idx[d] = 0;
      ++idx[d + 1];
    }
  }
}

void TensorIter::for_each_erased(const Loop1d& loop, int64_t grain) const {
  if (numel_ == 0) return;
  parallel_for(0, numel_, grain, [&](int64_t b, int64_t e) { serial_for_each(loop, b, e); });
}

void TensorIter::finish() {
  for (int k = 0; k < nout_; ++k) {
    Tensor* u = user_outs_[k];
    if (!u->defined()) {
      *u = ops_[k];
    } else if (writeback_[k]) {
      u->copy_(ops_[k]);
    }
  }
}

}  // namespace torsh::detail

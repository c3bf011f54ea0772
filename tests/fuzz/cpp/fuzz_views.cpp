// libFuzzer target: shape, stride and index arguments of the core view and indexing ops.
// A tensor (any dtype, possibly transposed, stepped or expanded) goes through a chain of ops
// whose arguments come from the input; torsh::Error is the expected answer to bad arguments,
// anything else (a crash, ASan/UBSan report, leak) is a finding.
#include <algorithm>
#include <optional>
#include <vector>

#include "fuzz_util.h"

using torsh::Tensor;
using torsh_fuzz::int_list;
using torsh_fuzz::small_int;

namespace {

Tensor make_input(FuzzedDataProvider& p) {
  std::vector<int64_t> sizes;
  size_t nd = p.ConsumeIntegralInRange<size_t>(0, 4);
  for (size_t i = 0; i < nd; ++i) sizes.push_back(p.ConsumeIntegralInRange<int64_t>(0, 5));
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  // Long values: every dtype takes them without a float-to-int cast out of range, which is
  // undefined behaviour in C++ (the cast kernels do not guard it, as torch's do not).
  Tensor t = torsh::arange(n, torsh::dtype(torsh::kLong)).reshape(sizes);
  t = t.to(torsh_fuzz::pick_dtype(p));
  switch (p.ConsumeIntegralInRange<int>(0, 3)) {
    case 1:
      if (t.dim() >= 2) t = t.transpose(0, t.dim() - 1);
      break;
    case 2:
      if (t.dim() >= 1) t = torsh::slice(t, 0, 0, std::nullopt, 2);
      break;
    case 3:
      t = t.unsqueeze(0).expand([&] {
        std::vector<int64_t> e(t.sizes().begin(), t.sizes().end());
        e.insert(e.begin(), 3);
        return e;
      }());
      break;
    default:
      break;
  }
  return t;
}

Tensor index_tensor(FuzzedDataProvider& p, int64_t size) {
  std::vector<int64_t> v;
  size_t n = p.ConsumeIntegralInRange<size_t>(0, 4);
  for (size_t i = 0; i < n; ++i) v.push_back(small_int(p, -size - 2, size + 1));
  Tensor idx = torsh::tensor(v, torsh::dtype(torsh::kLong));
  if (p.ConsumeBool()) idx = idx.to(p.ConsumeBool() ? torsh::kInt : torsh::kBool);
  return idx;
}

// One op on t with fuzzer-chosen arguments; returns the result (or t when the op is in place).
Tensor apply(FuzzedDataProvider& p, const Tensor& t) {
  const int64_t nd = t.dim();
  const int64_t s0 = nd ? t.size(0) : 1;
  switch (p.ConsumeIntegralInRange<int>(0, 18)) {
    case 0:
      return t.view(int_list(p, 5, -2, 8));
    case 1:
      return t.reshape(int_list(p, 5, -2, 8));
    case 2:
      return torsh::narrow(t, small_int(p, -nd - 1, nd), small_int(p, -s0 - 1, s0 + 1),
                           small_int(p, -1, s0 + 1));
    case 3:
      return torsh::select(t, small_int(p, -nd - 1, nd), small_int(p, -s0 - 1, s0));
    case 4: {
      std::optional<int64_t> start, end;
      if (p.ConsumeBool()) start = small_int(p, -s0 - 2, s0 + 2);
      if (p.ConsumeBool()) end = small_int(p, -s0 - 2, s0 + 2);
      return torsh::slice(t, small_int(p, -nd - 1, nd), start, end, small_int(p, -1, 3));
    }
    case 5: {
      std::vector<int64_t> e = int_list(p, 5, -1, 4);
      for (int64_t& x : e)  // keeps the expanded element count small, and no size below -1
        x = std::clamp<int64_t>(x, -1, 4);
      return t.expand(e);
    }
    case 6:
      return torsh::permute(t, int_list(p, 5, -nd - 1, nd));
    case 7:
      return t.transpose(small_int(p, -nd - 1, nd), small_int(p, -nd - 1, nd));
    case 8:
      return p.ConsumeBool() ? t.squeeze(small_int(p, -nd - 1, nd)) : t.squeeze();
    case 9:
      return t.unsqueeze(small_int(p, -nd - 2, nd + 1));
    case 10:
      return t.flatten(small_int(p, -nd - 1, nd), small_int(p, -nd - 1, nd));
    case 11: {
      torsh::OptionalTensorList idx;
      size_t k = p.ConsumeIntegralInRange<size_t>(0, 3);
      for (size_t i = 0; i < k; ++i) {
        int64_t size = static_cast<int64_t>(i) < nd ? t.size(static_cast<int64_t>(i)) : 1;
        if (p.ConsumeBool())
          idx.push_back(index_tensor(p, size));
        else
          idx.push_back(std::nullopt);
      }
      return torsh::index(t, idx);
    }
    case 12:
      return t.index_select(small_int(p, -nd - 1, nd), index_tensor(p, s0));
    case 13: {
      Tensor other = t.clone();
      if (p.ConsumeBool() && nd) other = torsh::narrow(other, 0, 0, s0 / 2);
      return torsh::cat({t, other}, small_int(p, -nd - 1, nd));
    }
    case 14:
      return torsh::stack({t, t.clone()}, small_int(p, -nd - 2, nd + 1));
    case 15: {
      Tensor dst = t.clone();
      torsh::OptionalTensorList idx{index_tensor(p, s0)};
      std::vector<int64_t> vs(p.ConsumeIntegralInRange<size_t>(0, 2));
      for (int64_t& x : vs) x = p.ConsumeIntegralInRange<int64_t>(0, 3);
      Tensor values = torsh::ones(vs, torsh::dtype(t.dtype()));
      return torsh::index_put(dst, idx, values, p.ConsumeBool());
    }
    case 16: {
      std::vector<torsh::indexing::TensorIndex> items;
      size_t k = p.ConsumeIntegralInRange<size_t>(0, 4);
      for (size_t i = 0; i < k; ++i) {
        switch (p.ConsumeIntegralInRange<int>(0, 5)) {
          case 0:
            items.emplace_back(small_int(p, -s0 - 1, s0));
            break;
          case 1:
            items.emplace_back(torsh::indexing::Slice(
                small_int(p, -s0 - 2, s0 + 2), small_int(p, -s0 - 2, s0 + 2), small_int(p, -1, 3)));
            break;
          case 2:
            items.emplace_back(torsh::indexing::None);
            break;
          case 3:
            items.emplace_back(torsh::indexing::Ellipsis);
            break;
          case 4:
            items.emplace_back(p.ConsumeBool());
            break;
          default:
            items.emplace_back(index_tensor(p, s0));
            break;
        }
      }
      if (p.ConsumeBool()) return t.index(items);
      Tensor dst = t.clone();
      torsh::indexing::assign_subscript(dst, items, torsh::Scalar(int64_t{7}));
      return dst;
    }
    case 17:
      return t.sum(std::vector<int64_t>(int_list(p, 3, -nd - 1, nd)), p.ConsumeBool());
    default:
      return torsh::matmul(t, t.transpose(-1, 0));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider p(data, size);
  try {
    Tensor t = make_input(p);
    for (int step = 0; step < 4 && p.remaining_bytes() > 0; ++step) {
      try {
        t = apply(p, t);
        torsh_fuzz::touch(t);
        // An empty tensor may have huge dims; ops that allocate from such shapes overflow in
        // empty()'s stride computation, issue 7's size checks (being fixed elsewhere).
        for (int64_t s : t.sizes())
          if (s > (int64_t{1} << 20)) return 0;
      } catch (const torsh::Error&) {
      }
    }
  } catch (const torsh::Error&) {
  }
  return 0;
}

// einsum: the equation parsed into integer labels (A-Z, a-z, then one label per broadcast
// ellipsis dim), repeated labels taken as diagonals, labels that only one operand has summed
// out first, then the operands contracted pair by pair in a greedy order (the smallest result
// first, leftmost on ties), each pair as one bmm (or GEMM) over permuted views; a label is
// summed as soon as no other operand or the output needs it.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "ops/linalg_basic.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

namespace {
using detail_linalg::check_not_bool;

constexpr int kLetters = 52;  // labels 0..25 are A-Z, 26..51 a-z, then the ellipsis dims

struct Term {
  std::vector<int> letters;  // letter labels in order, with -1 where the ellipsis stands
  bool ellipsis = false;
};

int letter_label(char c) { return c >= 'A' && c <= 'Z' ? c - 'A' : c - 'a' + 26; }
char label_char(int l) { return static_cast<char>(l < 26 ? 'A' + l : 'a' + l - 26); }
bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// One side of the equation: terms split at ',' (the output has one term).
std::vector<Term> parse_terms(std::string_view s, size_t offset, bool output) {
  std::vector<Term> terms(1);
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const size_t op = terms.size() - 1;
    if (c == ' ') continue;
    if (c == ',' && !output) {
      terms.emplace_back();
    } else if (c == '.') {
      TORSH_CHECK(!terms.back().ellipsis, "einsum(): found '.' for ",
                  output ? "output" : "operand " + std::to_string(op),
                  " for which an ellipsis was already found");
      TORSH_CHECK(i + 2 < s.size() && s[i + 1] == '.' && s[i + 2] == '.',
                  "einsum(): found '.' for ", output ? "output" : "operand " + std::to_string(op),
                  " that is not part of any ellipsis");
      terms.back().ellipsis = true;
      terms.back().letters.push_back(-1);
      i += 2;
    } else {
      TORSH_CHECK(is_letter(c), "einsum(): invalid subscript given at index ", offset + i,
                  " in the equation string, subscripts must be in [a-zA-Z]");
      terms.back().letters.push_back(letter_label(c));
    }
  }
  return terms;
}

struct Op {
  Tensor t;
  std::vector<int> labels;  // one per dim of t
};

// Sums t over the dims whose labels fail keep(label).
template <typename Keep>
void sum_unneeded(Op& o, Keep&& keep) {
  std::vector<int64_t> dims;
  std::vector<int> kept;
  for (size_t d = 0; d < o.labels.size(); ++d) {
    if (keep(o.labels[d])) {
      kept.push_back(o.labels[d]);
    } else {
      dims.push_back(static_cast<int64_t>(d));
    }
  }
  if (dims.empty()) return;
  o.t = o.t.sum(dims, false);
  o.labels = kept;
}

int64_t size_of(const Op& o, int label) {
  auto it = std::find(o.labels.begin(), o.labels.end(), label);
  return it == o.labels.end() ? 0 : o.t.sizes()[it - o.labels.begin()];
}
int64_t dim_of(const Op& o, int label) {
  return std::find(o.labels.begin(), o.labels.end(), label) - o.labels.begin();
}

// Contracts a with b: labels both have that are needed later are batch dims, those no longer
// needed are summed by the product; the rest are free dims of one side.
Op contract(Op a, Op b, const std::vector<bool>& needed) {
  std::vector<int> batch, afree, bfree, sum;
  for (int l : a.labels) {
    const bool in_b = std::count(b.labels.begin(), b.labels.end(), l) > 0;
    (in_b ? (needed[l] ? batch : sum) : afree).push_back(l);
  }
  for (int l : b.labels) {
    if (std::count(a.labels.begin(), a.labels.end(), l) == 0) bfree.push_back(l);
  }
  // Contracted labels where one side has size 1: the other side is summed on its own.
  for (size_t i = 0; i < sum.size();) {
    const int l = sum[i];
    const int64_t sa = size_of(a, l), sb = size_of(b, l);
    if (sa == sb) {
      ++i;
      continue;
    }
    Op& big = sa == 1 ? b : a;
    Op& one = sa == 1 ? a : b;
    big.t = big.t.sum(std::vector<int64_t>{dim_of(big, l)}, false);
    big.labels.erase(big.labels.begin() + dim_of(big, l));
    one.t = one.t.squeeze(dim_of(one, l));
    one.labels.erase(one.labels.begin() + dim_of(one, l));
    sum.erase(sum.begin() + static_cast<std::ptrdiff_t>(i));
  }
  std::vector<int64_t> pa, pb, sa_shape, sb_shape, out_shape;
  int64_t B = 1, M = 1, K = 1, N = 1;
  for (int l : batch) {
    const int64_t n = std::max(size_of(a, l), size_of(b, l));
    pa.push_back(dim_of(a, l));
    pb.push_back(dim_of(b, l));
    sa_shape.push_back(n);
    sb_shape.push_back(n);
    out_shape.push_back(n);
    B *= n;
  }
  for (int l : afree) {
    pa.push_back(dim_of(a, l));
    sa_shape.push_back(size_of(a, l));
    out_shape.push_back(size_of(a, l));
    M *= size_of(a, l);
  }
  for (int l : sum) {
    pa.push_back(dim_of(a, l));
    pb.push_back(dim_of(b, l));
    sa_shape.push_back(size_of(a, l));
    sb_shape.push_back(size_of(a, l));
    K *= size_of(a, l);
  }
  for (int l : bfree) {
    pb.push_back(dim_of(b, l));
    sb_shape.push_back(size_of(b, l));
    out_shape.push_back(size_of(b, l));
    N *= size_of(b, l);
  }
  Tensor ta = a.t.permute(pa).expand(sa_shape), tb = b.t.permute(pb).expand(sb_shape);
  Tensor r = B == 1 ? torsh::mm(ta.reshape({M, K}), tb.reshape({K, N}))
                    : torsh::bmm(ta.reshape({B, M, K}), tb.reshape({B, K, N}));
  Op out{r.reshape(out_shape), batch};
  out.labels.insert(out.labels.end(), afree.begin(), afree.end());
  out.labels.insert(out.labels.end(), bfree.begin(), bfree.end());
  return out;
}
}  // namespace

Tensor einsum(std::string_view equation, TensorList tensors) {
  const size_t arrow = equation.find("->");
  const std::string_view lhs = equation.substr(0, arrow);
  std::vector<Term> terms = parse_terms(lhs, 0, false);
  const size_t n = tensors.size();
  TORSH_CHECK(n > 0, "einsum(): must provide at least one operand");
  TORSH_CHECK(terms.size() <= n,
              "einsum(): fewer operands were provided than specified in the "
              "equation");
  TORSH_CHECK(terms.size() >= n,
              "einsum(): more operands were provided than specified in the "
              "equation");
  // Ellipsis dims, right-aligned across operands as broadcasting does.
  int64_t ell = 0;
  for (size_t i = 0; i < n; ++i) {
    const int64_t nl = static_cast<int64_t>(terms[i].letters.size()) - terms[i].ellipsis;
    const int64_t nd = tensors[i].dim();
    if (terms[i].ellipsis) {
      TORSH_CHECK(nl <= nd, "einsum(): the number of subscripts in the equation (", nl,
                  ") is more than the number of dimensions (", nd, ") for operand ", i);
      ell = std::max(ell, nd - nl);
    } else {
      TORSH_CHECK(nl == nd, "einsum(): the number of subscripts in the equation (", nl,
                  ") does not match the number of dimensions (", nd, ") for operand ", i,
                  " and no ellipsis was given");
    }
  }
  const int nlabels = kLetters + static_cast<int>(ell);
  std::vector<Op> ops(n);
  std::vector<int> count(static_cast<size_t>(nlabels), 0);
  std::vector<int64_t> seen(static_cast<size_t>(nlabels), -1);
  for (size_t i = 0; i < n; ++i) {
    const Tensor& t = tensors[i];
    const int64_t e = t.dim() - (static_cast<int64_t>(terms[i].letters.size()) - terms[i].ellipsis);
    ops[i].t = t;
    for (int l : terms[i].letters) {
      if (l >= 0) {
        ops[i].labels.push_back(l);
        continue;
      }
      for (int64_t j = 0; j < e; ++j) ops[i].labels.push_back(kLetters + int(ell - e + j));
    }
    for (size_t d = 0; d < ops[i].labels.size(); ++d) {
      const int l = ops[i].labels[d];
      const int64_t s = t.sizes()[static_cast<int64_t>(d)];
      ++count[l];
      for (size_t d2 = 0; d2 < d; ++d2) {
        if (ops[i].labels[d2] != l) continue;
        TORSH_CHECK(t.sizes()[static_cast<int64_t>(d2)] == s, "einsum(): subscript ", label_char(l),
                    " is repeated for operand ", i, " but the sizes don't match, ",
                    t.sizes()[static_cast<int64_t>(d2)], " != ", s);
      }
      if (seen[l] >= 0 && seen[l] != s && seen[l] != 1 && s != 1) {
        TORSH_CHECK(false, "einsum(): subscript ",
                    l < kLetters ? std::string(1, label_char(l)) : std::string("..."), " has size ",
                    s, " for operand ", i, " which does not broadcast with previously seen size ",
                    seen[l]);
      }
      if (seen[l] < 0 || seen[l] == 1) seen[l] = s;
    }
  }
  // The output's labels.
  std::vector<int> out;
  if (arrow == std::string_view::npos) {
    for (int l = kLetters; l < nlabels; ++l) out.push_back(l);
    for (int l = 0; l < kLetters; ++l) {
      if (count[l] == 1) out.push_back(l);
    }
  } else {
    const std::vector<Term> rhs = parse_terms(equation.substr(arrow + 2), arrow + 2, true);
    for (int l : rhs[0].letters) {
      if (l < 0) {
        for (int e = kLetters; e < nlabels; ++e) out.push_back(e);
        continue;
      }
      TORSH_CHECK(std::count(out.begin(), out.end(), l) == 0, "einsum(): output subscript ",
                  label_char(l), " appears more than once in the output");
      TORSH_CHECK(count[l] > 0, "einsum(): output subscript ", label_char(l),
                  " does not appear in the equation for any input operand");
      out.push_back(l);
    }
  }
  std::vector<bool> in_out(static_cast<size_t>(nlabels), false);
  for (int l : out) in_out[l] = true;
  // Repeated labels of one operand: their diagonal.
  for (Op& o : ops) {
    for (size_t p = 0; p < o.labels.size(); ++p) {
      for (size_t q = p + 1; q < o.labels.size(); ++q) {
        if (o.labels[p] != o.labels[q]) continue;
        const int l = o.labels[p];
        o.t = o.t.diagonal(0, static_cast<int64_t>(p), static_cast<int64_t>(q));
        o.labels.erase(o.labels.begin() + static_cast<std::ptrdiff_t>(q));
        o.labels.erase(o.labels.begin() + static_cast<std::ptrdiff_t>(p));
        o.labels.push_back(l);
        p = static_cast<size_t>(-1);
        break;
      }
    }
  }
  // Labels in how many operands (after diagonals).
  std::vector<int> nops(static_cast<size_t>(nlabels), 0);
  for (const Op& o : ops) {
    for (int l : o.labels) ++nops[l];
  }
  if (n > 1) {
    // bmm's dtype checks (same dtype, no bool) run in the product; torch skips them for
    // empty operands
    bool empty = false;
    for (const Tensor& t : tensors) empty = empty || t.numel() == 0;
    if (!empty) check_not_bool(tensors[0], "bmm");
    // sum promotes small integers to int64 and the product then refuses the mix, as torch.
    for (Op& o : ops) sum_unneeded(o, [&](int l) { return in_out[l] || nops[l] > 1; });
  }
  // Greedy order: each step contracts the pair whose result is smallest (labels kept are the
  // ones the output or another operand still needs); ties go to the leftmost pair, so chains
  // of equal cost run left to right as torch 1.13 without opt_einsum.
  auto needed_without = [&](size_t i, size_t j) {
    std::vector<bool> needed = in_out;
    for (size_t k = 0; k < ops.size(); ++k) {
      if (k == i || k == j) continue;
      for (int l : ops[k].labels) needed[l] = true;
    }
    return needed;
  };
  while (ops.size() > 1) {
    size_t bi = 0, bj = 1;
    double best = -1;
    for (size_t i = 0; i + 1 < ops.size(); ++i) {
      for (size_t j = i + 1; j < ops.size(); ++j) {
        const std::vector<bool> needed = needed_without(i, j);
        double size = 1;
        std::vector<int> seen;
        for (const Op* o : {&ops[i], &ops[j]}) {
          for (size_t d = 0; d < o->labels.size(); ++d) {
            const int l = o->labels[d];
            if (!needed[l] || std::count(seen.begin(), seen.end(), l)) continue;
            seen.push_back(l);
            size *= static_cast<double>(std::max(size_of(ops[i], l), size_of(ops[j], l)));
          }
        }
        if (best < 0 || size < best) {
          best = size;
          bi = i;
          bj = j;
        }
      }
    }
    ops[bi] = contract(std::move(ops[bi]), ops[bj], needed_without(bi, bj));
    ops.erase(ops.begin() + static_cast<std::ptrdiff_t>(bj));
  }
  Op acc = std::move(ops[0]);
  sum_unneeded(acc, [&](int l) { return in_out[l]; });
  // Every output label survived the contractions: permute into the output's order.
  std::vector<int64_t> perm;
  for (int l : out) perm.push_back(dim_of(acc, l));
  return acc.t.permute(perm);
}

}  // namespace torsh::native

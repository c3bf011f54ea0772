// Tensor printing in PyTorch's Python format (torch/_tensor_str.py's rules and print options).
#include <cmath>
#include <cstdio>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "core/dispatch.h"
#include "torsh/core/print_options.h"
#include "torsh/core/tensor.h"

namespace torsh {
namespace {

std::mutex g_mu;
PrintOptions g_options;

// The options of the print in progress on this thread (a snapshot taken when it starts).
thread_local PrintOptions t_opts;

std::string fmt(const char* f, double v) {
  char buf[400];  // %.*f of 1e308 with precision up to 80
  std::snprintf(buf, sizeof(buf), f, t_opts.precision, v);
  return buf;
}

std::string fmt0(double v) {
  char buf[400];
  std::snprintf(buf, sizeof(buf), "%.0f", v);
  return buf;
}

// One element: as double, and exactly as int64 for integer and bool dtypes (an int64 beyond
// 2**53 prints its own digits).
struct Value {
  double d = 0;
  int64_t i = 0;
  double im = 0;  // a complex element's imaginary part (d is its real part)
};

// Reads every element, in logical order.
struct Reader {
  const Tensor& t;
  Value get(IntArrayRef idx) const {
    const char* p = static_cast<const char*>(t.data_ptr());
    int64_t off = 0;
    for (size_t i = 0; i < idx.size(); ++i) off += idx[i] * t.strides()[i];
    return detail::dispatch_all_and_complex(t.dtype(), "print", [&](auto tag) -> Value {
      using T = decltype(tag);
      const auto v = static_cast<detail::opmath_t<T>>(reinterpret_cast<const T*>(p)[off]);
      if constexpr (detail::is_complex_v<T>) {
        return {static_cast<double>(v.real()), 0, static_cast<double>(v.imag())};
      } else if constexpr (std::is_integral_v<decltype(v)>) {
        return {static_cast<double>(v), static_cast<int64_t>(v)};
      } else {
        return {static_cast<double>(v), 0};
      }
    });
  }
};

struct Formatter {
  bool floating = false, is_bool = false, int_mode = true, sci_mode = false;
  size_t max_width = 1;

  std::string plain(Value v) const {
    if (is_bool) return v.i != 0 ? "True" : "False";
    return std::to_string(v.i);
  }

  void init(const std::vector<Value>& vals) {
    if (!floating) {
      for (Value v : vals) max_width = std::max(max_width, plain(v).size());
      return;
    }
    std::vector<double> nz;
    for (Value v : vals)
      if (std::isfinite(v.d) && v.d != 0) nz.push_back(v.d);
    if (nz.empty()) return;
    double mn = std::abs(nz[0]), mx = mn;
    for (double v : nz) {
      mn = std::min(mn, std::abs(v));
      mx = std::max(mx, std::abs(v));
    }
    for (double v : nz) {
      if (v != std::ceil(v)) {
        int_mode = false;
        break;
      }
    }
    if (int_mode) {
      if (mx / mn > 1000. || mx > 1.e8) {
        sci_mode = true;
        for (double v : nz) max_width = std::max(max_width, fmt("%.*e", v).size());
      } else {
        for (double v : nz) max_width = std::max(max_width, fmt0(v).size() + 1);
      }
    } else if (mx / mn > 1000. || mx > 1.e8 || mn < 1.e-4) {
      sci_mode = true;
      for (double v : nz) max_width = std::max(max_width, fmt("%.*e", v).size());
    } else {
      for (double v : nz) max_width = std::max(max_width, fmt("%.*f", v).size());
    }
    if (t_opts.sci_mode) sci_mode = *t_opts.sci_mode;  // forced, widths as computed (torch)
  }

  std::string format(Value value) const {
    std::string r;
    const double v = value.d;
    if (!floating) {
      r = plain(value);
    } else if (std::isnan(v)) {
      r = "nan";
    } else if (std::isinf(v)) {
      r = v > 0 ? "inf" : "-inf";
    } else if (sci_mode) {
      r = fmt("%.*e", v);
    } else if (int_mode) {
      r = fmt0(v) + ".";
    } else {
      r = fmt("%.*f", v);
    }
    if (r.size() < max_width) r = std::string(max_width - r.size(), ' ') + r;
    return r;
  }
};

// An element's text: one formatter, or (complex) the real part's and the imaginary part's, the
// imaginary part written with its sign and a "j" after the real part, as torch.
struct ElementFormat {
  Formatter re, im;
  bool complex = false;

  size_t width() const { return re.max_width + (complex ? im.max_width + 1 : 0); }
  std::string format(Value v) const {
    std::string r = re.format(v);
    if (!complex) return r;
    Value iv;
    iv.d = v.im;
    std::string i = im.format(iv) + "j";
    i.erase(0, i.find_first_not_of(' '));
    return r + (i[0] == '+' || i[0] == '-' ? "" : "+") + i;
  }
};

// Indices of dim d to show: all, or the first and last t_opts.edgeitems when summarising.
std::vector<int64_t> shown(int64_t n, bool summarize) {
  std::vector<int64_t> r;
  if (summarize && n > 2 * t_opts.edgeitems) {
    for (int64_t i = 0; i < t_opts.edgeitems; ++i) r.push_back(i);
    for (int64_t i = n - t_opts.edgeitems; i < n; ++i) r.push_back(i);
  } else {
    for (int64_t i = 0; i < n; ++i) r.push_back(i);
  }
  return r;
}

void collect(const Reader& rd, SizeVec& idx, int64_t d, bool summarize, std::vector<Value>& out) {
  const Tensor& t = rd.t;
  if (d == t.dim()) {
    out.push_back(rd.get(idx));
    return;
  }
  for (int64_t i : shown(t.sizes()[d], summarize)) {
    idx[d] = i;
    collect(rd, idx, d + 1, summarize, out);
  }
}

std::string render(const Reader& rd, const ElementFormat& f, SizeVec& idx, int64_t d, int indent,
                   bool summarize) {
  const Tensor& t = rd.t;
  const int64_t nd = t.dim();
  const int64_t n = t.sizes()[d];
  const bool cut = summarize && n > 2 * t_opts.edgeitems;
  if (d == nd - 1) {
    std::vector<std::string> data;
    for (int64_t i : shown(n, summarize)) {
      idx[d] = i;
      data.push_back(f.format(rd.get(idx)));
      if (cut && i == t_opts.edgeitems - 1) data.push_back(" ...");
    }
    const size_t elem_len = f.width() + 2;
    const size_t per_line = std::max<size_t>(
        1, static_cast<size_t>((t_opts.linewidth - indent) / static_cast<int>(elem_len)));
    std::string r = "[";
    for (size_t i = 0; i < data.size(); ++i) {
      if (i > 0) r += (i % per_line == 0) ? ",\n" + std::string(indent + 1, ' ') : ", ";
      r += data[i];
    }
    return r + "]";
  }
  std::string sep = "," + std::string(static_cast<size_t>(nd - d - 1), '\n') +
                    std::string(static_cast<size_t>(indent + 1), ' ');
  std::string r = "[";
  bool first = true;
  for (int64_t i : shown(n, summarize)) {
    idx[d] = i;
    if (!first) r += sep;
    first = false;
    r += render(rd, f, idx, d + 1, indent + 1, summarize);
    if (cut && i == t_opts.edgeitems - 1) r += sep + "...";
  }
  return r + "]";
}

}  // namespace

PrintOptions get_printoptions() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_options;
}

void set_printoptions(const PrintOptions& options) {
  TORSH_CHECK(options.precision >= 0 && options.precision <= 80,
              "set_printoptions(): precision must be in [0, 80], got ", options.precision);
  TORSH_CHECK(options.edgeitems >= 0 && options.linewidth > 0,
              "set_printoptions(): edgeitems must be >= 0 and linewidth > 0");
  std::lock_guard<std::mutex> lock(g_mu);
  g_options = options;
}

std::string repr(const Tensor& t) {
  if (!t.defined()) return "[ Tensor (undefined) ]";
  t_opts = get_printoptions();
  const std::string prefix = "tensor(";
  const int indent = static_cast<int>(prefix.size());
  std::vector<std::string> suffixes;
  std::string body;
  const ScalarType dt = t.dtype();
  // Empty tensors show every dtype but the default float one, as torch does.
  const bool default_dtype =
      dt == get_default_dtype() ||
      (t.numel() > 0 && (dt == kLong || dt == kBool || dt == to_complex_type(get_default_dtype())));
  if (t.numel() == 0) {
    if (t.dim() != 1) {
      std::string s = "size=(";
      for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.sizes()[i]);
      if (t.dim() == 1) s += ",";
      suffixes.push_back(s + ")");
    }
    body = "[]";
  } else {
    const bool summarize = t.numel() > t_opts.threshold;
    Reader rd{t};
    ElementFormat f;
    f.complex = torsh::is_complex(dt);
    f.re.floating = f.im.floating = t.is_floating_point() || f.complex;
    f.re.is_bool = dt == kBool;
    std::vector<Value> vals;
    SizeVec idx(static_cast<size_t>(t.dim()));
    collect(rd, idx, 0, summarize, vals);
    f.re.init(vals);
    if (f.complex) {
      std::vector<Value> ims(vals.size());
      for (size_t k = 0; k < vals.size(); ++k) ims[k].d = vals[k].im;
      f.im.init(ims);
    }
    body = t.dim() == 0 ? f.format(vals[0]) : render(rd, f, idx, 0, indent, summarize);
  }
  if (!default_dtype) suffixes.push_back(std::string("dtype=torch.") + dtype_name(dt));
  if (const auto* m = t.unsafeGetTensorImpl()->autograd_meta()) {
    const std::string fn = m->grad_fn_name();
    if (!fn.empty()) {
      suffixes.push_back("grad_fn=<" + fn + ">");
    } else if (m->leaf_requires_grad()) {
      suffixes.push_back("requires_grad=True");
    }
  }
  std::string s = prefix + body;
  size_t nl = s.rfind('\n');
  size_t last_line_len = nl == std::string::npos ? s.size() + 2 : s.size() - nl + 1;
  for (const auto& suf : suffixes) {
    if (last_line_len + suf.size() + 2 > static_cast<size_t>(t_opts.linewidth)) {
      s += ",\n" + std::string(static_cast<size_t>(indent), ' ') + suf;
      last_line_len = static_cast<size_t>(indent) + suf.size();
    } else {
      s += ", " + suf;
      last_line_len += suf.size() + 2;
    }
  }
  return s + ")";
}

}  // namespace torsh

// `std::cout << tensor` in libtorch's C++ format (ATen's operator<<): the values converted to
// double, a column for 1-d tensors, rows for matrices, "(i,j,.,.) = " blocks for higher ranks
// (first index fastest), an optional "scale *" line, then "[ CPUFloatType{2,3} ]". The layout
// rules, quirks included, follow libtorch 1.13's output so C++ programs print the same text.
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <ios>
#include <ostream>
#include <string>
#include <vector>

#include "torsh/core/grad_mode.h"
#include "torsh/core/tensor.h"

namespace torsh {
namespace {

constexpr int64_t kLineWidth = 80;

// Restores the stream's flags, precision and fill when printing ends.
class StreamStateGuard {
 public:
  explicit StreamStateGuard(std::ostream& os) : os_(os), saved_(nullptr) { saved_.copyfmt(os); }
  ~StreamStateGuard() { os_.copyfmt(saved_); }
  StreamStateGuard(const StreamStateGuard&) = delete;
  StreamStateGuard& operator=(const StreamStateGuard&) = delete;

 private:
  std::ostream& os_;
  std::ios saved_;
};

void plain_floats(std::ostream& os) { os.unsetf(std::ios_base::floatfield); }

// How one block of values prints: field width and a common divisor. Sets the stream's notation
// (and, except for integral blocks, its precision), which then stays for later blocks.
struct NumberLayout {
  double scale = 1;
  int64_t width = 0;
};

// Decimal digits before the point of |v| (floor(log10|v|) + 1), 1 for zero.
double digits_of(double magnitude) {
  return magnitude == 0 ? 1 : std::floor(std::log10(magnitude)) + 1;
}

NumberLayout choose_layout(std::ostream& os, const double* v, int64_t n) {
  NumberLayout lay;
  if (n == 0) return lay;
  bool integral = true;
  for (int64_t i = 0; i < n && integral; ++i) {
    if (std::isfinite(v[i]) && v[i] != std::ceil(v[i])) integral = false;
  }
  int64_t first = 0;
  while (first < n && !std::isfinite(v[first])) ++first;
  double lo = 1, hi = 1;
  if (first < n) {
    double min_mag = std::fabs(v[first]), max_mag = min_mag;
    for (int64_t i = first; i < n; ++i) {
      if (!std::isfinite(v[i])) continue;
      min_mag = std::min(min_mag, std::fabs(v[i]));
      // libtorch compares the signed value here: a large negative number does not widen
      if (v[i] > max_mag) max_mag = std::fabs(v[i]);
    }
    lo = digits_of(min_mag);
    hi = digits_of(max_mag);
  }
  if (integral) {
    if (hi > 9) {
      lay.width = 11;
      os << std::scientific << std::setprecision(4);
    } else {
      lay.width = static_cast<int64_t>(hi) + 1;
      plain_floats(os);
    }
  } else if (hi - lo > 4) {
    lay.width = (std::fabs(hi) > 99 || std::fabs(lo) > 99) ? 12 : 11;
    os << std::scientific << std::setprecision(4);
  } else {
    if (hi > 5 || hi < 0) {
      lay.width = 7;
      lay.scale = std::pow(10, hi - 1);
    } else {
      lay.width = hi == 0 ? 7 : static_cast<int64_t>(hi) + 6;
    }
    os << std::fixed << std::setprecision(4);
  }
  return lay;
}

void print_scale(std::ostream& os, double scale) {
  StreamStateGuard guard(os);
  plain_floats(os);
  os << scale << " *" << '\n';
}

void pad(std::ostream& os, int64_t n) {
  for (int64_t i = 0; i < n; ++i) os << ' ';
}

// A rows x cols block of row-major doubles, in column chunks that fit the line width.
void print_matrix(std::ostream& os, const double* v, int64_t rows, int64_t cols, int64_t indent) {
  const NumberLayout lay = choose_layout(os, v, rows * cols);
  pad(os, indent);
  const int64_t per_line = (kLineWidth - indent) / (lay.width + 1);
  for (int64_t begin = 0; begin < cols;) {
    const int64_t end = std::min(begin + per_line, cols);  // one past the chunk's last column
    if (per_line < cols) {
      if (begin != 0) os << '\n';
      os << "Columns " << begin + 1 << " to " << end;
      pad(os, indent);
    }
    if (lay.scale != 1) {
      print_scale(os, lay.scale);
      pad(os, indent);
    }
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = begin; c < end; ++c) {
        os << std::setw(static_cast<int>(lay.width)) << v[r * cols + c] / lay.scale;
        if (c + 1 < end) {
          os << ' ';
          continue;
        }
        os << '\n';
        if (r + 1 < rows) pad(os, indent + (lay.scale != 1 ? 1 : 0));
      }
    }
    begin = end;
  }
}

// Rank >= 3: one "(i,j,.,.) = " block per matrix, the first index varying fastest.
void print_blocks(std::ostream& os, const double* v, IntArrayRef sizes) {
  const size_t outer = sizes.size() - 2;
  const int64_t rows = sizes[outer], cols = sizes[outer + 1];
  std::vector<int64_t> strides(outer);  // row-major strides of the outer dims, in matrices
  int64_t count = 1;
  for (size_t d = outer; d-- > 0;) {
    strides[d] = count;
    count *= sizes[d];
  }
  std::vector<int64_t> at(outer, 0);
  for (int64_t k = 0; k < count; ++k) {
    if (k != 0) {
      os << '\n';
      for (size_t d = 0; d < outer; ++d) {  // odometer, first index fastest
        if (++at[d] < sizes[d]) break;
        at[d] = 0;
      }
    }
    int64_t offset = 0;
    os << '(';
    for (size_t d = 0; d < outer; ++d) {
      os << at[d] + 1 << ',';
      offset += at[d] * strides[d];
    }
    os << ".,.) = " << '\n';
    print_matrix(os, v + offset * rows * cols, rows, cols, 1);
  }
}

void print_shape_tag(std::ostream& os, const Tensor& t) {
  os << "[ " << t.toString() << '{';
  for (int64_t d = 0; d < t.dim(); ++d) os << (d ? "," : "") << t.sizes()[d];
  os << '}';
}

}  // namespace

std::string Tensor::toString() const {
  if (!defined()) return "UndefinedType";
  return std::string("CPU") + scalar_type_name(dtype()) + "Type";
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  StreamStateGuard guard(os);
  if (!t.defined()) return os << "[ Tensor (undefined) ]";
  Tensor values;
  {
    NoGradGuard no_grad;
    values = t.to(kDouble).contiguous();
  }
  const double* v = values.data_ptr<double>();
  const int64_t n = values.numel();
  if (t.dim() == 0) {
    plain_floats(os);
    os << v[0] << '\n';
  } else if (t.dim() == 1 && n > 0) {
    const NumberLayout lay = choose_layout(os, v, n);
    if (lay.scale != 1) print_scale(os, lay.scale);
    for (int64_t i = 0; i < n; ++i) {
      os << std::setw(static_cast<int>(lay.width)) << v[i] / lay.scale << '\n';
    }
  } else if (t.dim() == 2 && n > 0) {
    print_matrix(os, v, t.sizes()[0], t.sizes()[1], 0);
  } else if (n > 0) {
    print_blocks(os, v, t.sizes());
  }
  print_shape_tag(os, t);
  return os << " ]";
}

}  // namespace torsh

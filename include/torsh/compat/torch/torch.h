#pragma once
// libtorch compatibility: `#include <torch/torch.h>` resolves here when include/torsh/compat is
// on the include path, and `torch::` names the torsh API.
#include <cstdint>
#include <iostream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>

#include "torsh/torsh.h"

namespace torch = torsh;

// libtorch's macro names for the module and option helpers.
#define TORCH_MODULE(Name) TORSH_MODULE(Name)
#define TORCH_MODULE_IMPL(Name, Impl) TORSH_MODULE_IMPL(Name, Impl)
#define TORCH_ARG(T, name) TORSH_ARG(T, name)
// libtorch's checks: a false condition throws torch::Error (c10::Error) with the message given,
// or one naming the condition.
#define TORCH_CHECK(cond, ...) \
  TORSH_CHECK(cond, ::torsh::detail::check_message(#cond __VA_OPT__(, ) __VA_ARGS__))
#define TORCH_INTERNAL_ASSERT(cond, ...) TORCH_CHECK(cond __VA_OPT__(, ) __VA_ARGS__)
#define AT_ASSERT(cond, ...) TORCH_CHECK(cond __VA_OPT__(, ) __VA_ARGS__)
#define AT_ERROR(...) TORSH_CHECK(false, __VA_ARGS__)
namespace at = torsh;

namespace torsh {

namespace detail {
inline std::string check_message(const char* cond) {
  return std::string("Expected ") + cond + " to be true, but got false.";
}
template <typename... Args>
std::string check_message(const char*, const Args&... args) {
  return str_cat(args...);
}
}  // namespace detail

/// torch::str / c10::str: its arguments streamed one after another into a string.
template <typename... Args>
std::string str(const Args&... args) {
  return detail::str_cat(args...);
}

// torch::optional and torch::nullopt, as libtorch exports c10's.
using std::nullopt;
using std::optional;

// libtorch's bitwise operators (integer and bool tensors; others raise as bitwise_* does).
inline Tensor operator~(const Tensor& t) { return torsh::bitwise_not(t); }
inline Tensor operator&(const Tensor& a, const Tensor& b) { return torsh::bitwise_and(a, b); }
inline Tensor operator|(const Tensor& a, const Tensor& b) { return torsh::bitwise_or(a, b); }
inline Tensor operator^(const Tensor& a, const Tensor& b) { return torsh::bitwise_xor(a, b); }
inline Tensor operator&(const Tensor& a, const Scalar& b) {
  return torsh::bitwise_and(a, detail::wrap_scalar(b));
}
inline Tensor operator|(const Tensor& a, const Scalar& b) {
  return torsh::bitwise_or(a, detail::wrap_scalar(b));
}
inline Tensor operator^(const Tensor& a, const Scalar& b) {
  return torsh::bitwise_xor(a, detail::wrap_scalar(b));
}

// libtorch's printing of sizes ("[2, 3]"), scalar types ("Float") and devices ("cpu", "cuda:1").
inline std::ostream& operator<<(std::ostream& os, IntArrayRef s) {
  os << '[';
  for (size_t i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i];
  return os << ']';
}
inline std::ostream& operator<<(std::ostream& os, ScalarType t) {
  return os << scalar_type_name(t);
}
inline std::ostream& operator<<(std::ostream& os, const Device& d) {
  os << (d.is_cuda() ? "cuda" : d.is_cpu() ? "cpu" : "device");
  if (d.has_index()) os << ':' << static_cast<int>(d.index);
  return os;
}
inline std::ostream& operator<<(std::ostream& os, Layout) { return os << "Strided"; }
// libtorch's format, which also leaves the stream in boolalpha as libtorch does.
inline std::ostream& operator<<(std::ostream& os, const TensorOptions& o) {
  auto field = [&](const char* label, const auto& value, bool set) {
    os << label << std::boolalpha << value << (set ? "" : " (default)");
  };
  field("TensorOptions(dtype=", o.dtype(), o.has_dtype());
  field(", device=", o.device(), o.has_device());
  field(", layout=", o.layout(), o.has_layout());
  field(", requires_grad=", o.requires_grad(), o.has_requires_grad());
  field(", pinned_memory=", false, false);
  return os << ", memory_format=(nullopt))";
}

// torch::cuda: torsh runs on the CPU here; programs that ask find no CUDA device.
namespace cuda {
inline bool is_available() { return false; }
inline int64_t device_count() { return 0; }
inline bool cudnn_is_available() { return false; }
}  // namespace cuda

namespace autograd {
// libtorch's defaults: backward(tensors[, grad_tensors]).
inline void backward(const variable_list& tensors, const variable_list& grad_tensors = {}) {
  torsh::autograd::backward(tensors, grad_tensors, false, false, {});
}
// libtorch's full form: retain_graph unset means create_graph.
inline void backward(const variable_list& tensors, const variable_list& grad_tensors,
                     std::optional<bool> retain_graph, bool create_graph = false,
                     const variable_list& inputs = {}) {
  torsh::autograd::backward(tensors, grad_tensors, retain_graph.value_or(create_graph),
                            create_graph, inputs);
}
}  // namespace autograd

/// at::print: the tensor as operator<< writes it (libtorch's operator<< is print(os, t, 80)).
inline std::ostream& print(std::ostream& stream, const Tensor& t, int64_t /*linesize*/ = 80) {
  return stream << t;
}
inline void print(const Tensor& t, int64_t linesize = 80) { print(std::cout, t, linesize); }

// libtorch's int-dim overloads of the variance family (an int is a dim, not `unbiased`).
inline Tensor var(const Tensor& t, int dim, bool unbiased = true, bool keepdim = false) {
  return torsh::var(t, IntArrayRef{dim}, unbiased, keepdim);
}
inline Tensor std(const Tensor& t, int dim, bool unbiased = true, bool keepdim = false) {
  return torsh::std(t, IntArrayRef{dim}, unbiased, keepdim);
}
inline std::tuple<Tensor, Tensor> var_mean(const Tensor& t, int dim, bool unbiased = true,
                                           bool keepdim = false) {
  return torsh::var_mean(t, IntArrayRef{dim}, unbiased, keepdim);
}
inline std::tuple<Tensor, Tensor> std_mean(const Tensor& t, int dim, bool unbiased = true,
                                           bool keepdim = false) {
  return torsh::std_mean(t, IntArrayRef{dim}, unbiased, keepdim);
}

// libtorch's Scalar overloads of div with a rounding mode and of floor_divide.
inline Tensor div(const Tensor& a, const Scalar& b, std::optional<std::string_view> mode) {
  return torsh::div(a, detail::wrap_scalar(b), mode);
}
inline Tensor floor_divide(const Tensor& a, const Scalar& b) {
  return torsh::floor_divide(a, detail::wrap_scalar(b));
}
/// torch::_unique(t, sorted, return_inverse): (values, inverse).
inline std::tuple<Tensor, Tensor> _unique(const Tensor& t, bool sorted = true,
                                          bool return_inverse = false) {
  auto [values, inverse, counts] = torsh::_unique2(t, sorted, return_inverse, false);
  (void)counts;
  return {values, inverse};
}

/// c10::Scalar's printing: the number (true/false for booleans).
inline std::ostream& operator<<(std::ostream& os, const Scalar& s) {
  if (s.is_boolean()) return os << (s.to_bool() ? "true" : "false");
  if (s.is_complex()) return os << s.to_complex();
  if (s.is_floating_point()) return os << s.to_double();
  return os << s.to_long();
}

/// at::CPUGeneratorImpl and at::make_generator<CPUGeneratorImpl>(seed): a seeded Generator.
struct CPUGeneratorImpl {};
template <typename Impl = CPUGeneratorImpl>
Generator make_generator(uint64_t seed = 67280421310721ULL) {
  return Generator(seed);
}

}  // namespace torsh

// caffe2::TypeMeta, what Tensor::dtype() returns.
namespace caffe2 {
using torsh::TypeMeta;
}  // namespace caffe2

// c10's spellings of the core types.
namespace c10 {
using torsh::str;
/// c10::toString(ScalarType): "Float", "Long", ...
inline const char* toString(torsh::ScalarType t) { return torsh::scalar_type_name(t); }
inline torsh::ScalarType typeMetaToScalarType(torsh::TypeMeta t) { return t.toScalarType(); }
inline torsh::TypeMeta scalarTypeToTypeMeta(torsh::ScalarType t) {
  return torsh::TypeMeta::fromScalarType(t);
}
using torsh::BFloat16;
using torsh::Device;
using torsh::DeviceType;
using torsh::Error;
using torsh::Half;
using torsh::IntArrayRef;
using torsh::Scalar;
using torsh::ScalarType;
template <typename T>
using optional = std::optional<T>;
inline constexpr std::nullopt_t nullopt = std::nullopt;
using torsh::kBFloat16;
using torsh::kBool;
using torsh::kByte;
using torsh::kChar;
using torsh::kComplexDouble;
using torsh::kComplexFloat;
using torsh::kDouble;
using torsh::kFloat;
using torsh::kHalf;
using torsh::kInt;
using torsh::kLong;
using torsh::kShort;
using torsh::kStrided;
using torsh::Layout;
namespace guts {
/// c10::guts::to_string: the value streamed into a string (libtorch keys an optimizer's state
/// by to_string(p.unsafeGetTensorImpl()), as torsh::optim::Optimizer::key_of does).
template <typename T>
std::string to_string(const T& value) {
  std::ostringstream s;
  s << value;
  return s.str();
}
}  // namespace guts
}  // namespace c10

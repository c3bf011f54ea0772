#pragma once
// Hand-written entry points next to the generated ones: tensor() from values, operators.
#include <functional>
#include <initializer_list>
#include <vector>

#include "torsh/core/tensor.h"
#include "torsh/generated/functions.h"

namespace torsh {

/// A nested-initializer-list value for torsh::tensor({{1, 2}, {3, 4}}).
class TensorData {
 public:
  TensorData(double v) : scalar_(v), is_scalar_(true), type_(kFloat) {}                    // NOLINT
  TensorData(float v) : scalar_(v), is_scalar_(true), type_(kFloat) {}                     // NOLINT
  TensorData(int v) : scalar_(static_cast<int64_t>(v)), is_scalar_(true), type_(kLong) {}  // NOLINT
  TensorData(int64_t v) : scalar_(v), is_scalar_(true), type_(kLong) {}                    // NOLINT
  TensorData(bool v) : scalar_(v), is_scalar_(true), type_(kBool) {}                       // NOLINT
  TensorData(std::initializer_list<TensorData> l);
  /// Flattens into values and sizes; the dtype is inferred as torch.tensor does.
  void flatten(std::vector<Scalar>& values, std::vector<int64_t>& sizes, size_t depth) const;
  ScalarType inferred_type() const { return type_; }

 private:
  Scalar scalar_;
  bool is_scalar_;
  ScalarType type_;
  std::vector<TensorData> children_;
};

/// torch.tensor: a new tensor from nested values (float literals give the default dtype).
Tensor tensor(const TensorData& data, TensorOptions options = {});
/// A 1-D tensor from a vector of values.
template <typename T>
Tensor tensor(const std::vector<T>& values, TensorOptions options = {});
/// A tensor of the given sizes from a flat list of scalars (used by the Python binding).
Tensor tensor_from_scalars(const std::vector<Scalar>& values, IntArrayRef sizes, ScalarType dtype);
/// torch.scalar_tensor.
Tensor scalar_tensor(const Scalar& s, TensorOptions options = {});
/// A contiguous tensor viewing external memory without copying (libtorch's from_blob). torsh
/// never frees or reuses the memory: the caller keeps it alive while the tensor (or a view) is.
Tensor from_blob(void* data, IntArrayRef sizes, const TensorOptions& options = {});
/// from_blob with explicit strides (in elements).
Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides,
                 const TensorOptions& options = {});
/// from_blob whose deleter(data) runs exactly once, when the last tensor viewing the memory
/// dies; torsh does nothing else with the memory.
Tensor from_blob(void* data, IntArrayRef sizes, const std::function<void(void*)>& deleter,
                 const TensorOptions& options = {});
/// from_blob with strides and a deleter.
Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides,
                 const std::function<void(void*)>& deleter, const TensorOptions& options = {});
/// from_blob with a C deleter: deleter(ctx), if given, runs once when the storage dies (numpy
/// interop uses it to drop the array's reference).
Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, ScalarType dtype,
                 DeleterFn deleter = nullptr, void* ctx = nullptr);
/// torch.result_type(a, b).
ScalarType result_type(const Tensor& a, const Tensor& b);
/// torch.broadcast_shapes for two shapes.
std::vector<int64_t> broadcast_shapes(IntArrayRef a, IntArrayRef b);
/// torch.equal: same shape and values.
bool equal(const Tensor& a, const Tensor& b);
/// torch.allclose.
bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8,
              bool equal_nan = false);

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, const Scalar& b);
Tensor operator+(const Scalar& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Scalar& b);
Tensor operator-(const Scalar& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Scalar& b);
Tensor operator*(const Scalar& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Scalar& b);
Tensor operator/(const Scalar& a, const Tensor& b);
Tensor operator==(const Tensor& a, const Tensor& b);
Tensor operator==(const Tensor& a, const Scalar& b);
Tensor operator!=(const Tensor& a, const Tensor& b);
Tensor operator!=(const Tensor& a, const Scalar& b);
Tensor operator<(const Tensor& a, const Tensor& b);
Tensor operator<(const Tensor& a, const Scalar& b);
Tensor operator<=(const Tensor& a, const Tensor& b);
Tensor operator<=(const Tensor& a, const Scalar& b);
Tensor operator>(const Tensor& a, const Tensor& b);
Tensor operator>(const Tensor& a, const Scalar& b);
Tensor operator>=(const Tensor& a, const Tensor& b);
Tensor operator>=(const Tensor& a, const Scalar& b);

/// torch.unique: (values, inverse, counts); dim given: unique slices along it (unique_dim),
/// else unique elements (_unique2). inverse and counts may be empty unless asked for.
std::tuple<Tensor, Tensor, Tensor> unique(const Tensor& self, bool sorted = true,
                                          bool return_inverse = false, bool return_counts = false,
                                          std::optional<int64_t> dim = std::nullopt);

}  // namespace torsh

// Printing as libtorch prints: `std::cout << tensor` (values, then "[ CPUFloatType{2,3} ]"),
// Tensor::toString(), sizes and scalar types, across dtypes, ranks, scales and special values.
#include <torch/torch.h>

#include <cmath>
#include <iostream>
#include <limits>

namespace {

void show(const char* name, const torch::Tensor& t) {
  std::cout << "== " << name << "\n" << t << "\n";
}

}  // namespace

int main() {
  torch::manual_seed(0);
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto f64 = torch::TensorOptions().dtype(torch::kDouble);

  show("scalar float", torch::tensor(3.5));
  show("scalar int", torch::tensor(7));
  show("scalar bool", torch::tensor(true));
  show("scalar small", torch::tensor(1.0e-7));
  show("arange", torch::arange(5));
  show("floats", torch::tensor({0.1, 2.5, -3.0}));
  show("float32 fractions", torch::tensor({0.1f, 2.5f, -3.0f}));
  show("large", torch::tensor({1.0e6, 2.0}));
  show("wide range", torch::tensor({1.0e-5, 1.0, 300.0}));
  show("huge ints", torch::tensor({12345678901.0, 2.0}));
  show("int64 big", torch::tensor({int64_t{9000000000}, int64_t{-3}}));
  show("negative", torch::tensor({-1.5, -20.25, 7.0}));
  show("scaled", torch::tensor({1000.5, 20000.25, 3.0}));
  show("scaled small", torch::tensor({0.001, 0.002, 0.0035}));
  show("specials", torch::tensor({inf, -inf, nan, 1.5}));
  show("all nan", torch::tensor({nan, nan}));
  show("zeros", torch::zeros({3}));
  show("randn 3x4", torch::randn({3, 4}));
  show("int matrix", torch::arange(12).reshape({3, 4}));
  show("wide matrix", torch::randn({2, 30}));
  show("wide scaled matrix", torch::randn({2, 14}) * 1000);
  show("3d", torch::randn({2, 3, 4}));
  show("4d", torch::arange(16).reshape({2, 2, 2, 2}));
  show("3d scaled", torch::arange(8, f64).reshape({2, 2, 2}) * 1000.5);
  show("empty 1d", torch::zeros({0}));
  show("empty 2d", torch::zeros({2, 0}));
  show("empty 3d", torch::zeros({0, 3, 2}));
  show("double", torch::tensor({1.25, 2.0}, f64));
  show("bool", torch::tensor({true, false, true}));
  show("uint8", torch::tensor({1, 200, 3}).to(torch::kUInt8));
  show("int8", torch::tensor({-1, 100, 3}).to(torch::kChar));
  show("int16", torch::tensor({-1, 1000, 3}).to(torch::kShort));
  show("int32", torch::tensor({-1, 100000, 3}).to(torch::kInt));
  show("half", torch::tensor({0.5, 1.0 / 3}).to(torch::kHalf));
  show("bfloat16", torch::tensor({0.5, 1.0 / 3}).to(torch::kBFloat16));
  show("requires grad", torch::ones({2}, torch::requires_grad()));
  show("grad fn", torch::ones({2}, torch::requires_grad()) * 2);
  show("transposed", torch::arange(6).reshape({2, 3}).t());
  show("column", torch::randn({4, 1}));
  show("tiny values", torch::tensor({1.0e-8, 3.0e-9}));
  show("mixed magnitude matrix", torch::tensor({{1.0e-3, 5.0}, {123.0, 0.5}}));

  auto t = torch::randn({2, 3});
  std::cout << "toString " << t.toString() << "\n";
  std::cout << "toString long " << torch::arange(3).toString() << "\n";
  std::cout << "sizes " << t.sizes() << "\n";
  std::cout << "scalar_type " << t.scalar_type() << "\n";
  std::cout << "device " << t.device() << "\n";
  // Tensor::dtype() is a TypeMeta: it prints the C++ type name, where scalar_type() prints "Float".
  for (auto st : {torch::kByte, torch::kChar, torch::kShort, torch::kInt, torch::kLong,
                  torch::kHalf, torch::kFloat, torch::kDouble, torch::kComplexFloat,
                  torch::kComplexDouble, torch::kBool, torch::kBFloat16}) {
    auto z = torch::zeros({1}, st);
    std::cout << "dtype " << z.scalar_type() << " " << z.dtype() << " " << z.dtype().itemsize()
              << " " << (z.dtype() == st) << " " << (z.dtype() != torch::kFloat) << "\n";
  }
  caffe2::TypeMeta meta = t.dtype();
  torch::ScalarType from_meta = meta.toScalarType();
  std::cout << "meta " << meta.name() << " " << c10::typeMetaToScalarType(meta) << " " << from_meta
            << " " << meta.Match<float>() << " " << caffe2::TypeMeta::Make<double>() << " "
            << (meta == caffe2::TypeMeta::Make<float>()) << "\n";
  std::cout << "same dtype " << torch::zeros({2}, torch::arange(2).dtype()) << "\n";
  std::cout << "to dtype " << t.to(torch::arange(2).dtype()).dtype() << "\n";
  // TensorOptions print which properties were set; the stream stays in boolalpha afterwards.
  std::cout << "options " << t.options() << "\n";
  std::cout << "options " << torch::arange(3).options() << "\n";
  std::cout << "options " << torch::TensorOptions() << "\n";
  std::cout << "options " << torch::dtype(torch::kDouble).requires_grad(true) << "\n";
  std::cout << "options " << torch::TensorOptions().device(torch::kCPU).dtype(t.dtype()) << "\n";
  std::cout << "options " << torch::TensorOptions().requires_grad(false).layout(torch::kStrided)
            << " " << true << "\n";
  std::cout << "undefined " << torch::Tensor() << "\n";
  return 0;
}

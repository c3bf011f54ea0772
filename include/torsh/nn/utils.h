#pragma once
// libtorch's torch::nn::utils: gradient clipping and the parameters <-> one vector conversions.
#include <initializer_list>
#include <vector>

#include "torsh/core/tensor.h"

namespace torsh::nn::utils {

/// Scales the gradients of `parameters` in place so that their total norm (of order
/// norm_type; inf: the largest magnitude) is at most max_norm, as torch: each multiplied by
/// min(max_norm / (total_norm + 1e-6), 1). Returns the total norm before clipping. With
/// error_if_nonfinite a non-finite total norm raises (nothing is scaled).
double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm,
                       double norm_type = 2.0, bool error_if_nonfinite = false);
double clip_grad_norm_(std::initializer_list<Tensor> parameters, double max_norm,
                       double norm_type = 2.0, bool error_if_nonfinite = false);
double clip_grad_norm_(const Tensor& parameter, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);

/// Clamps every gradient of `parameters` to [-clip_value, clip_value] in place.
void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);
void clip_grad_value_(std::initializer_list<Tensor> parameters, double clip_value);
void clip_grad_value_(const Tensor& parameter, double clip_value);

/// The parameters flattened and concatenated into one vector.
Tensor parameters_to_vector(const std::vector<Tensor>& parameters);
/// Copies consecutive slices of vec into the parameters (each given vec's slice as its data).
void vector_to_parameters(const Tensor& vec, const std::vector<Tensor>& parameters);

}  // namespace torsh::nn::utils

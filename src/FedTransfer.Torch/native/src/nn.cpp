// Functional building blocks of a network: the composite ATen ops PyTorch's torch.nn.functional calls.
#include "common.h"

#include <ATen/ops/cat.h>
#include <ATen/ops/conv2d.h>
#include <ATen/ops/cross_entropy_loss.h>
#include <ATen/ops/dropout.h>
#include <ATen/ops/embedding.h>
#include <ATen/ops/layer_norm.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/stack.h>

#include <vector>

using ft::T;

namespace {
std::vector<at::Tensor> tensor_list(const ft_tensor* handles, int n) {
  TORCH_CHECK(n > 0, "expected at least one tensor");
  std::vector<at::Tensor> list;
  list.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) list.push_back(T(handles[i]));
  return list;
}
}  // namespace

FT_API ft_tensor ft_linear(ft_tensor x, ft_tensor w, ft_tensor b) { FT_RETURN_TENSOR(at::linear(T(x), T(w), ft::opt(b))); }

FT_API ft_tensor ft_conv2d(ft_tensor x, ft_tensor w, ft_tensor b, int64_t sh, int64_t sw, int64_t ph, int64_t pw) {
  FT_TRY
  const int64_t stride[2] = {sh, sw};
  const int64_t padding[2] = {ph, pw};
  return ft::wrap(at::conv2d(T(x), T(w), ft::opt(b), stride, padding));
  FT_CATCH(nullptr)
}

FT_API ft_tensor ft_layer_norm(ft_tensor x, const int64_t* shape, int n, ft_tensor w, ft_tensor b, double eps) {
  FT_RETURN_TENSOR(at::layer_norm(T(x), ft::dims(shape, n), ft::opt(w), ft::opt(b), eps));
}

FT_API ft_tensor ft_dropout(ft_tensor x, double p, int training) {
  FT_TRY
  TORCH_CHECK(p >= 0.0 && p <= 1.0, "dropout probability has to be between 0 and 1, but got ", p);
  // Identity in eval mode or with p = 0 (what at::dropout returns too), without a trip through the dispatcher.
  if (!training || p == 0.0) return ft::wrap(at::Tensor(T(x)));
  return ft::wrap(at::dropout(T(x), p, true));
  FT_CATCH(nullptr)
}

FT_API ft_tensor ft_embedding(ft_tensor indices, ft_tensor weight) { FT_RETURN_TENSOR(at::embedding(T(weight), T(indices))); }

FT_API ft_tensor ft_cross_entropy(ft_tensor logits, ft_tensor targets, double label_smoothing) {
  FT_RETURN_TENSOR(at::cross_entropy_loss(T(logits), T(targets), {}, at::Reduction::Mean, -100, label_smoothing));
}

FT_API ft_tensor ft_cat(const ft_tensor* tensors, int n, int64_t dim) { FT_RETURN_TENSOR(at::cat(tensor_list(tensors, n), dim)); }

FT_API ft_tensor ft_stack(const ft_tensor* tensors, int n, int64_t dim) {
  FT_RETURN_TENSOR(at::stack(tensor_list(tensors, n), dim));
}

// softmax(q·kᵀ·scale)·v in one call: what nn.MultiheadAttention does, minus four managed round trips.
// q is scaled before the product (as PyTorch does) so the scale multiplies the smaller tensor.
FT_API ft_tensor ft_attention(ft_tensor q, ft_tensor k, ft_tensor v, double scale, double dropout_p, int training) {
  FT_TRY
  at::Tensor scores = T(q).mul(scale).matmul(T(k).transpose(-2, -1));
  at::Tensor weights = scores.softmax(-1);
  if (dropout_p > 0.0 && training) weights = at::dropout(weights, dropout_p, true);
  return ft::wrap(weights.matmul(T(v)));
  FT_CATCH(nullptr)
}

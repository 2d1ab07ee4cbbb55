// Out-of-place tensor ops. Tensor methods dispatch straight to at::_ops, so no per-op headers are needed
// except for the few functions that are not methods.
#include "common.h"

#include <ATen/ops/gelu.h>

using ft::T;

FT_API ft_tensor ft_add(ft_tensor a, ft_tensor b, double alpha) { FT_RETURN_TENSOR(T(a).add(T(b), alpha)); }
FT_API ft_tensor ft_sub(ft_tensor a, ft_tensor b, double alpha) { FT_RETURN_TENSOR(T(a).sub(T(b), alpha)); }
FT_API ft_tensor ft_mul(ft_tensor a, ft_tensor b) { FT_RETURN_TENSOR(T(a).mul(T(b))); }
FT_API ft_tensor ft_div(ft_tensor a, ft_tensor b) { FT_RETURN_TENSOR(T(a).div(T(b))); }
FT_API ft_tensor ft_add_scalar(ft_tensor a, double s) { FT_RETURN_TENSOR(T(a).add(s)); }
FT_API ft_tensor ft_mul_scalar(ft_tensor a, double s) { FT_RETURN_TENSOR(T(a).mul(s)); }
FT_API ft_tensor ft_div_scalar(ft_tensor a, double s) { FT_RETURN_TENSOR(T(a).div(s)); }
// s - a and s / a, as Python's __rsub__ / __rtruediv__ compute them.
FT_API ft_tensor ft_rsub_scalar(ft_tensor a, double s) { FT_RETURN_TENSOR(T(a).neg().add(s)); }
FT_API ft_tensor ft_rdiv_scalar(ft_tensor a, double s) { FT_RETURN_TENSOR(T(a).reciprocal().mul(s)); }
FT_API ft_tensor ft_matmul(ft_tensor a, ft_tensor b) { FT_RETURN_TENSOR(T(a).matmul(T(b))); }

FT_API ft_tensor ft_neg(ft_tensor a) { FT_RETURN_TENSOR(T(a).neg()); }
FT_API ft_tensor ft_exp(ft_tensor a) { FT_RETURN_TENSOR(T(a).exp()); }
FT_API ft_tensor ft_log(ft_tensor a) { FT_RETURN_TENSOR(T(a).log()); }
FT_API ft_tensor ft_sqrt(ft_tensor a) { FT_RETURN_TENSOR(T(a).sqrt()); }
FT_API ft_tensor ft_abs(ft_tensor a) { FT_RETURN_TENSOR(T(a).abs()); }
FT_API ft_tensor ft_tanh(ft_tensor a) { FT_RETURN_TENSOR(T(a).tanh()); }
FT_API ft_tensor ft_sigmoid(ft_tensor a) { FT_RETURN_TENSOR(T(a).sigmoid()); }
FT_API ft_tensor ft_relu(ft_tensor a) { FT_RETURN_TENSOR(T(a).relu()); }
FT_API ft_tensor ft_gelu(ft_tensor a, int tanh_approximation) {
  FT_RETURN_TENSOR(at::gelu(T(a), tanh_approximation ? "tanh" : "none"));
}
FT_API ft_tensor ft_pow_scalar(ft_tensor a, double exponent) { FT_RETURN_TENSOR(T(a).pow(exponent)); }
FT_API ft_tensor ft_clamp(ft_tensor a, int has_min, double min, int has_max, double max) {
  FT_RETURN_TENSOR(T(a).clamp(has_min ? c10::optional<at::Scalar>(min) : c10::nullopt,
                              has_max ? c10::optional<at::Scalar>(max) : c10::nullopt));
}
FT_API ft_tensor ft_softmax(ft_tensor a, int64_t dim) { FT_RETURN_TENSOR(T(a).softmax(dim)); }
FT_API ft_tensor ft_log_softmax(ft_tensor a, int64_t dim) { FT_RETURN_TENSOR(T(a).log_softmax(dim)); }

FT_API ft_tensor ft_reshape(ft_tensor a, const int64_t* s, int n) { FT_RETURN_TENSOR(T(a).reshape(ft::dims(s, n))); }
FT_API ft_tensor ft_view(ft_tensor a, const int64_t* s, int n) { FT_RETURN_TENSOR(T(a).view(ft::dims(s, n))); }
FT_API ft_tensor ft_permute(ft_tensor a, const int64_t* d, int n) { FT_RETURN_TENSOR(T(a).permute(ft::dims(d, n))); }
FT_API ft_tensor ft_expand(ft_tensor a, const int64_t* s, int n) { FT_RETURN_TENSOR(T(a).expand(ft::dims(s, n))); }
FT_API ft_tensor ft_transpose(ft_tensor a, int64_t d0, int64_t d1) { FT_RETURN_TENSOR(T(a).transpose(d0, d1)); }
FT_API ft_tensor ft_unsqueeze(ft_tensor a, int64_t dim) { FT_RETURN_TENSOR(T(a).unsqueeze(dim)); }
FT_API ft_tensor ft_squeeze(ft_tensor a, int64_t dim) { FT_RETURN_TENSOR(T(a).squeeze(dim)); }
FT_API ft_tensor ft_flatten(ft_tensor a, int64_t start_dim, int64_t end_dim) {
  FT_RETURN_TENSOR(T(a).flatten(start_dim, end_dim));
}
FT_API ft_tensor ft_slice(ft_tensor a, int64_t dim, int64_t start, int64_t end, int64_t step) {
  FT_RETURN_TENSOR(T(a).slice(dim, start, end, step));
}
FT_API ft_tensor ft_select(ft_tensor a, int64_t dim, int64_t index) { FT_RETURN_TENSOR(T(a).select(dim, index)); }
FT_API ft_tensor ft_index_select(ft_tensor a, int64_t dim, ft_tensor index) {
  FT_RETURN_TENSOR(T(a).index_select(dim, T(index)));
}

FT_API ft_tensor ft_sum(ft_tensor a) { FT_RETURN_TENSOR(T(a).sum()); }
FT_API ft_tensor ft_sum_dims(ft_tensor a, const int64_t* d, int n, int keepdim) {
  FT_RETURN_TENSOR(T(a).sum(ft::dims(d, n), keepdim != 0));
}
FT_API ft_tensor ft_mean(ft_tensor a) { FT_RETURN_TENSOR(T(a).mean()); }
FT_API ft_tensor ft_mean_dims(ft_tensor a, const int64_t* d, int n, int keepdim) {
  FT_RETURN_TENSOR(T(a).mean(ft::dims(d, n), keepdim != 0));
}
FT_API ft_tensor ft_max(ft_tensor a) { FT_RETURN_TENSOR(T(a).max()); }
FT_API ft_tensor ft_argmax(ft_tensor a, int64_t dim, int keepdim) { FT_RETURN_TENSOR(T(a).argmax(dim, keepdim != 0)); }
FT_API ft_tensor ft_eq(ft_tensor a, ft_tensor b) { FT_RETURN_TENSOR(T(a).eq(T(b))); }
FT_API ft_tensor ft_norm(ft_tensor a) { FT_RETURN_TENSOR(T(a).norm()); }

FT_API int ft_all_finite(ft_tensor a, int* out) { FT_RETURN_STATUS(*out = T(a).isfinite().all().item<bool>() ? 1 : 0); }
FT_API int ft_equal(ft_tensor a, ft_tensor b, int* out) { FT_RETURN_STATUS(*out = T(a).equal(T(b)) ? 1 : 0); }

// Factories, dtype/device conversion and copies between tensors and caller memory.
#include "common.h"

#include <ATen/ops/arange.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/full.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/rand.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/zeros.h>

#include <cstring>

using ft::T;

FT_API ft_tensor ft_from_data(const void* data, const int64_t* shape, int ndim, int dtype) {
  FT_TRY
  // The caller (managed side) has checked that `data` holds numel * element-size bytes.
  at::Tensor t = at::empty(ft::dims(shape, ndim), at::TensorOptions().dtype(ft::scalar_type(dtype)));
  if (t.numel() > 0) std::memcpy(t.data_ptr(), data, t.nbytes());
  return ft::wrap(std::move(t));
  FT_CATCH(nullptr)
}

FT_API ft_tensor ft_empty(const int64_t* shape, int ndim, int dtype, int dt, int di) {
  FT_RETURN_TENSOR(at::empty(ft::dims(shape, ndim), ft::options(dtype, dt, di)));
}

FT_API ft_tensor ft_zeros(const int64_t* shape, int ndim, int dtype, int dt, int di) {
  FT_RETURN_TENSOR(at::zeros(ft::dims(shape, ndim), ft::options(dtype, dt, di)));
}

FT_API ft_tensor ft_ones(const int64_t* shape, int ndim, int dtype, int dt, int di) {
  FT_RETURN_TENSOR(at::ones(ft::dims(shape, ndim), ft::options(dtype, dt, di)));
}

FT_API ft_tensor ft_full(const int64_t* shape, int ndim, double value, int dtype, int dt, int di) {
  FT_RETURN_TENSOR(at::full(ft::dims(shape, ndim), value, ft::options(dtype, dt, di)));
}

FT_API ft_tensor ft_randn(const int64_t* shape, int ndim, int dtype, int dt, int di) {
  FT_RETURN_TENSOR(at::randn(ft::dims(shape, ndim), ft::options(dtype, dt, di)));
}

FT_API ft_tensor ft_rand(const int64_t* shape, int ndim, int dtype, int dt, int di) {
  FT_RETURN_TENSOR(at::rand(ft::dims(shape, ndim), ft::options(dtype, dt, di)));
}

FT_API ft_tensor ft_arange(int64_t n, int dtype, int dt, int di) {
  FT_RETURN_TENSOR(at::arange(n, ft::options(dtype, dt, di)));
}

FT_API ft_tensor ft_to_device(ft_tensor t, int dt, int di) { FT_RETURN_TENSOR(T(t).to(ft::device(dt, di))); }

FT_API ft_tensor ft_to_dtype(ft_tensor t, int dtype) { FT_RETURN_TENSOR(T(t).to(ft::scalar_type(dtype))); }

FT_API ft_tensor ft_clone(ft_tensor t) { FT_RETURN_TENSOR(T(t).clone()); }

FT_API ft_tensor ft_detach(ft_tensor t) { FT_RETURN_TENSOR(T(t).detach()); }

FT_API ft_tensor ft_contiguous(ft_tensor t) { FT_RETURN_TENSOR(T(t).contiguous()); }

// A second handle to the same tensor (same autograd identity), e.g. for a module that keeps its own reference.
FT_API ft_tensor ft_alias(ft_tensor t) { FT_RETURN_TENSOR(at::Tensor(T(t))); }

FT_API int ft_copy_to_host(ft_tensor t, void* dst, int64_t nbytes) {
  FT_TRY
  at::Tensor src = T(t).detach().to(at::kCPU).contiguous();
  TORCH_CHECK(static_cast<int64_t>(src.nbytes()) == nbytes, "copy to host: tensor holds ", src.nbytes(),
              " bytes but the destination has ", nbytes);
  if (nbytes > 0) std::memcpy(dst, src.data_ptr(), static_cast<size_t>(nbytes));
  return 0;
  FT_CATCH(-1)
}

FT_API int ft_item_double(ft_tensor t, double* out) { FT_RETURN_STATUS(*out = T(t).item().toDouble()); }

FT_API int ft_item_int64(ft_tensor t, int64_t* out) { FT_RETURN_STATUS(*out = T(t).item().toLong()); }

// Autograd: backward, gradients, requires-grad, and the thread-local grad mode behind Torch.NoGrad().
#include "common.h"

#include <c10/core/GradMode.h>

using ft::T;

FT_API int ft_backward(ft_tensor t) { FT_RETURN_STATUS(T(t).backward()); }

// *out is NULL (and the call succeeds) when the tensor has no gradient yet.
FT_API int ft_grad(ft_tensor t, ft_tensor* out) {
  FT_TRY
  const at::Tensor& g = T(t).grad();
  *out = g.defined() ? ft::wrap(at::Tensor(g)) : nullptr;
  return 0;
  FT_CATCH(-1)
}

FT_API int ft_set_requires_grad(ft_tensor t, int requires_grad) { FT_RETURN_STATUS(T(t).set_requires_grad(requires_grad != 0)); }

// Drops the gradient (PyTorch's set_to_none): cheaper than zero-filling, and backward re-creates it.
FT_API int ft_zero_grad(ft_tensor t) { FT_RETURN_STATUS(T(t).mutable_grad().reset()); }

// Sets grad mode for the calling thread and returns the previous value, so the managed scope can restore it.
FT_API int ft_grad_mode_set(int enabled) {
  bool previous = c10::GradMode::is_enabled();
  c10::GradMode::set_enabled(enabled != 0);
  return previous ? 1 : 0;
}

FT_API int ft_grad_mode_enabled(void) { return c10::GradMode::is_enabled() ? 1 : 0; }

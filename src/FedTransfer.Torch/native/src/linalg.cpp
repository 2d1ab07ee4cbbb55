// Linear algebra exports (torch.linalg). Kept apart from ops.cpp: LAPACK/cuSOLVER-backed calls with several outputs.
#include "common.h"

#include <ATen/ATen.h>

using ft::T;

// torch.linalg.svd(a, full_matrices): a = U diag(S) Vh, singular values descending. On success the three outputs are
// new handles; on failure none is allocated, so the caller never has to free a partial result.
FT_API int ft_linalg_svd(ft_tensor a, int full_matrices, ft_tensor* u, ft_tensor* s, ft_tensor* vh) {
  FT_TRY
  TORCH_CHECK(T(a).dim() >= 2, "svd needs a matrix (or a batch of matrices), got a tensor of ", T(a).dim(), " dimension(s)");
  auto [U, S, Vh] = at::linalg_svd(T(a), full_matrices != 0);
  *u = ft::wrap(std::move(U));
  *s = ft::wrap(std::move(S));
  *vh = ft::wrap(std::move(Vh));
  return 0;
  FT_CATCH(-1)
}

// In-place updates. On a leaf that requires grad these fail (libtorch's rule) unless grad mode is off.
#include "common.h"

using ft::T;

FT_API int ft_add_(ft_tensor a, ft_tensor b, double alpha) { FT_RETURN_STATUS(T(a).add_(T(b), alpha)); }
FT_API int ft_mul_scalar_(ft_tensor a, double s) { FT_RETURN_STATUS(T(a).mul_(s)); }
FT_API int ft_copy_(ft_tensor dst, ft_tensor src) { FT_RETURN_STATUS(T(dst).copy_(T(src))); }
FT_API int ft_zero_(ft_tensor a) { FT_RETURN_STATUS(T(a).zero_()); }
FT_API int ft_fill_(ft_tensor a, double value) { FT_RETURN_STATUS(T(a).fill_(value)); }
FT_API int ft_normal_(ft_tensor a, double mean, double std) { FT_RETURN_STATUS(T(a).normal_(mean, std)); }
FT_API int ft_uniform_(ft_tensor a, double lo, double hi) { FT_RETURN_STATUS(T(a).uniform_(lo, hi)); }

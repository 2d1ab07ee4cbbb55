// Optimizers and gradient clipping. One native call per step keeps the per-parameter work out of managed code.
#include "common.h"

#include <ATen/ops/stack.h>
#include <c10/core/GradMode.h>
#include <torch/optim/adamw.h>
#include <torch/optim/sgd.h>

#include <memory>
#include <vector>

using ft::T;

struct ft_optim_s {
  std::vector<at::Tensor> params;
  std::unique_ptr<torch::optim::Optimizer> impl;
};

namespace {
std::vector<at::Tensor> param_list(const ft_tensor* handles, int n) {
  std::vector<at::Tensor> list;
  list.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const at::Tensor& p = T(handles[i]);
    TORCH_CHECK(p.is_leaf(), "optimizer parameter ", i, " is not a leaf tensor (it was computed from others); "
                "pass the model's parameters, not results of operations");
    list.push_back(p);
  }
  return list;
}

void check_hyper(double lr, double weight_decay) {
  TORCH_CHECK(lr >= 0.0, "invalid learning rate ", lr, " (must be >= 0)");
  TORCH_CHECK(weight_decay >= 0.0, "invalid weight decay ", weight_decay, " (must be >= 0)");
}
}  // namespace

FT_API ft_optim ft_adamw_new(const ft_tensor* params, int n, double lr, double beta1, double beta2, double eps,
                             double weight_decay) {
  FT_TRY
  check_hyper(lr, weight_decay);
  TORCH_CHECK(beta1 >= 0.0 && beta1 < 1.0 && beta2 >= 0.0 && beta2 < 1.0, "invalid betas (", beta1, ", ", beta2,
              "): each must be in [0, 1)");
  TORCH_CHECK(eps >= 0.0, "invalid epsilon ", eps, " (must be >= 0)");
  auto o = std::make_unique<ft_optim_s>();
  o->params = param_list(params, n);
  auto opts = torch::optim::AdamWOptions(lr).betas({beta1, beta2}).eps(eps).weight_decay(weight_decay);
  o->impl = std::make_unique<torch::optim::AdamW>(o->params, opts);
  return o.release();
  FT_CATCH(nullptr)
}

FT_API ft_optim ft_sgd_new(const ft_tensor* params, int n, double lr, double momentum, double weight_decay) {
  FT_TRY
  check_hyper(lr, weight_decay);
  TORCH_CHECK(momentum >= 0.0, "invalid momentum ", momentum, " (must be >= 0)");
  auto o = std::make_unique<ft_optim_s>();
  o->params = param_list(params, n);
  auto opts = torch::optim::SGDOptions(lr).momentum(momentum).weight_decay(weight_decay);
  o->impl = std::make_unique<torch::optim::SGD>(o->params, opts);
  return o.release();
  FT_CATCH(nullptr)
}

FT_API int ft_optim_step(ft_optim o) { FT_RETURN_STATUS(o->impl->step()); }

// Gradients are dropped (set to none) rather than zero-filled: cheaper, and the next backward re-creates them.
FT_API int ft_optim_zero_grad(ft_optim o) {
  FT_TRY
  for (auto& p : o->params) p.mutable_grad().reset();
  return 0;
  FT_CATCH(-1)
}

FT_API int ft_optim_get_lr(ft_optim o, double* out) {
  FT_RETURN_STATUS(*out = o->impl->param_groups().at(0).options().get_lr());
}

FT_API int ft_optim_set_lr(ft_optim o, double lr) {
  FT_TRY
  TORCH_CHECK(lr >= 0.0, "invalid learning rate ", lr, " (must be >= 0)");
  for (auto& group : o->impl->param_groups()) group.options().set_lr(lr);
  return 0;
  FT_CATCH(-1)
}

FT_API void ft_optim_free(ft_optim o) { delete o; }

// torch.nn.utils.clip_grad_norm_ (L2): scales every gradient by max_norm / (total + 1e-6) when that is below 1.
FT_API int ft_clip_grad_norm(const ft_tensor* params, int n, double max_norm, double* total_norm) {
  FT_TRY
  TORCH_CHECK(max_norm > 0.0, "max_norm must be > 0, got ", max_norm);
  c10::AutoGradMode no_grad(false);
  std::vector<at::Tensor> norms;
  std::vector<at::Tensor> grads;
  norms.reserve(static_cast<size_t>(n));
  grads.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const at::Tensor& g = T(params[i]).grad();
    if (!g.defined()) continue;
    grads.push_back(g);
    norms.push_back(g.norm());
  }
  if (grads.empty()) {
    *total_norm = 0.0;
    return 0;
  }
  const double total = at::stack(norms).norm().item().toDouble();
  const double coef = max_norm / (total + 1e-6);
  if (coef < 1.0) {
    for (auto& g : grads) g.mul_(coef);
  }
  *total_norm = total;
  return 0;
  FT_CATCH(-1)
}

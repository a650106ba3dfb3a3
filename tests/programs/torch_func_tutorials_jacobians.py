"""Two torch.func tutorials as written, on small float64 problems: "Per-sample-gradients" (a small CNN, the loss
through functional_call over detached params and buffers, ft_compute_grad = grad(compute_loss), vmap with
in_dims=(None, None, 0, 0), checked against a loop of loss.backward()), and "Jacobians, Hessians, hvp, vhp, and
more" (predict(weight, bias, x), a vjp-per-row Jacobian, jacrev with argnums, jacfwd, batched Jacobians through
vmap(jacrev(...)) and through jacrev of the summed function, hessian, hessian of an nn.Module's parameters, and
hvp written as jvp over grad, checked against torch.autograd.functional.hvp). Weights and data from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, hessian, jacfwd, jacrev, jvp, vjp, vmap


class SimpleCNN(nn.Module):
    def __init__(self):
        super(SimpleCNN, self).__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 6, 3, 1)
        self.fc1 = nn.Linear(6 * 2 * 2, 16)
        self.fc2 = nn.Linear(16, 5)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def loss_fn(predictions, targets):
    return F.nll_loss(predictions, targets)


def predict(weight, bias, x):
    return F.linear(x, weight, bias).tanh()


def main():
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(0)
    batch_size = 8
    data = torch.randn(batch_size, 1, 8, 8)
    targets = torch.randint(5, (batch_size,))
    model = SimpleCNN()

    def compute_grad(sample, target):
        sample = sample.unsqueeze(0)
        target = target.unsqueeze(0)
        prediction = model(sample)
        loss = loss_fn(prediction, target)
        return torch.autograd.grad(loss, list(model.parameters()))

    def compute_sample_grads(data, targets):
        sample_grads = [compute_grad(data[i], targets[i]) for i in range(batch_size)]
        sample_grads = zip(*sample_grads)
        sample_grads = [torch.stack(shards) for shards in sample_grads]
        return sample_grads

    per_sample_grads = compute_sample_grads(data, targets)
    print("loop grads", per_sample_grads[1].shape, per_sample_grads[0].shape)
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def compute_loss(params, buffers, sample, target):
        batch = sample.unsqueeze(0)
        targets = target.unsqueeze(0)
        predictions = functional_call(model, (params, buffers), (batch,))
        loss = loss_fn(predictions, targets)
        return loss

    ft_compute_grad = grad(compute_loss)
    ft_compute_sample_grad = vmap(ft_compute_grad, in_dims=(None, None, 0, 0))
    ft_per_sample_grads = ft_compute_sample_grad(params, buffers, data, targets)
    for per_sample_grad, ft_per_sample_grad in zip(per_sample_grads, ft_per_sample_grads.values()):
        assert torch.allclose(per_sample_grad, ft_per_sample_grad, atol=1.2e-1, rtol=1e-5)
    print("vmap keys", list(ft_per_sample_grads.keys()))
    print("fc2.bias per-sample", ft_per_sample_grads["fc2.bias"][:3])
    print("max loop-vmap gap", max((a - b).abs().max().item() for a, b in zip(per_sample_grads,
                                                                            ft_per_sample_grads.values())) < 1e-12)
    print("grad norms", torch.stack([g.flatten(1).norm(dim=1) for g in ft_per_sample_grads.values()]).sum(0))

    D = 6
    weight = torch.randn(D, D)
    bias = torch.randn(D)
    x = torch.randn(D)
    xp = x.clone().requires_grad_()
    unit_vectors = torch.eye(D)

    def compute_jac(xp):
        jacobian_rows = [torch.autograd.grad(predict(weight, bias, xp), xp, vec)[0] for vec in unit_vectors]
        return torch.stack(jacobian_rows)

    jacobian = compute_jac(xp)
    print("jacobian", jacobian.shape, jacobian[0])
    _, vjp_fn = vjp(partial_predict := (lambda x_: predict(weight, bias, x_)), x)
    ft_jacobian, = vmap(vjp_fn)(unit_vectors)
    print("vmap-vjp equal", torch.allclose(ft_jacobian, jacobian))
    ft_jacobian = jacrev(predict, argnums=2)(weight, bias, x)
    print("jacrev equal", torch.allclose(ft_jacobian, jacobian))
    ft_jac_weight, ft_jac_bias = jacrev(predict, argnums=(0, 1))(weight, bias, x)
    print("argnums shapes", ft_jac_weight.shape, ft_jac_bias.shape, ft_jac_bias[2])
    jacfwd_jac = jacfwd(predict, argnums=2)(weight, bias, x)
    print("jacfwd equal", torch.allclose(jacfwd_jac, ft_jacobian), jacfwd_jac.diagonal())

    batch_size = 5
    x = torch.randn(batch_size, D)
    compute_batch_jacobian = vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))
    batch_jacobian0 = compute_batch_jacobian(weight, bias, x)

    def predict_with_output_summed(weight, bias, x):
        return predict(weight, bias, x).sum(0)

    batch_jacobian1 = jacrev(predict_with_output_summed, argnums=2)(weight, bias, x).movedim(1, 0)
    print("batch jacobians", batch_jacobian0.shape, torch.allclose(batch_jacobian0, batch_jacobian1))

    hess_api = hessian(predict, argnums=2)(weight, bias, x[0])
    hess_fwdfwd = jacfwd(jacfwd(predict, argnums=2), argnums=2)(weight, bias, x[0])
    print("hessian", hess_api.shape, torch.allclose(hess_api, hess_fwdfwd), hess_api[1, 2, :3])

    mlp = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    mparams = {k: v.detach() for k, v in mlp.named_parameters()}
    inp = torch.randn(7, 3)

    def mse(p):
        return functional_call(mlp, p, (inp,)).pow(2).mean()

    h = hessian(mse)(mparams)
    print("module hessian blocks", {k: tuple(v.shape) for k, v in h["2.weight"].items()})
    print("block 2.bias/2.weight", h["2.bias"]["2.weight"])

    def hvp(f, primals, tangents):
        return jvp(grad(f), primals, tangents)[1]

    def f(x):
        return x.sin().sum() + (x ** 3).prod()

    xv = torch.randn(4)
    tangent = torch.randn(4)
    ours = hvp(f, (xv,), (tangent,))
    ref = torch.autograd.functional.hvp(f, xv, tangent)[1]
    print("hvp", ours, torch.allclose(ours, ref))


if __name__ == "__main__":
    main()

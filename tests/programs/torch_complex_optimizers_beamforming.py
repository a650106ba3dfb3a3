"""Complex parameters trained by every common optimizer, as array-processing and holography code does it; tests
run it as is and with only its imports changed, and compare what both print. A complex64 beamformer fitted with
Adam (amsgrad), AdamW, RMSprop, Adagrad and SGD with momentum / nesterov / weight decay, the same fit through
view_as_real parameters, a phase-only hologram optimised through torch.polar and fft2 / ifft2 with norm="ortho",
abs / angle / sgn gradients at zero, complex matmul and vdot / inner / outer with gradients, and rfft / irfft of
odd lengths with gradients. Float32 / complex64 from a seeded NumPy generator.
"""
import numpy as np
import torch


def steering(angles, sensors):
    pos = torch.arange(sensors, dtype=torch.float32)
    return torch.polar(torch.ones(len(angles), sensors), torch.pi * torch.sin(angles).unsqueeze(1) * pos)


def beam_loss(w, a_target, a_jam):
    gain = (a_target.conj() @ w).abs() ** 2
    leak = (a_jam.conj() @ w).abs().pow(2).sum()
    return -torch.log(gain.sum()) + 3.0 * leak + 0.1 * (w.abs() ** 2).sum()


def main():
    rng = np.random.default_rng(2404)
    sensors = 6
    a_target = steering(torch.tensor([0.3]), sensors)
    a_jam = steering(torch.tensor([-0.5, 0.9]), sensors)
    start = (rng.standard_normal(sensors) + 1j * rng.standard_normal(sensors)).astype(np.complex64) * 0.3
    makers = [("adam amsgrad", lambda p: torch.optim.Adam(p, lr=0.05, amsgrad=True)),
              ("adamw", lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.1)),
              ("rmsprop", lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True)),
              ("adagrad", lambda p: torch.optim.Adagrad(p, lr=0.2)),
              ("sgd nesterov", lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9, nesterov=True,
                                                         weight_decay=0.01))]
    for name, make in makers:
        w = torch.tensor(start, requires_grad=True)
        opt = make([w])
        for _ in range(25):
            opt.zero_grad()
            loss = beam_loss(w, a_target, a_jam)
            loss.backward()
            opt.step()
        print(name, round(loss.item(), 4), w.dtype, w.detach()[:3])

    wr = torch.view_as_real(torch.tensor(start)).clone().requires_grad_(True)
    opt = torch.optim.Adam([wr], lr=0.05)
    for _ in range(25):
        opt.zero_grad()
        loss = beam_loss(torch.view_as_complex(wr), a_target, a_jam)
        loss.backward()
        opt.step()
    print("as real pairs", round(loss.item(), 4), wr.shape, wr.grad[:2])
    w = torch.tensor(start, requires_grad=True)
    beam_loss(w, a_target, a_jam).backward()
    print("complex grad equals paired grad", torch.allclose(torch.view_as_real(w.grad),
                                                            torch.view_as_real(w.grad).clone()), w.grad[:2])

    target = torch.zeros(8, 8)
    target[2:4, 2:6] = 1.0
    target[5, 1:7] = 1.0
    phase = torch.tensor(rng.uniform(-np.pi, np.pi, (8, 8)).astype(np.float32), requires_grad=True)
    opt = torch.optim.Adam([phase], lr=0.1)
    for step in range(60):
        opt.zero_grad()
        field = torch.fft.fft2(torch.polar(torch.ones(8, 8), phase), norm="ortho")
        intensity = field.abs() ** 2
        loss = ((intensity / intensity.sum() - target / target.sum()) ** 2).sum() * 100
        loss.backward()
        opt.step()
        if step % 20 == 19:
            print("hologram", step, round(loss.item(), 6))
    back = torch.fft.ifft2(field, norm="ortho")
    print("back to unit modulus", torch.allclose(back.abs(), torch.ones(8, 8), atol=1e-5), back.angle().shape)

    z = torch.tensor([0j, 1 + 1j, -2 + 0.5j, 3j], dtype=torch.complex64, requires_grad=True)
    (z.abs().sum() + z.angle().sum() + torch.view_as_real(z.sgn()).sum()).backward()
    print("abs angle sgn grads", z.grad)
    z2 = z.detach().clone().requires_grad_(True)
    (z2.abs() ** 2).sum().backward()
    print("|z|^2 grad", z2.grad)
    m = torch.tensor(rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3)), dtype=torch.complex64,
                     requires_grad=True)
    v = torch.tensor(rng.standard_normal(3) + 1j * rng.standard_normal(3), dtype=torch.complex64,
                     requires_grad=True)
    out = torch.vdot(v, m @ v)
    (out.real + 2 * out.imag).backward()
    print("vdot", out, m.grad[0], v.grad)
    v.grad = None
    prod = torch.inner(v, v.conj()) + torch.outer(v, v).trace()
    prod.abs().backward()
    print("inner outer", prod, v.grad)
    mh = m.mH @ m
    print("hermitian", mh.diagonal().imag.abs().max().item() < 1e-6, torch.linalg.eigvalsh(mh.detach()))

    sig = torch.tensor(rng.standard_normal(9).astype(np.float32), requires_grad=True)
    spec = torch.fft.rfft(sig, n=11)
    back = torch.fft.irfft(spec * torch.linspace(1, 0, 6), n=9)
    (back ** 2).sum().backward()
    print("rfft odd", spec.shape, back.shape, sig.grad)
    c = torch.tensor(rng.standard_normal(5) + 1j * rng.standard_normal(5), dtype=torch.complex64,
                     requires_grad=True)
    h = torch.fft.hfft(c, n=8)
    (h * torch.arange(8.0)).sum().backward()
    print("hfft", h, c.grad)


if __name__ == "__main__":
    main()

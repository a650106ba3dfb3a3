"""grid_sample's bicubic mode (4-D input), PyTorch's way: Keys' cubic convolution (a = -0.75) over the 4 x 4 pixels
around each point, with the padding mode applied to each tap's index rather than to the point, so 'border' and
'reflection' read edge or mirrored pixels while the weights still come from the unclipped position."""
import autograd as ag

#: Keys' cubic convolution parameter, PyTorch's choice for bicubic sampling
CUBIC_A = -0.75


def cubic_weights(t):
    """The four weights of the taps at floor - 1, floor, floor + 1 and floor + 2, for fractional offsets t."""
    a = CUBIC_A

    def near(x):   # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):    # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def bicubic_taps(x, n, source_index):
    """(index, weight) pairs of the four taps along one dim at pixel coordinates x (n pixels). source_index maps a
    tap's (float) index to the pixel it reads under the padding mode; taps still outside [0, n) (zero padding)
    get index 0 and weight 0."""
    left = ag.floor(x)
    t = x - left
    taps = []
    for offset, weight in zip((-1, 0, 1, 2), cubic_weights(t)):
        index = source_index((left + offset).detach())
        ok = (index >= 0) & (index <= n - 1)
        taps.append((ag.where(ok, index, 0.0).long(), ag.where(ok, weight, 0.0)))
    return taps

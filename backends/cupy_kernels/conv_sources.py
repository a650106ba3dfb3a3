"""The CUDA bodies of the convolution's gather kernels (cupy_kernels/conv.py), kept free of CuPy so that
tests compile them as C++ on the host and check their index arithmetic without a GPU.

Each body runs once per output element `i`; `index_t` is the integer type of the flat indices, a
32-bit one for arrays under 2**31 elements (see conv.py).
"""
GEOMETRY = "int32 n, int32 c, int32 h, int32 w, int32 ho, int32 wo, int32 kh, int32 kw, " \
           "int32 sh, int32 sw, int32 ph, int32 pw, int32 dh, int32 dw"

#: col[(ch, ki, kj), (b, oh, ow)] = x[b, ch, oh * sh - ph + ki * dh, ow * sw - pw + kj * dw], or 0 outside
IM2COL = """
    index_t t = (index_t)i;
    const int ow = t % wo; t /= wo;
    const int oh = t % ho; t /= ho;
    const int b = t % n; t /= n;
    const int kj = t % kw; t /= kw;
    const int ki = t % kh;
    const int ch = t / kh;
    const int y = oh * sh - ph + ki * dh;
    const int xx = ow * sw - pw + kj * dw;
    col = (y >= 0 && y < h && xx >= 0 && xx < w) ? x[(((index_t)b * c + ch) * h + y) * w + xx] : (T)0;
    """

#: gx[b, ch, y, xx] = sum of gcol[(ch, ki, kj), (b, oh, ow)] over the windows (oh, ow) that read it
COL2IM = """
    index_t t = (index_t)i;
    const int xx = t % w; t /= w;
    const int y = t % h; t /= h;
    const int ch = t % c;
    const int b = t / c;
    const index_t plane = (index_t)ho * wo;
    typedef decltype(T() + 0.0f) acc_t;   // float for float16, double for double
    acc_t acc = 0;
    for (int ki = 0; ki < kh; ++ki) {
        const int dy = y + ph - ki * dh;
        if (dy < 0 || dy % sh != 0 || dy / sh >= ho) continue;
        for (int kj = 0; kj < kw; ++kj) {
            const int dx = xx + pw - kj * dw;
            if (dx < 0 || dx % sw != 0 || dx / sw >= wo) continue;
            const index_t row = ((index_t)ch * kh + ki) * kw + kj;
            acc += (acc_t)gcol[(row * n + b) * plane + (dy / sh) * wo + dx / sw];
        }
    }
    gx = (T)acc;
    """

#: dst (B, A, L) = src (A, B, L) with its two leading axes swapped: the products' (C_out, N, Ho * Wo) rows
#: to NCHW and back, each thread one element, rows of L read and written contiguously
SWAP_LEADING = """
    index_t t = (index_t)i;
    const int l = t % len; t /= len;
    const int a = t % na;
    const int b = t / na;
    dst = src[((index_t)a * nb + b) * len + l];
    """
SWAP_PARAMS = "raw T src, int32 na, int32 nb, int32 len"

"""The argument rules of scaled_dot_product_attention on nested tensors, written once for both layouts; where
PyTorch words (or types) a refusal differently per layout, each layout's own is taken."""

#: per layout: (exception type, message) for a dense query/key/value, an attn_mask, and is_causal=True
_REFUSALS = {
    "jagged": {
        "dense": (ValueError, "Expected query, key, and value to be nested tensors, but got query.is_nested: {q}, "
                              "key.is_nested: {k}, and value.is_nested: {v} instead."),
        "mask": (ValueError, "Masks are not yet supported! (attn_mask with nested tensors: the ragged lengths "
                             "already mask each sequence; mask each component of nt.unbind() instead)"),
        "causal": (RuntimeError, "No viable backend for scaled_dot_product_attention was found: nested tensors for "
                                 "query / key are not supported when is_causal=True (pass a causal mask per "
                                 "component on nt.unbind() instead)"),
    },
    "strided": {
        "dense": (RuntimeError, "Expected both to be nested, but got a {self} self and {other} other (query, key "
                                "and value must all be nested tensors)"),
        "mask": (RuntimeError, "Scaled_dot_product_attention: Nested tensors for query / key are not supported when "
                               "an explicit attn_mask is set; mask each component of nt.unbind() instead"),
        "causal": (RuntimeError, "_scaled_dot_product_attention: Nested tensors for query / key are not supported "
                                 "when is_causal=True; pass a causal mask per component of nt.unbind() instead"),
    },
}


def check_attention(layout, cls, query, key, value, attn_mask, is_causal):
    """PyTorch's refusals of attention on nested tensors of `layout` ("jagged" or "strided", whose class is
    `cls`): all three must be nested, no attn_mask, no is_causal, as many components in each."""
    refusals = _REFUSALS[layout]
    nested = [isinstance(t, cls) for t in (query, key, value)]
    if not all(nested):
        error, words = refusals["dense"]
        first_dense = nested.index(False)
        raise error(words.format(q=nested[0], k=nested[1], v=nested[2],
                                 self="nested" if first_dense else "non-nested",
                                 other="non-nested" if first_dense else "nested"))
    for rule, broken in (("mask", attn_mask is not None), ("causal", is_causal)):
        if broken:
            error, words = refusals[rule]
            raise error(words)
    counts = [len(t.unbind()) for t in (query, key, value)]
    for count in counts[1:]:
        if count != counts[0]:
            raise RuntimeError(f"matmul: Expected size for the 1st dimension of 2nd input tensor to be: "
                               f"{counts[0]} but got: {count}. (query, key and value must hold as many components, "
                               f"got {counts})")

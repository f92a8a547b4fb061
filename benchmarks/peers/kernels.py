"""The peers' copies of Fanout's built-in kernels, the same arithmetic as Sources/FanoutJobs/Builtin."""

MASK64 = (1 << 64) - 1


def noop(value):
    """Fanout's `noop`: returns its input."""
    return value


def sum_squares(n, mask=0):
    """Fanout's `sum-squares`: sum of (i xor mask)^2 for i in [0, n), wrapping at 2^64."""
    total = 0
    for i in range(n):
        x = i ^ mask
        total = (total + x * x) & MASK64
    return total

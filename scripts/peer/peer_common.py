"""What both PyTorch peers report of their own setup."""


def blas_library():
    """The BLAS this process really loaded (Debian picks it by alternatives): OpenBLAS or not."""
    try:
        with open("/proc/self/maps") as maps:
            return sorted({line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line})
    except OSError:
        return []

// C interface of OpenBLAS (Debian: libopenblas-dev). Only the Tensor module imports this shim.
#include <cblas.h>

/* oneDNN's C API (Debian libdnnl-dev, oneDNN 2.x). */
#include <dnnl.h>

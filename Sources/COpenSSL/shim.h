/* OpenSSL's TLS API (Debian libssl-dev, OpenSSL 3). */
#include <openssl/ssl.h>
#include <openssl/err.h>

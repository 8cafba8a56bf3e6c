#ifndef HOOKDASH_CLIBCRYPTO_SHIM_H
#define HOOKDASH_CLIBCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#endif

// The system OpenSSL 3 libcrypto for Swift, used only by AXPSimOpenSSL (RS256 signing). Keep this
// file small: the headers, and helpers only for what Swift cannot import or call safely.
#ifndef AXPSIM_COPENSSL_SHIM_H
#define AXPSIM_COPENSSL_SHIM_H

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

/// Reads a PEM private key (PKCS#1 or PKCS#8, unencrypted) from `length` bytes at `pem`; NULL when
/// it cannot (the reason is on OpenSSL's error queue). Never asks for a passphrase.
static inline EVP_PKEY *axp_ossl_read_private_key(const char *pem, int length) {
    BIO *bio = BIO_new_mem_buf(pem, length);
    if (bio == NULL) return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"");
    BIO_free(bio);
    return key;
}

#endif

/*
 * sha256.c - SHA-256 of buffers, texts and files through OpenSSL's libcrypto
 * (EVP interface), for input provenance and import idempotence. Files are
 * read in 1 MiB blocks, so memory is constant whatever the file size.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "core/core_int.h"

void senda__sha256_hex(const unsigned char *md, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
}

void senda__sha256(const void *data, size_t n, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    EVP_Digest(data, n, md, &md_len, EVP_sha256(), NULL);
    senda__sha256_hex(md, hex);
}

void senda__sha256_text(const char *text, char hex[65])
{
    senda__sha256(text, strlen(text), hex);
}

senda_status senda__sha256_file(senda_ctx *ctx, const char *path, char hex[65])
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return senda__fail(ctx, SENDA_ERR_IO, "%s: cannot read it to hash it: %s", path,
                           strerror(errno));
    senda_status st = SENDA_OK;
    EVP_MD_CTX *md_ctx = EVP_MD_CTX_new();
    unsigned char *buf = senda__malloc(ctx, 1 << 20);
    if (!md_ctx || !buf) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    EVP_DigestInit_ex(md_ctx, EVP_sha256(), NULL);
    size_t got;
    while ((got = fread(buf, 1, 1 << 20, fp)) > 0)
        EVP_DigestUpdate(md_ctx, buf, got);
    if (ferror(fp)) {
        st = senda__fail(ctx, SENDA_ERR_IO, "%s: read error while hashing", path);
        goto done;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    EVP_DigestFinal_ex(md_ctx, md, &md_len);
    senda__sha256_hex(md, hex);
done:
    if (md_ctx)
        EVP_MD_CTX_free(md_ctx);
    senda__free(buf);
    fclose(fp);
    return st;
}

/* sha1.h - SHA-1 (FIPS 180-4) and HMAC-SHA1 (RFC 2104), written here for
 * the one place that needs them: checking a text-message provider's
 * webhook signature (X-Twilio-Signature is HMAC-SHA1), and RFC 4122
 * version 5 UUIDs, which are defined over SHA-1 (the names CASE packages give
 * items: domain/frameworks). libsodium has no SHA-1, and SHA-1 must not be
 * used for anything that needs security: passwords, tokens and links use
 * libsodium. */
#ifndef EB_SHA1_H
#define EB_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define SHA1_LEN 20

struct sha1 {
	uint32_t h[5];
	uint64_t bytes;
	unsigned char block[64];
	size_t used;
};

void sha1_init(struct sha1 *s);
void sha1_update(struct sha1 *s, const void *p, size_t n);
void sha1_final(struct sha1 *s, unsigned char out[SHA1_LEN]);
/* HMAC-SHA1 of msg under key (any lengths). */
void hmac_sha1(const void *key, size_t keylen, const void *msg, size_t msglen,
	       unsigned char out[SHA1_LEN]);

#endif

/* outbox_channels.c - the channels this build sends through (outbox.h
 * outbox_channel_for). One line per channel: the text-message channel
 * (h13-sms) adds its own here. */
#include "domain/outbox.h"

#include "domain/smtp.h"

static const struct outbox_channel *const channels[FAMILY_CH_N] = {
	[FAMILY_CH_EMAIL] = &outbox_channel_email,
	[FAMILY_CH_SMS] = NULL,	   /* text messages: h13-sms */
	[FAMILY_CH_LETTER] = NULL, /* printed by `families letters`, never sent */
};

const struct outbox_channel *outbox_channel_for(enum family_channel c)
{
	return (unsigned)c < FAMILY_CH_N ? channels[c] : NULL;
}

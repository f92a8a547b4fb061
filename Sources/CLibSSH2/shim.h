#ifndef FANOUT_CLIBSSH2_SHIM_H
#define FANOUT_CLIBSSH2_SHIM_H

// libssh2 exposes much of its API as function-like macros, which Swift does not import; these static inline
// wrappers give Swift a callable name for each one FanoutSSH uses, plus the few constants whose definitions
// (shifts) the importer cannot be relied on to evaluate.

#include <libssh2.h>

static inline LIBSSH2_SESSION *fanout_libssh2_session_init(void) {
    return libssh2_session_init_ex(NULL, NULL, NULL, NULL);
}

static inline LIBSSH2_CHANNEL *fanout_libssh2_channel_open_session(LIBSSH2_SESSION *session) {
    return libssh2_channel_open_ex(session, "session", sizeof("session") - 1, LIBSSH2_CHANNEL_WINDOW_DEFAULT,
                                   LIBSSH2_CHANNEL_PACKET_DEFAULT, NULL, 0);
}

static inline int fanout_libssh2_channel_exec(LIBSSH2_CHANNEL *channel, const char *command) {
    return libssh2_channel_process_startup(channel, "exec", sizeof("exec") - 1, command,
                                           (unsigned int)strlen(command));
}

static inline ssize_t fanout_libssh2_channel_read(LIBSSH2_CHANNEL *channel, int stream, char *buffer, size_t length) {
    return libssh2_channel_read_ex(channel, stream, buffer, length);
}

static inline ssize_t fanout_libssh2_channel_write(LIBSSH2_CHANNEL *channel, const char *buffer, size_t length) {
    return libssh2_channel_write_ex(channel, 0, buffer, length);
}

static inline int fanout_libssh2_session_disconnect(LIBSSH2_SESSION *session, const char *description) {
    return libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, description, "");
}

static inline int fanout_libssh2_stderr_stream(void) { return SSH_EXTENDED_DATA_STDERR; }

static inline int fanout_libssh2_knownhost_type_plain(void) { return LIBSSH2_KNOWNHOST_TYPE_PLAIN; }
static inline int fanout_libssh2_knownhost_keyenc_raw(void) { return LIBSSH2_KNOWNHOST_KEYENC_RAW; }
static inline int fanout_libssh2_knownhost_key_sshrsa(void) { return LIBSSH2_KNOWNHOST_KEY_SSHRSA; }
static inline int fanout_libssh2_knownhost_key_sshdss(void) { return LIBSSH2_KNOWNHOST_KEY_SSHDSS; }
static inline int fanout_libssh2_knownhost_key_ecdsa_256(void) { return LIBSSH2_KNOWNHOST_KEY_ECDSA_256; }
static inline int fanout_libssh2_knownhost_key_ecdsa_384(void) { return LIBSSH2_KNOWNHOST_KEY_ECDSA_384; }
static inline int fanout_libssh2_knownhost_key_ecdsa_521(void) { return LIBSSH2_KNOWNHOST_KEY_ECDSA_521; }
static inline int fanout_libssh2_knownhost_key_ed25519(void) { return LIBSSH2_KNOWNHOST_KEY_ED25519; }

#endif

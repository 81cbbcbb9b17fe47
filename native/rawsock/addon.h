/*
 * What the addon's two sources (rawsock.c, connect.c) share: its error helpers, defined in
 * rawsock.c, and the connect scan's half, defined on the module's exports by connect.c.
 */
#ifndef PORTCULLIS_ADDON_H
#define PORTCULLIS_ADDON_H
#include <node_api.h>

/* Throws an Error whose `code` is the errno name, so callers match on err.code. */
napi_value throw_errno(napi_env env, const char *what, int e);
/* Throws a TypeError with code ERR_INVALID_ARG_TYPE: the call's signature was not kept. */
napi_value throw_arg(napi_env env, const char *msg);
/* Defines `connect` (connect.c) on the module's exports. */
void connect_define(napi_env env, napi_value exports);
#endif

/*
 * What the addon's sources share: its error helpers, defined in rawsock.c, and the halves
 * the other sources define on the module's exports (connect.c, syn.c).
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
/* Defines `syn` (syn.c) on the module's exports. */
void syn_define(napi_env env, napi_value exports);
#endif

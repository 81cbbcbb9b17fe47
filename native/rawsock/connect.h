/* The connect scan's part of the addon (connect.c), defined on the module's exports. */
#ifndef PORTCULLIS_CONNECT_H
#define PORTCULLIS_CONNECT_H
#include <node_api.h>
void connect_define(napi_env env, napi_value exports);
#endif

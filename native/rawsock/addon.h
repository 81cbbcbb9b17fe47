/*
 * What the addon's sources share: its error helpers, defined in rawsock.c, and the halves
 * the other sources define on the module's exports (connect.c, syn.c).
 */
#ifndef PORTCULLIS_ADDON_H
#define PORTCULLIS_ADDON_H
#include <stdlib.h>
#include <node_api.h>

/* A growable array of T under no lock of its own (connect.c, syn.c). */
#define VEC(T) struct { T *v; size_t n, cap; }
#define VEC_PUSH(vec, item) (((vec).n < (vec).cap || vec_grow((void **)&(vec).v, &(vec).cap, sizeof *(vec).v)) ? ((vec).v[(vec).n++] = (item), 1) : 0)
/* Room for `more` items at once: then `more` pushes cannot fail halfway. */
#define VEC_RESERVE(vec, more) vec_reserve((void **)&(vec).v, &(vec).cap, (vec).n + (more), sizeof *(vec).v)

static inline int vec_reserve(void **v, size_t *cap, size_t want, size_t size) {
  if (want <= *cap) return 1;
  size_t n = *cap == 0 ? 256 : *cap;
  while (n < want) n *= 2;
  void *p = realloc(*v, n * size);
  if (p == NULL) return 0;
  *v = p;
  *cap = n;
  return 1;
}

static inline int vec_grow(void **v, size_t *cap, size_t size) { return vec_reserve(v, cap, *cap + 1, size); }

/* Throws an Error whose `code` is the errno name, so callers match on err.code. */
napi_value throw_errno(napi_env env, const char *what, int e);
/* Throws a TypeError with code ERR_INVALID_ARG_TYPE: the call's signature was not kept. */
napi_value throw_arg(napi_env env, const char *msg);
/* Defines `connect` (connect.c) on the module's exports. */
void connect_define(napi_env env, napi_value exports);
/* Defines `syn` (syn.c) on the module's exports. */
void syn_define(napi_env env, napi_value exports);
#endif

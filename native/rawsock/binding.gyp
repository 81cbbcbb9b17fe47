{
  "targets": [
    {
      "target_name": "rawsock",
      "sources": ["rawsock.c", "connect.c", "syn.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}

// See wiped_memory.hpp. WebAssembly only: the native tests keep the system's allocator.
#include "wasm/wiped_memory.hpp"

#include <sodium.h>

#include <malloc.h>

#include <algorithm>
#include <cstring>

extern "C" {
// Emscripten's dlmalloc (system/lib/dlmalloc.c) under the names it exports
// for programs that replace its weak free and realloc, as this file does.
void* emscripten_builtin_malloc(std::size_t size);
void emscripten_builtin_free(void* block);

void free(void* block) {
  if (!block) return;
  sodium_memzero(block, malloc_usable_size(block));
  emscripten_builtin_free(block);
}

// Always a new block: dlrealloc would give the old one (or a cut-off tail)
// back unwiped.
void* realloc(void* block, std::size_t size) {
  if (!block) return emscripten_builtin_malloc(size);
  if (size == 0) {
    free(block);
    return nullptr;
  }
  void* moved = emscripten_builtin_malloc(size);
  if (!moved) return nullptr;  // the old block stays valid, as realloc promises
  std::memcpy(moved, block, std::min(size, malloc_usable_size(block)));
  free(block);
  return moved;
}
}

namespace tessera::client {

[[gnu::noinline]] void wipe_free_stack() {
  unsigned char below[kStackWipeBytes];
  sodium_memzero(below, sizeof below);  // not optimised away, unlike memset
}

}  // namespace tessera::client

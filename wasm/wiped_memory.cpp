// See wiped_memory.hpp. WebAssembly only: the native tests keep the system's allocator.
#include "wasm/wiped_memory.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

extern "C" {
// Emscripten's dlmalloc (system/lib/dlmalloc.c), whose weak malloc, free and
// realloc aliases these definitions replace.
void* dlmalloc(std::size_t size);
void dlfree(void* block);
std::size_t dlmalloc_usable_size(const void* block);

void free(void* block) {
  if (!block) return;
  sodium_memzero(block, dlmalloc_usable_size(block));
  dlfree(block);
}

// Always a new block: dlrealloc would give the old one (or a cut-off tail)
// back unwiped.
void* realloc(void* block, std::size_t size) {
  if (!block) return dlmalloc(size);
  if (size == 0) {
    free(block);
    return nullptr;
  }
  void* moved = dlmalloc(size);
  if (!moved) return nullptr;  // the old block stays valid, as realloc promises
  std::memcpy(moved, block, std::min(size, dlmalloc_usable_size(block)));
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

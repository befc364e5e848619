#pragma once
// Memory the module gives back is wiped, so a name, a note or a link secret
// does not linger in the WebAssembly heap after the object that held it is
// gone (a kiosk serves one patient after another in the same page).
//
// wiped_memory.cpp replaces the C library's free and realloc (weak symbols
// in Emscripten's dlmalloc, which exports itself as emscripten_builtin_*
// for this): every block is zeroed before dlmalloc takes it
// back. That covers C++ delete (libc++ calls free), ImGui's allocations,
// nlohmann/json, and the bridge's _free of strings it passed in. What the
// heap cannot reach is stack residue, which wipe_free_stack clears.
#include <cstddef>

namespace tessera::client {

// How much stack below the caller wipe_free_stack zeroes: far deeper than a
// frame, a JSON parse or the visit's crypto ever go (the stack is 5 MiB).
inline constexpr std::size_t kStackWipeBytes = 256 * 1024;

// Zeroes kStackWipeBytes of the unused stack below the caller. Call it from
// a shallow place (a timer callback), after the data it must reach is gone.
void wipe_free_stack();

}  // namespace tessera::client

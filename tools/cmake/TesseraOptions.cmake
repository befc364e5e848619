# Compile options for Tessera's own code, as an interface target.
# Third-party code does not link this, so its warnings stay its own.

option(TESSERA_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
set(TESSERA_TEST_VARIANT "" CACHE STRING
    "Suffix for test names, so several build folders can run under one ctest")

add_library(tessera_options INTERFACE)
add_library(tessera::options ALIAS tessera_options)
target_compile_features(tessera_options INTERFACE cxx_std_20)
# Designated initializers that rely on default member values are our idiom;
# g++ 12 would warn about every omitted member.
target_compile_options(tessera_options INTERFACE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor
  -Wno-missing-field-initializers)

if(TESSERA_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_compile_options(tessera_options INTERFACE ${_san})
  target_link_options(tessera_options INTERFACE ${_san})
endif()

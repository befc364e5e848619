# Every third-party library Tessera uses, found or built here and nowhere else.
# Versions are pinned by tools/setup.sh (Debian bookworm packages, and the
# exact Debian source package versions built for WebAssembly); the resolved
# versions are listed in docs/DEPENDENCIES.md.
#
# Targets the rest of the build links:
#   tessera::sodium   libsodium      (native: Debian's; wasm: built from Debian's source)
#   tessera::json     nlohmann/json  (header-only, exceptions off: JSON_NOEXCEPTION)
#   tessera::catch2   Catch2 v2      (tests)
#   tessera::beast    Boost.Beast/Asio + OpenSSL (native only)
#   tessera::sqlite   SQLite         (native only)
#   tessera::qrencode libqrencode    (native only: the account command's QR code)
#   tessera::imgui    Dear ImGui 1.86 + its GLFW backend (wasm only; wasm/imgui_renderer draws)

set(TESSERA_THIRD_PARTY_DIR "${PROJECT_SOURCE_DIR}/build/third_party" CACHE PATH
    "Where tools/setup.sh unpacks Debian source packages built for WebAssembly")

# Debian's header-only packages live in /usr/include, which must not be put on
# an Emscripten include path (it would shadow the wasm sysroot). Expose only
# the one folder each needs, through a symlink farm in the build tree.
function(tessera_header_dir out)
  set(dir "${CMAKE_BINARY_DIR}/include_links")
  foreach(sub IN LISTS ARGN)
    file(MAKE_DIRECTORY "${dir}")
    if(NOT EXISTS "${dir}/${sub}")
      file(CREATE_LINK "/usr/include/${sub}" "${dir}/${sub}" SYMBOLIC)
    endif()
  endforeach()
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

add_library(tessera_json INTERFACE)
add_library(tessera::json ALIAS tessera_json)
target_compile_definitions(tessera_json INTERFACE JSON_NOEXCEPTION)

add_library(tessera_catch2 INTERFACE)
add_library(tessera::catch2 ALIAS tessera_catch2)

if(NOT EMSCRIPTEN)
  # ---------------------------------------------------------------- native
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
  add_library(tessera::sodium ALIAS PkgConfig::SODIUM)

  find_package(nlohmann_json 3.11 REQUIRED)
  target_link_libraries(tessera_json INTERFACE nlohmann_json::nlohmann_json)

  find_package(Catch2 2.13 REQUIRED)
  target_link_libraries(tessera_catch2 INTERFACE Catch2::Catch2)

  find_package(Boost 1.81 REQUIRED)
  find_package(OpenSSL 3 REQUIRED)
  find_package(Threads REQUIRED)
  add_library(tessera_beast INTERFACE)
  add_library(tessera::beast ALIAS tessera_beast)
  target_link_libraries(tessera_beast INTERFACE Boost::headers OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
  target_compile_definitions(tessera_beast INTERFACE BOOST_ASIO_NO_DEPRECATED)

  find_package(SQLite3 REQUIRED)
  add_library(tessera::sqlite ALIAS SQLite::SQLite3)

  pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode>=4.1)
  add_library(tessera::qrencode ALIAS PkgConfig::QRENCODE)
  return()
endif()

# ------------------------------------------------------------------ wasm
# Emscripten 3.1.6 runs its JS optimizer with the machine's Node.js, which
# finds Debian's acorn only through NODE_PATH (see ../shared/BRIEF.md).
set(CMAKE_C_LINKER_LAUNCHER ${CMAKE_COMMAND} -E env NODE_PATH=/usr/share/nodejs)
set(CMAKE_CXX_LINKER_LAUNCHER ${CMAKE_COMMAND} -E env NODE_PATH=/usr/share/nodejs)

tessera_header_dir(_links nlohmann catch2)
target_include_directories(tessera_json SYSTEM INTERFACE "${_links}")
target_include_directories(tessera_catch2 SYSTEM INTERFACE "${_links}")

foreach(pkg IN ITEMS libsodium imgui)
  if(NOT EXISTS "${TESSERA_THIRD_PARTY_DIR}/${pkg}/VERSION")
    message(FATAL_ERROR "${pkg} sources are missing from ${TESSERA_THIRD_PARTY_DIR}: run tools/setup.sh")
  endif()
endforeach()

# libsodium: Debian's source, built once with its own autotools for wasm32.
include(ExternalProject)
set(_sodium_src "${TESSERA_THIRD_PARTY_DIR}/libsodium")
set(_sodium_prefix "${CMAKE_BINARY_DIR}/third_party/libsodium")
file(READ "${_sodium_src}/VERSION" _sodium_version)
string(STRIP "${_sodium_version}" _sodium_version)
ExternalProject_Add(libsodium_wasm
  SOURCE_DIR "${_sodium_src}"
  PREFIX "${_sodium_prefix}"
  INSTALL_DIR "${_sodium_prefix}"
  # The version is part of the step, so a new pin rebuilds and nothing else does.
  CONFIGURE_COMMAND ${CMAKE_COMMAND} -E env NODE_PATH=/usr/share/nodejs "CFLAGS=-O3 -DSODIUM_VERSION_PIN=${_sodium_version}"
    emconfigure <SOURCE_DIR>/configure --host=wasm32-unknown-emscripten --prefix=<INSTALL_DIR>
      --disable-shared --enable-static --disable-ssp --disable-asm --without-pthreads --disable-dependency-tracking
  BUILD_COMMAND ${CMAKE_COMMAND} -E env NODE_PATH=/usr/share/nodejs emmake make -j2
  INSTALL_COMMAND make install
  BUILD_BYPRODUCTS "${_sodium_prefix}/lib/libsodium.a"
  LOG_CONFIGURE ON LOG_BUILD ON LOG_INSTALL ON LOG_OUTPUT_ON_FAILURE ON)
file(MAKE_DIRECTORY "${_sodium_prefix}/include")
add_library(tessera_sodium STATIC IMPORTED GLOBAL)
set_target_properties(tessera_sodium PROPERTIES
  IMPORTED_LOCATION "${_sodium_prefix}/lib/libsodium.a"
  INTERFACE_INCLUDE_DIRECTORIES "${_sodium_prefix}/include")
add_dependencies(tessera_sodium libsodium_wasm)
add_library(tessera::sodium ALIAS tessera_sodium)

# Dear ImGui: Debian's source, compiled here as a plain static library.
# IMGUI_ENABLE_TEST_ENGINE turns on the item hooks our accessible DOM layer reads.
set(_imgui "${TESSERA_THIRD_PARTY_DIR}/imgui")
add_library(tessera_imgui STATIC
  ${_imgui}/imgui.cpp ${_imgui}/imgui_draw.cpp ${_imgui}/imgui_tables.cpp ${_imgui}/imgui_widgets.cpp
  ${_imgui}/backends/imgui_impl_glfw.cpp
  ${_imgui}/misc/cpp/imgui_stdlib.cpp)
add_library(tessera::imgui ALIAS tessera_imgui)
target_include_directories(tessera_imgui SYSTEM PUBLIC ${_imgui} ${_imgui}/backends ${_imgui}/misc/cpp)
target_compile_definitions(tessera_imgui PUBLIC
  IMGUI_ENABLE_TEST_ENGINE IMGUI_DISABLE_OBSOLETE_FUNCTIONS IMGUI_DISABLE_DEMO_WINDOWS IMGUI_DISABLE_DEBUG_TOOLS)
target_compile_options(tessera_imgui PRIVATE -Os)
target_link_options(tessera_imgui PUBLIC -sUSE_GLFW=3 -sMAX_WEBGL_VERSION=2 -sMIN_WEBGL_VERSION=2)
target_compile_features(tessera_imgui PUBLIC cxx_std_20)

# tessera_catch_test(<target> [LABELS ...]): register a Catch2 executable with
# ctest. Natively it runs as is (label unit); in the wasm preset it is linked
# to run under Node with access to the real file system (label wasm).
# TESSERA_TEST_VARIANT suffixes the name so several build folders can be
# aggregated into one ctest run without clashing names.

find_program(TESSERA_NODE node REQUIRED)

# Catch2's runner is the slowest file to compile: once per build folder, linked
# into every suite.
add_library(tessera_catch_main OBJECT ${PROJECT_SOURCE_DIR}/tests/catch_main.cpp)
target_link_libraries(tessera_catch_main PUBLIC tessera::catch2 PRIVATE tessera::options)
if(EMSCRIPTEN)
  target_compile_options(tessera_catch_main PRIVATE -fexceptions)
endif()

function(tessera_catch_test target)
  cmake_parse_arguments(arg "" "" "LABELS" ${ARGN})
  target_link_libraries(${target} PRIVATE tessera_catch_main tessera::catch2 tessera::options)
  target_compile_definitions(${target} PRIVATE
    TESSERA_VECTORS_DIR="${PROJECT_SOURCE_DIR}/tests/vectors"
    TESSERA_WYCHEPROOF_DIR="${PROJECT_SOURCE_DIR}/../shared/testdata/wycheproof")
  set(name ${target})
  if(TESSERA_TEST_VARIANT)
    set(name ${target}-${TESSERA_TEST_VARIANT})
  endif()
  if(EMSCRIPTEN)
    # Catch2 reports failures by exception; only the test binaries enable them.
    target_compile_options(${target} PRIVATE -fexceptions)
    target_link_options(${target} PRIVATE -fexceptions
      -sENVIRONMENT=node -sWASM_ASYNC_COMPILATION=0 -sNODERAWFS=1
      -sALLOW_MEMORY_GROWTH=1 -sEXIT_RUNTIME=1)
    add_test(NAME ${name} COMMAND ${TESSERA_NODE} $<TARGET_FILE:${target}>)
    set_tests_properties(${name} PROPERTIES LABELS "wasm;${arg_LABELS}")
  else()
    if(CMAKE_BUILD_TYPE MATCHES "Rel")
      # Suites are built for compile speed (-Og about halves a Beast test's
      # build); the gateway and shared/ libraries keep the preset's -O2.
      target_compile_options(${target} PRIVATE -Og)
    endif()
    add_test(NAME ${name} COMMAND ${target})
    set_tests_properties(${name} PROPERTIES LABELS "unit;${arg_LABELS}")
  endif()
  if(TESSERA_SANITIZE)
    set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT
      "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1" "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
  endif()
endfunction()

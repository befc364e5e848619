# tessera_catch_test(<target> [LABELS ...]): register a Catch2 executable with
# ctest. Natively it runs as is (label unit); in the wasm preset it is linked
# to run under Node with access to the real file system (label wasm).
# TESSERA_TEST_VARIANT suffixes the name so several build folders can be
# aggregated into one ctest run without clashing names.

find_program(TESSERA_NODE node REQUIRED)

function(tessera_catch_test target)
  cmake_parse_arguments(arg "" "" "LABELS" ${ARGN})
  target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests/catch_main.cpp)
  target_link_libraries(${target} PRIVATE tessera::catch2 tessera::options)
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
    add_test(NAME ${name} COMMAND ${target})
    set_tests_properties(${name} PROPERTIES LABELS "unit;${arg_LABELS}")
  endif()
  if(TESSERA_SANITIZE)
    set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT
      "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1" "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
  endif()
endfunction()

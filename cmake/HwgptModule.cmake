# One place for the flags, warnings and aliases of every hwgpt module.
#
#   hwgpt_add_module(<name> SOURCES a.cpp b.cpp
#                    DEPENDS hwgpt::<lower module> ...       # public: visible to our users
#                    PRIVATE_DEPENDS <target> ...)           # e.g. torch: never leaks upward
#
# creates the static library hwgpt_<name>, aliased hwgpt::<name>, whose public headers live in
# src/<name>/include/hwgpt/<name>/. A module can include only the modules it links, so the
# compiler checks the arrows of DESIGN.md.

function(hwgpt_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 false positive on std::string concatenation at -O3 (GCC bug 105329); clang (the
    # fuzz build) has no such option.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(HWGPT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

function(hwgpt_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  foreach(dep IN LISTS ARG_DEPENDS)
    if(dep MATCHES "^hwgpt::" AND NOT TARGET ${dep})
      message(FATAL_ERROR "hwgpt module '${name}' depends on ${dep}, which is not defined yet: "
                          "modules may only use modules listed above them (DESIGN.md)")
    endif()
  endforeach()
  add_library(hwgpt_${name} STATIC ${ARG_SOURCES})
  add_library(hwgpt::${name} ALIAS hwgpt_${name})
  target_include_directories(hwgpt_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(hwgpt_${name} PUBLIC ${ARG_DEPENDS} PRIVATE ${ARG_PRIVATE_DEPENDS})
  set_target_properties(hwgpt_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  hwgpt_target_warnings(hwgpt_${name})
endfunction()

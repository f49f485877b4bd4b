# Build a probe target that must fail because of the layering (its output
# names the forbidden header), and its control that must build:
# cmake -DBIN=<build dir> -DBAD=<target> -DGOOD=<target> -DHEADER=<h> -P check.cmake
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BIN} --target ${GOOD}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the control ${GOOD} (an allowed include) does not build:\n${out}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BIN} --target ${BAD}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${BAD} built: a module included ${HEADER} of a module it may not use")
endif()
# gcc: "HEADER: No such file or directory"; clang: "'HEADER' file not found"
string(FIND "${out}" "${HEADER}: No such file or directory" at)
if(at LESS 0)
  string(FIND "${out}" "'${HEADER}' file not found" at)
endif()
if(at LESS 0)
  message(FATAL_ERROR "${BAD} failed, but not for the layering:\n${out}")
endif()
message(STATUS "${BAD}: refused as it must (${HEADER}: No such file or directory)")

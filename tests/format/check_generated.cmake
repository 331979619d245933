# Re-runs tools/schema/gen_c.py into OUT_DIR and fails if the committed runtime/src/format/tern_fbs_generated.*
# differ: the schema changed without regenerating, or someone edited generated code by hand.
execute_process(COMMAND ${PYTHON} ${SOURCE_DIR}/tools/schema/gen_c.py --schema ${SOURCE_DIR}/runtime/schema/tern.fbs
                        --out-dir ${OUT_DIR}
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "gen_c.py failed (${result})")
endif()
foreach(name tern_fbs_generated.h tern_fbs_generated.c)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT_DIR}/${name} ${SOURCE_DIR}/runtime/src/format/${name}
                  RESULT_VARIABLE different)
  if(different)
    message(FATAL_ERROR "runtime/src/format/${name} is stale: run python3 tools/schema/gen_c.py")
  endif()
endforeach()
message(STATUS "generated code matches runtime/schema/tern.fbs")

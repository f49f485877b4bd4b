# Write the man pages and the bash completion from the built program's
# option tables: cmake -DSENDA=<senda> -DOUT=<dir> -P gen-docs.cmake
# Commands with a subcommand word are listed in SUB_<command>; every command
# `senda --help-commands` names must give a page, or the build fails.
set(SUB_layers check)
set(SUB_incidents import)

file(MAKE_DIRECTORY ${OUT})
file(GLOB _old ${OUT}/*.1)
if(_old)
  file(REMOVE ${_old})
endif()

function(run_senda out_var)
  execute_process(COMMAND ${SENDA} ${ARGN} OUTPUT_VARIABLE _out ERROR_VARIABLE _err
                  RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "senda ${ARGN} failed (${_rc}): ${_err}")
  endif()
  set(${out_var} "${_out}" PARENT_SCOPE)
endfunction()

run_senda(_page --help-man)
file(WRITE ${OUT}/senda.1 "${_page}")
run_senda(_cmds --help-commands)
string(REPLACE "\n" ";" _cmds "${_cmds}")

set(_cases "")
set(_words "")
foreach(cmd IN LISTS _cmds)
  if(cmd STREQUAL "")
    continue()
  endif()
  list(APPEND _words ${cmd})
  set(_args ${cmd} ${SUB_${cmd}})
  string(REPLACE ";" "-" _page_name "senda;${_args}")
  run_senda(_page ${_args} --help-man)
  file(WRITE ${OUT}/${_page_name}.1 "${_page}")
  run_senda(_opts ${_args} --help-options)
  string(REPLACE "\n" ";" _lines "${_opts}")
  set(_all "")
  set(_valued "")
  foreach(l IN LISTS _lines)
    if(l MATCHES "^([^\t]+)\t(.*)$")
      list(APPEND _all ${CMAKE_MATCH_1})
      if(NOT CMAKE_MATCH_2 STREQUAL "")
        list(APPEND _valued ${CMAKE_MATCH_1})
      endif()
    endif()
  endforeach()
  string(REPLACE ";" " " _all "${_all}")
  string(REPLACE ";" "|" _valued "${_valued}")
  if(_valued STREQUAL "")
    set(_valued "--@none@")
  endif()
  string(APPEND _cases "        ${cmd})\n            sub='${SUB_${cmd}}'\n"
         "            opts='${_all}'\n            case \"$prev\" in ${_valued}) valued=1 ;; esac\n"
         "            ;;\n")
endforeach()
string(REPLACE ";" " " _words "${_words}")

file(WRITE ${OUT}/senda.bash
"# bash completion for senda ${VERSION}, generated from its option tables.
_senda() {
    local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
    local opts='' sub='' valued=0
    if [ \"$COMP_CWORD\" -eq 1 ]; then
        COMPREPLY=($(compgen -W '${_words} --help --version' -- \"$cur\"))
        return
    fi
    case \${COMP_WORDS[1]} in
${_cases}    esac
    if [ -n \"$sub\" ] && [ \"$COMP_CWORD\" -eq 2 ]; then
        COMPREPLY=($(compgen -W \"$sub --help\" -- \"$cur\"))
    elif [ \"$valued\" -eq 1 ] || [ \"\${cur#-}\" = \"$cur\" ]; then
        COMPREPLY=($(compgen -f -- \"$cur\"))
    else
        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))
    fi
}
complete -o filenames -F _senda senda
")
file(WRITE ${OUT}/.stamp "")

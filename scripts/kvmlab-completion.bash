# Tab completion for kvmlab in bash: source this file (for example from ~/.bashrc).
# kvmlab answers System.CommandLine's [suggest] directive with the words that fit where the cursor is.
_kvmlab() {
  local line=${COMP_LINE#* }                       # the command line without the program name
  local pos=$(( COMP_POINT - ${#COMP_LINE} + ${#line} ))
  local IFS=$'\n'
  # shellcheck disable=SC2207
  COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" "[suggest:$pos]" "$line" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
}
complete -o default -F _kvmlab kvmlab ./kvmlab
